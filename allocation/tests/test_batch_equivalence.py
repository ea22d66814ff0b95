"""The app's numbers equal the batch interface's for the same inputs (DOMAIN.md 5), for
every allocation mode: spread (with bounds, credit, two tiers, a divisor method; and by
jobs with existing effort from an indicator), local (own demand for the period) and
statutory (a list of half-years, each rounded by itself)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from allocation import services
from allocation.models import ScenarioRun

from .factories import scenario_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(round_):
    scenario = scenario_for(
        round_,
        groups=("urgent", "status_holders", "homeless"),
        weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
        credit_factor=Decimal("0.5"),
        max_credit_fraction=Decimal("0.3"),
        upper_bound_mutations_pct=Decimal(60),
        two_tier=True,
        method="sainte-lague",
    )
    done = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="t").pk
    )
    assert done.status == "succeeded", done.error_message
    return done


def _quota_and_allocation(result: dict) -> dict[str, tuple[str, int]]:
    return {a["code"]: (a["quota"], a["allocation"]) for a in result["allocations"]}


@pytest.mark.parametrize("group", ["urgent", "status_holders", "homeless"])
def test_exported_input_through_manage_allocate_gives_the_same_numbers(
    client_for, run, group, tmp_path
) -> None:
    response = client_for("beleid.haarlem").get(
        reverse("allocation:run_group_input", args=[run.pk, group])
    )
    path = tmp_path / "scenario.json"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("allocate", "--input", str(path), stdout=out)
    batch = json.loads(out.getvalue())
    stored = run.results["groups"][group]["result"]
    assert _quota_and_allocation(batch) == _quota_and_allocation(stored)
    batch.pop("fairness")
    assert batch == stored  # every step, tie and warning too


def test_the_batch_process_agrees_with_the_stored_run(client_for, run, tmp_path) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(
        client_for("programma")
        .get(reverse("allocation:run_group_input", args=[run.pk, "urgent"]))
        .content
    )
    target = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "allocate",
            "--input",
            str(path),
            "--output",
            str(target),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    batch = json.loads(target.read_text())
    stored = run.results["groups"]["urgent"]["result"]
    assert _quota_and_allocation(batch) == _quota_and_allocation(stored)
    assert batch["allocated_total"] == stored["total"]


@pytest.fixture
def standard_run(round_):
    """The default scenario: every group by its own mode, over a two-year round."""
    services.round_half_years_ensure(round_=round_)
    services.round_settings_update(
        round_=round_,
        fallback_pct=Decimal(15),
        statutory_urgent_groups=["homeless", "urgent", "institution_leavers"],
        half_years=[
            services.HalfYearInput(label, total, 17_942_942, estimate=label.startswith("2027"))
            for label, total in (
                ("2026-H1", 13000),
                ("2026-H2", 12500),
                ("2027-H1", 12000),
                ("2027-H2", 11000),
            )
        ],
        user=None,
    )
    scenario = services.scenario_create(
        round_=round_,
        name="Standaard",
        options=services.ScenarioOptions(sensitivity_draws=100),
        user=None,
    )
    done = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="std").pk
    )
    assert done.status == "succeeded", done.error_message
    return done


@pytest.mark.parametrize(
    ("group", "method"),
    [
        ("students", "local"),
        ("caravan_dwellers", "local"),
        ("status_holders", "statutory"),
        ("labour_migrants", "hamilton"),
        ("homeless", "hamilton"),
    ],
)
def test_every_mode_gives_the_same_numbers_through_manage_allocate(
    client_for, standard_run, group, method, tmp_path
) -> None:
    response = client_for("programma").get(
        reverse("allocation:run_group_input", args=[standard_run.pk, group])
    )
    data = json.loads(response.content)
    assert data["method"] == method
    if method == "statutory":
        assert [h["label"] for h in data["statutory"]] == [
            "2026-H1",
            "2026-H2",
            "2027-H1",
            "2027-H2",
        ]
        assert [h["estimate"] for h in data["statutory"]] == [False, False, True, True]
    if method == "local":
        assert all("demand" in m for m in data["municipalities"])
    path = tmp_path / "scenario.json"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("allocate", "--input", str(path), stdout=out)
    batch = json.loads(out.getvalue())
    stored = standard_run.results["groups"][group]["result"]
    assert _quota_and_allocation(batch) == _quota_and_allocation(stored)
    batch.pop("fairness")
    assert batch == stored
