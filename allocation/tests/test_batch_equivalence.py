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


# --- two-tier maatwerk: a sub-region's own inner key --------------------------------------


def _first_subregion() -> str:
    from municipalities.models import SubRegion

    return SubRegion.objects.order_by("name").values_list("name", flat=True)[0]


def _execute(scenario, task_id: str) -> ScenarioRun:
    done = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id=task_id).pk
    )
    assert done.status == "succeeded", done.error_message
    return done


@pytest.fixture
def inner_key_scenario(round_):
    scenario = scenario_for(
        round_,
        name="Eigen sleutel",
        groups=("urgent",),
        weights={"population": Decimal(1)},
        credit_factor=Decimal("0.5"),
        upper_bound_mutations_pct=Decimal(60),
        two_tier=True,
    )
    services.scenario_subregion_key_set(
        scenario=scenario,
        group_code="urgent",
        subregion=_first_subregion(),
        weights={"social_rental": Decimal("0.75"), "population": Decimal("0.25")},
        user=None,
    )
    return scenario


def test_an_inner_key_gives_the_same_numbers_through_manage_allocate(
    client_for, inner_key_scenario, tmp_path
) -> None:
    run = _execute(inner_key_scenario, "inner")
    sub = _first_subregion()
    assert run.scenario_settings["groups"]["urgent"]["subregion_weights"] == {
        sub: {"population": "0.250000", "social_rental": "0.750000"}
    }
    response = client_for("programma").get(
        reverse("allocation:run_group_input", args=[run.pk, "urgent"])
    )
    data = json.loads(response.content)
    assert data["subregion_weights"] == {
        sub: {"population": "0.250000", "social_rental": "0.750000"}
    }
    path = tmp_path / "scenario.json"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("allocate", "--input", str(path), stdout=out)
    batch = json.loads(out.getvalue())
    stored = run.results["groups"]["urgent"]["result"]
    batch.pop("fairness")
    assert batch == stored
    own = next(s for s in stored["subregions"] if s["name"] == sub)
    assert own["weights"] == {"population": "0.2500000000", "social_rental": "0.7500000000"}
    inside = [a for a in stored["allocations"] if a["subregion"] == sub]
    assert sum(a["allocation"] for a in inside) == own["allocation"]
    assert all("own_key" in a["steps"]["subregion"] for a in inside)
    # The run's explanation says so.
    page = client_for("programma").get(reverse("allocation:run_group", args=[run.pk, "urgent"]))
    if page.status_code == 200:
        assert "own-subregion-key" in page.content.decode()


def test_changing_an_inner_key_changes_the_run_digest(inner_key_scenario) -> None:
    first = _execute(inner_key_scenario, "one")
    again = _execute(inner_key_scenario, "two")
    assert again.digest == first.digest  # same inputs and settings: same digest
    services.scenario_subregion_key_set(
        scenario=inner_key_scenario,
        group_code="urgent",
        subregion=_first_subregion(),
        weights={"social_rental": Decimal("0.5"), "population": Decimal("0.5")},
        user=None,
    )
    changed = _execute(inner_key_scenario, "three")
    assert changed.digest != first.digest
    # Removing the key: the settings are those of a plain two-tier group again.
    services.scenario_subregion_key_set(
        scenario=inner_key_scenario,
        group_code="urgent",
        subregion=_first_subregion(),
        weights={},
        user=None,
    )
    plain = _execute(inner_key_scenario, "four")
    assert "subregion_weights" not in plain.scenario_settings["groups"]["urgent"]
    assert plain.digest not in {first.digest, changed.digest}


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        ({"population": Decimal("0.5")}, "precies 100%"),
        ({"population": Decimal("1.5"), "social_rental": Decimal("-0.5")}, "tussen 0 en 100%"),
    ],
)
def test_an_inner_key_is_validated_in_dutch(round_, weights, words) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    scenario = scenario_for(round_, groups=("urgent",), two_tier=True)
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        services.scenario_subregion_key_set(
            scenario=scenario,
            group_code="urgent",
            subregion=_first_subregion(),
            weights=weights,
            user=None,
        )
    assert words in " ".join(caught.value.messages)


def test_an_unknown_subregion_is_refused(round_) -> None:
    from django.core.exceptions import ValidationError

    scenario = scenario_for(round_, groups=("urgent",), two_tier=True)
    with pytest.raises(ValidationError):
        services.scenario_subregion_key_set(
            scenario=scenario,
            group_code="urgent",
            subregion="Nergensland",
            weights={"population": Decimal(1)},
            user=None,
        )


def test_the_subregion_key_page_saves_and_the_scenario_page_shows_it(client_for, round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",), two_tier=True)
    client = client_for("programma")
    url = reverse("allocation:scenario_subregion_key", args=[scenario.pk, "urgent"])
    assert client.get(url).status_code == 200
    sub = _first_subregion()
    bad = client.post(url, {"subregion": sub, "weight_population": "60"})
    assert bad.status_code == 200  # the weights add up to 60%: shown again with the error
    response = client.post(
        url, {"subregion": sub, "weight_population": "40", "weight_social_rental": "60"}
    )
    assert response.status_code == 302
    stored = services.group_setting_input(
        scenario.settings.get(group__code="urgent")
    ).subregion_weights
    assert stored == {sub: {"population": Decimal("0.4"), "social_rental": Decimal("0.6")}}
    page = client.get(reverse("allocation:scenario_detail", args=[scenario.pk])).content.decode()
    assert "own-subregion-key" in page
