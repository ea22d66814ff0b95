"""The recompute kit (issue 11, acceptance 4): anyone downloads it, runs `manage.py allocate`
on every scenario.json as a separate process, applies the listed transfers, and gets exactly
the numbers the public page and expected.json publish; the control code can be recomputed
from the kit too."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from agreements import selectors as rs
from allocation.engine import phase_over_years
from allocation.models import ScenarioRun

from .conftest import TRANSFERS, published_numbers

ROOT = Path(__file__).resolve().parents[2]


def _kit_url(round_: Any) -> str:
    return reverse("public:round_kit", kwargs={"pk": round_.pk})


def _download(client: Any, round_: Any) -> zipfile.ZipFile:
    response = client.get(_kit_url(round_))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def _allocate(scenario: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """`manage.py allocate` as an analyst runs it: another process, no SECRET_KEY."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "allocate",
            "--input",
            str(scenario),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        cwd=scenario.parent,
        env=env,
        timeout=300,
        check=False,
    )


def _fingerprint(value: Any) -> str:
    """As LEESMIJ.txt tells the reader to compute it."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.django_db
def test_the_kit_recomputes_the_published_numbers_in_a_separate_process(
    client, adopted, tmp_path
) -> None:
    _download(client, adopted).extractall(tmp_path)
    expected = json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    transfers = json.loads((tmp_path / "transfers.json").read_text(encoding="utf-8"))
    assert len(transfers) == len(TRANSFERS)
    page = published_numbers(
        client.get(reverse("public:round_detail", args=[adopted.pk])).content.decode()
    )
    years = expected["round"]["years"]
    assert set(expected["groups"]) == {"urgent", "homeless"}

    recomputed: dict[tuple[str, str], int] = {}
    for code, group in expected["groups"].items():
        scenario = tmp_path / group["scenario"]
        assert scenario.is_file()
        output = scenario.parent / "result.json"
        done = _allocate(scenario, output)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        result = json.loads(output.read_text(encoding="utf-8"))
        numbers = {a["code"]: a["total_with_backlog"] for a in result["allocations"]}
        for t in transfers:
            if t["group"] == code:
                numbers[t["from"]] -= t["amount"]
                numbers[t["to"]] += t["amount"]
        for cbs_code, number in numbers.items():
            recomputed[(code, cbs_code)] = number
        # expected.json holds the same numbers, per period and per year, and the totals.
        listed = {m["code"]: m for m in group["municipalities"]}
        assert {c: m["agreed"] for c, m in listed.items()} == numbers
        assert group["total"] == sum(numbers.values())  # transfers keep the group's total
        for cbs_code, number in numbers.items():
            per_year = phase_over_years(number, len(years))
            assert list(listed[cbs_code]["per_year"].values()) == per_year
            assert page[(code, cbs_code)] == {"agreed": number, "per_year": per_year}

    # The page shows exactly these numbers, no more and no less.
    assert {key: value["agreed"] for key, value in page.items()} == recomputed
    # The transfers moved numbers: the agreed numbers are not the run's own.
    agreed = rs.agreed_result(adopted)
    for group_code, giver, taker, *_rest, amount in TRANSFERS:
        lines = {line.code: line for line in agreed.groups[group_code].lines}
        assert recomputed[(group_code, giver)] == lines[giver].computed - amount
        assert recomputed[(group_code, taker)] == lines[taker].computed + amount


@pytest.mark.django_db
def test_the_control_code_can_be_recomputed_from_the_kit(client, adopted) -> None:
    kit = _download(client, adopted)
    expected = json.loads(kit.read("expected.json"))
    computation = json.loads(kit.read("berekening.json"))
    transfers = json.loads(kit.read("transfers.json"))
    run_digest = _fingerprint(computation)
    assert run_digest == expected["run_digest"]
    digest = _fingerprint({"run": run_digest, "transfers": transfers})
    assert digest == expected["digest"] == rs.agreed_result(adopted).digest
    page = client.get(reverse("public:round_detail", args=[adopted.pk])).content.decode()
    assert digest in page
    assert digest in kit.read("LEESMIJ.txt").decode()


@pytest.mark.django_db
def test_each_scenario_is_exactly_what_the_app_gave_the_engine(client, client_for, adopted) -> None:
    kit = _download(client, adopted)
    run = ScenarioRun.objects.get(pk=adopted.agreed_run_id)
    programme = client_for("programma")
    for code in ("urgent", "homeless"):
        assert json.loads(kit.read(f"{code}/scenario.json")) == run.inputs[code]["scenario"]
        served = programme.get(
            reverse("allocation:run_group_input", kwargs={"pk": run.pk, "group": code})
        )
        assert served.status_code == 200
        assert kit.read(f"{code}/scenario.json") == served.content


@pytest.mark.django_db
def test_the_readme_explains_in_dutch_how_to_recompute(client, adopted) -> None:
    readme = _download(client, adopted).read("LEESMIJ.txt").decode()
    assert "python manage.py allocate --input urgent/scenario.json" in readme
    assert "python manage.py allocate --input homeless/scenario.json" in readme
    assert "Illustratieve cijfers: dit zijn geen echte afspraken" in readme
    assert "overdracht" in readme.lower()
    # Plain text, not HTML-escaped.
    assert "&#x27;" not in readme
    assert "&quot;" not in readme


@pytest.mark.django_db
def test_the_kit_is_the_same_every_time(client, adopted) -> None:
    first = client.get(_kit_url(adopted)).content
    assert client.get(_kit_url(adopted)).content == first
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert sorted(names) == [
        "LEESMIJ.txt",
        "berekening.json",
        "expected.json",
        "homeless/scenario.json",
        "transfers.json",
        "urgent/scenario.json",
    ]
