"""`manage.py allocate` (DOMAIN.md 5): every method and option, and every kind of bad input."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]

VOTES = {"A": 53000, "B": 24000, "C": 23000}


def scenario(**overrides: Any) -> dict[str, Any]:
    """A three-municipality scenario on population (the classic 53/24/23 example)."""
    data: dict[str, Any] = {
        "total": 7,
        "method": "hamilton",
        "two_tier": False,
        "strict_ties": False,
        "weights": {"population": 1},
        "credit_factor": 0,
        "max_credit_fraction": None,
        "statutory": None,
        "municipalities": [
            {
                "code": code,
                "name": f"Gemeente {code}",
                "subregion": "Noord" if code != "C" else "Zuid",
                "indicators": {"population": pop},
                "existing_effort": 0,
                "lower": None,
                "upper": None,
            }
            for code, pop in VOTES.items()
        ],
    }
    data.update(overrides)
    return data


def run(tmp_path: Path, data: Any, *extra: str) -> dict[str, Any]:
    path = tmp_path / "scenario.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("allocate", "--input", str(path), *extra, stdout=out)
    return json.loads(out.getvalue()) if not extra else {}


def allocations(result: dict[str, Any]) -> dict[str, int]:
    return {a["code"]: a["allocation"] for a in result["allocations"]}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("hamilton", {"A": 4, "B": 2, "C": 1}),
        ("dhondt", {"A": 4, "B": 2, "C": 1}),
        ("sainte-lague", {"A": 3, "B": 2, "C": 2}),
        ("huntington-hill", {"A": 3, "B": 2, "C": 2}),
    ],
)
def test_each_rounding_method_gives_its_known_answer(tmp_path, method, expected) -> None:
    result = run(tmp_path, scenario(method=method))
    assert result["method"] == method
    assert allocations(result) == expected
    assert result["allocated_total"] == 7
    quota = {a["code"]: a["quota"] for a in result["allocations"]}
    assert quota["A"] == "3.7100000000"  # exact a_i as a decimal string, 10 decimals


def test_statutory_method_rounds_up_the_national_share(tmp_path) -> None:
    data = scenario(
        method="statutory",
        total=None,
        weights=None,
        statutory={"national_total": 13000, "national_population": 17942942},
    )
    result = run(tmp_path, data)
    expected = {c: math.ceil(13000 * p / 17942942) for c, p in VOTES.items()}
    assert allocations(result) == expected


def test_two_tier_rounds_sub_regions_first(tmp_path) -> None:
    result = run(tmp_path, scenario(two_tier=True, total=10))
    subs = {s["name"]: s for s in result["subregions"]}
    assert subs["Noord"]["allocation"] + subs["Zuid"]["allocation"] == 10
    assert subs["Noord"]["rounding"] is not None
    assert sum(allocations(result).values()) == 10
    assert "subregion" in result["allocations"][0]["steps"]


def test_credit_for_existing_effort_can_bring_a_task_to_zero(tmp_path) -> None:
    data = scenario(total=10, credit_factor=1)
    data["municipalities"][2]["existing_effort"] = 50
    result = run(tmp_path, data)
    assert allocations(result)["C"] == 0
    assert result["allocations"][2]["steps"]["credit"]["already_does_more_than_its_share"]
    assert sum(allocations(result).values()) == 10
    assert any("already does more" in w for w in result["warnings"])


def test_max_credit_fraction_keeps_a_lower_bound(tmp_path) -> None:
    data = scenario(total=10, credit_factor=1, max_credit_fraction="0.5")
    data["municipalities"][2]["existing_effort"] = 50
    result = run(tmp_path, data)
    # C keeps at least half its uncorrected share 10 * 0.23 = 2.3, so 1.15 -> at least 2.
    assert allocations(result)["C"] >= 2
    assert result["allocations"][2]["steps"]["bounds"]["bound_hit"] == "lower"


def test_upper_bounds_cap_and_the_rest_is_spread(tmp_path) -> None:
    data = scenario(total=10)
    data["municipalities"][0]["upper"] = 3
    result = run(tmp_path, data)
    assert allocations(result)["A"] == 3
    assert sum(allocations(result).values()) == 10


def test_backlog_is_added_and_shown_separately(tmp_path) -> None:
    data = scenario()
    data["municipalities"][1]["backlog"] = 2
    result = run(tmp_path, data)
    row = result["allocations"][1]
    assert row["backlog"] == 2
    assert row["total_with_backlog"] == row["allocation"] + 2


def test_ties_are_broken_by_the_rule_and_listed(tmp_path) -> None:
    data = scenario(total=1)
    data["municipalities"] = data["municipalities"][:2]
    for m in data["municipalities"]:
        m["indicators"]["population"] = 500
    result = run(tmp_path, data)
    assert sum(allocations(result).values()) == 1
    assert result["ties"]
    assert result["ties"][0]["tied"] == ["A", "B"]


def test_output_option_writes_the_file(tmp_path) -> None:
    target = tmp_path / "result.json"
    run(tmp_path, scenario(), "--output", str(target))
    assert allocations(json.loads(target.read_text())) == {"A": 4, "B": 2, "C": 1}


def test_input_from_stdin(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(scenario())))
    out = io.StringIO()
    call_command("allocate", "--input", "-", stdout=out)
    assert allocations(json.loads(out.getvalue())) == {"A": 4, "B": 2, "C": 1}


def _bad(tmp_path: Path, data: Any) -> str:
    with pytest.raises(CommandError) as info:
        run(tmp_path, data)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_file_names_the_input(tmp_path) -> None:
    with pytest.raises(CommandError, match=r"^--input: file not found"):
        call_command("allocate", "--input", str(tmp_path / "nope.json"))


def test_directory_as_input(tmp_path) -> None:
    with pytest.raises(CommandError, match=r"^--input: is a directory"):
        call_command("allocate", "--input", str(tmp_path))


def test_invalid_json_says_where(tmp_path) -> None:
    message = _bad(tmp_path, '{"total": 7,\n "method": }')
    assert message.startswith("--input: ")
    assert "not valid JSON" in message
    assert "line 2 column" in message


def test_unwritable_output(tmp_path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario()))
    with pytest.raises(CommandError, match=r"^--output: cannot write"):
        call_command("allocate", "--input", str(path), "--output", str(tmp_path / "no" / "r.json"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"method": "largest"}, "method"),
        ({"weights": {"population": 0.6}}, "weights"),
        ({"weights": {"population": -1, "dwellings": 2}}, "weights.population"),
        ({"total": -3}, "total"),
        ({"total": 7.5}, "total"),
        ({"credit_factor": 2}, "credit_factor"),
        ({"max_credit_fraction": "1.5"}, "max_credit_fraction"),
        ({"extra": 1}, "extra"),
        ({"municipalities": "all"}, "municipalities"),
        ({"method": "statutory", "statutory": None}, "statutory"),
        ({"two_tier": "yes"}, "two_tier"),
    ],
)
def test_each_validation_error_names_its_field(tmp_path, change, field) -> None:
    message = _bad(tmp_path, scenario(**change))
    assert message.startswith(f"{field}: "), message


def test_negative_indicator_names_the_municipality_field(tmp_path) -> None:
    data = scenario()
    data["municipalities"][1]["indicators"]["population"] = -5
    assert _bad(tmp_path, data).startswith("municipalities[1].indicators.population: ")


def test_duplicate_codes_are_refused(tmp_path) -> None:
    data = scenario()
    data["municipalities"][2]["code"] = "A"
    assert _bad(tmp_path, data).startswith("municipalities[2].code: duplicate code")


def test_missing_weighted_indicator(tmp_path) -> None:
    data = scenario(weights={"population": 0.5, "social_rental": 0.5})
    assert _bad(tmp_path, data).startswith("municipalities[0].indicators.social_rental: ")


def test_infeasible_upper_bounds_name_the_bound(tmp_path) -> None:
    data = scenario()
    for m in data["municipalities"]:
        m["upper"] = 1
    message = _bad(tmp_path, data)
    assert "upper" in message.split(":")[0]
    assert "bind" in message


def test_infeasible_lower_bounds_name_the_bound(tmp_path) -> None:
    data = scenario()
    for m in data["municipalities"]:
        m["lower"] = 5
    message = _bad(tmp_path, data)
    assert "lower" in message.split(":")[0]


def test_strict_ties_refuse_a_tie(tmp_path) -> None:
    data = scenario(total=1, strict_ties=True)
    data["municipalities"] = data["municipalities"][:2]
    for m in data["municipalities"]:
        m["indicators"]["population"] = 500
    assert _bad(tmp_path, data).startswith("strict_ties: ")


def test_root_must_be_an_object(tmp_path) -> None:
    assert _bad(tmp_path, "[1, 2]").startswith("(root): ")


def _manage(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "allocate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_as_a_real_process_bad_input_gives_one_line_and_no_traceback(tmp_path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario(weights={"population": 0.5})))
    done = _manage("--input", str(path), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "weights:" in lines[0]
    assert done.stdout == ""
    missing = _manage("--input", str(tmp_path / "nope.json"), cwd=tmp_path)
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr
    assert "--input: file not found" in missing.stderr


def test_as_a_real_process_without_secret_key_prints_the_result(tmp_path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario()))
    done = _manage("--input", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert allocations(json.loads(done.stdout)) == {"A": 4, "B": 2, "C": 1}


def local_scenario(**overrides: Any) -> dict[str, Any]:
    """Method local: each municipality its own demand (no weights, no total)."""
    data: dict[str, Any] = {
        "method": "local",
        "municipalities": [
            {"code": code, "name": f"Gemeente {code}", "demand": demand, "indicators": {}}
            for code, demand in {"A": 12, "B": 0, "C": 5}.items()
        ],
    }
    data.update(overrides)
    return data


HALF_YEARS = [
    {"label": "2026-H1", "national_total": 13000, "national_population": 17942942},
    {"label": "2026-H2", "national_total": 12000, "national_population": 18044027},
]


def test_local_method_gives_each_its_own_demand(tmp_path) -> None:
    result = run(tmp_path, local_scenario())
    assert allocations(result) == {"A": 12, "B": 0, "C": 5}
    assert result["total"] == result["allocated_total"] == 17
    assert result["allocations"][0]["steps"]["local"]["demand"] == 12


def test_statutory_with_a_list_of_half_years_sums_each_half_years_task(tmp_path) -> None:
    data = scenario(method="statutory", total=None, weights=None, statutory=HALF_YEARS)
    result = run(tmp_path, data)
    expected = {
        c: math.ceil(13000 * p / 17942942) + math.ceil(12000 * p / 18044027)
        for c, p in VOTES.items()
    }
    assert allocations(result) == expected
    labels = [h["label"] for h in result["allocations"][0]["steps"]["statutory"]["half_years"]]
    assert labels == ["2026-H1", "2026-H2"]


def test_as_a_real_process_local_and_half_years_print_the_result(tmp_path) -> None:
    path = tmp_path / "local.json"
    path.write_text(json.dumps(local_scenario()))
    done = _manage("--input", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert allocations(json.loads(done.stdout)) == {"A": 12, "B": 0, "C": 5}

    path = tmp_path / "halfyears.json"
    path.write_text(
        json.dumps(scenario(method="statutory", total=None, weights=None, statutory=HALF_YEARS))
    )
    target = tmp_path / "result.json"
    done = _manage("--input", str(path), "--output", str(target), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # A: 13000 * 53000 / 17942942 = 38.40 -> 39; 12000 * 53000 / 18044027 = 35.25 -> 36
    assert allocations(json.loads(target.read_text()))["A"] == 39 + 36


def _local_with(index: int, **change: Any) -> dict[str, Any]:
    data = local_scenario()
    data["municipalities"][index].update(change)
    return data


def _without_demand() -> dict[str, Any]:
    data = local_scenario()
    del data["municipalities"][2]["demand"]
    return data


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (_without_demand(), "municipalities[2].demand: is required for method local"),
        (_local_with(1, demand=-4), "municipalities[1].demand: cannot be negative"),
        (_local_with(0, demand=1.5), "municipalities[0].demand: expected a whole number"),
        (local_scenario(total=20), "total: method local: the total must be the sum"),
        (
            scenario(method="statutory", statutory=[HALF_YEARS[0], {"national_total": 10}]),
            "statutory[1].national_population: is required",
        ),
        (
            scenario(
                method="statutory",
                statutory=[HALF_YEARS[0], {"national_total": -1, "national_population": 10**8}],
            ),
            "statutory[1].national_total: must be 0 or more",
        ),
        (scenario(method="statutory", statutory=[]), "statutory: give at least one half-year"),
    ],
)
def test_local_and_half_year_errors_are_one_line_naming_the_field(tmp_path, data, start) -> None:
    assert _bad(tmp_path, data).startswith(start)


def test_as_a_real_process_a_bad_demand_gives_one_line_and_no_traceback(tmp_path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(_local_with(1, demand=-4)))
    done = _manage("--input", str(path), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "CommandError: municipalities[1].demand: cannot be negative"
    ]
    assert done.stdout == ""
