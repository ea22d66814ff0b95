"""Statutory task over a period: the sum over its half-years, each rounded by itself."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocation.engine import (
    AllocationInput,
    InvalidInput,
    Municipality,
    StatutoryParams,
    allocate,
    parse_scenario,
    result_to_dict,
)

P_2024 = 17942942  # national population used for the first half-year
P_2025 = 18044027  # and for the second
POPULATIONS = {"GM0363": 931298, "GM0392": 167636, "GM0377": 23786}


def scenario(statutory, **overrides):
    data = {
        "method": "statutory",
        "statutory": statutory,
        "municipalities": [
            {"code": code, "indicators": {"population": pop}} for code, pop in POPULATIONS.items()
        ],
    }
    data.update(overrides)
    return data


HALF_YEARS = [
    {"label": "2026-H1", "national_total": 13000, "national_population": P_2024},
    {"label": "2026-H2", "national_total": 12000, "national_population": P_2025, "estimate": True},
]


def run(data):
    return result_to_dict(allocate(parse_scenario(data)))


def test_hand_computed_two_half_years() -> None:
    # Amsterdam:   13000 * 931298 / 17942942 = 674.74... -> 675
    #              12000 * 931298 / 18044027 = 619.35... -> 620   n = 1295
    # Haarlem:     13000 * 167636 / 17942942 = 121.46... -> 122
    #              12000 * 167636 / 18044027 = 111.48... -> 112   n = 234
    #              (rounding the sum 232.94... once would give 233: each half-year counts)
    # Bloemendaal: 13000 * 23786 / 17942942  =  17.23... ->  18
    #              12000 * 23786 / 18044027  =  15.82... ->  16   n = 34
    out = run(scenario(HALF_YEARS))
    assert {a["code"]: a["allocation"] for a in out["allocations"]} == {
        "GM0363": 1295,
        "GM0392": 234,
        "GM0377": 34,
    }
    assert out["allocated_total"] == 1295 + 234 + 34
    assert out["total"] is None


def test_the_steps_keep_every_half_year() -> None:
    haarlem = run(scenario(HALF_YEARS))["allocations"][1]
    steps = haarlem["steps"]["statutory"]
    assert steps["national_total"] is None  # no single figure: see half_years
    assert steps["population"] == "167636.0000000000"
    assert steps["task"] == 234
    first, second = steps["half_years"]
    assert first == {
        "label": "2026-H1",
        "estimate": False,
        "national_total": 13000,
        "national_population": P_2024,
        "quota": "121.4554447091",
        "quota_exact": str(Fraction(13000 * 167636, P_2024)),
        "task": 122,
    }
    assert (second["label"], second["estimate"], second["task"]) == ("2026-H2", True, 112)
    assert haarlem["quota"] == "232.9400927868"  # the exact sum of the half-year quotas
    decision = haarlem["steps"]["rounding"]["decision"]
    assert decision.startswith(
        "2026-H1: ceil(13000 x 167636 / 17942942) = ceil(121.4554447091) = 122"
    )
    assert "2026-H2 (estimate): ceil(12000 x 167636 / 18044027)" in decision
    assert "n = the sum = 234" in decision


def test_an_estimated_half_year_is_warned_about() -> None:
    warnings = run(scenario(HALF_YEARS))["warnings"]
    assert warnings == ["the national total is an estimate (not yet published) for 2026-H2"]


def test_a_list_of_one_half_year_gives_the_single_object_numbers() -> None:
    single = {"national_total": 13000, "national_population": P_2024}
    one = run(scenario(single))
    listed = run(scenario([single]))
    assert [a["allocation"] for a in one["allocations"]] == [
        a["allocation"] for a in listed["allocations"]
    ]
    assert one["allocations"][0]["steps"]["statutory"]["national_total"] == 13000
    assert one["allocations"][0]["steps"]["rounding"]["decision"] == (
        "ceil(13000 x 931298 / 17942942) = ceil(674.7429713589) = 675 "
        "(Huisvestingswet 2014 art. 29)"
    )


def test_a_given_total_that_differs_is_a_warning_as_before() -> None:
    out = run(scenario(HALF_YEARS, total=1500))
    assert out["total"] == 1500
    assert any("add up to 1563, not to the total 1500" in w for w in out["warnings"])


@pytest.mark.parametrize(
    ("statutory", "field", "words"),
    [
        ([], "statutory", "at least one half-year"),
        ([HALF_YEARS[0], 7], "statutory[1]", "expected an object"),
        (
            [HALF_YEARS[0], {"national_population": P_2025}],
            "statutory[1].national_total",
            "required",
        ),
        (
            [HALF_YEARS[0], {"national_total": 1, "national_population": None}],
            "statutory[1].national_population",
            "required",
        ),
        (
            [HALF_YEARS[0], {"national_total": -5, "national_population": P_2025}],
            "statutory[1].national_total",
            "0 or more",
        ),
        (
            [HALF_YEARS[0], {"national_total": 1.5, "national_population": P_2025}],
            "statutory[1].national_total",
            "whole number",
        ),
        (
            [{"national_total": 1, "national_population": 0}],
            "statutory[0].national_population",
            "more than 0",
        ),
        (
            [HALF_YEARS[0], {**HALF_YEARS[1], "estimate": "yes"}],
            "statutory[1].estimate",
            "true or false",
        ),
        ([HALF_YEARS[0], {**HALF_YEARS[1], "label": 2026}], "statutory[1].label", "string"),
        ([HALF_YEARS[0], {**HALF_YEARS[1], "colour": 1}], "statutory[1].colour", "unknown"),
        ([HALF_YEARS[0], {**HALF_YEARS[1], "label": "2026-H1"}], "statutory[1].label", "duplicate"),
        ("2026", "statutory", "a list of objects"),
    ],
)
def test_bad_half_years_are_one_line_errors_naming_the_field(statutory, field, words) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_scenario(scenario(statutory))
    assert err.value.field == field
    assert words in err.value.message
    assert str(err.value).startswith(f"{field}: ")
    assert "\n" not in str(err.value)


def test_population_above_one_half_years_national_population_names_it() -> None:
    data = scenario([HALF_YEARS[0], {"national_total": 10, "national_population": 500_000}])
    with pytest.raises(InvalidInput) as err:
        parse_scenario(data)
    assert err.value.field == "municipalities[0].indicators.population"
    assert "statutory[1]" in err.value.message


def test_the_engine_input_takes_a_list_and_keeps_a_tuple() -> None:
    inp = AllocationInput(
        total=None,
        municipalities=(Municipality(code="A", name="A", indicators={"population": 7}),),
        method="statutory",
        statutory=[StatutoryParams(100, 1000), StatutoryParams(100, 1000)],
    )
    assert isinstance(inp.statutory, tuple)
    assert inp.statutory_is_list
    # 0.7 -> 1 in each half-year: 2, although the two quotas add up to 1.4
    result = allocate(inp)
    assert result.municipalities[0].allocation == 2
    assert result.municipalities[0].quota == Fraction(7, 5)
    assert [t.task for t in result.municipalities[0].statutory_tasks] == [1, 1]


half_year = st.tuples(st.integers(0, 20_000), st.integers(2_000_000, 20_000_000))


@given(
    st.lists(st.integers(0, 2_000_000), min_size=1, max_size=8),
    st.lists(half_year, min_size=1, max_size=6),
)
def test_the_list_equals_the_sum_of_single_half_year_runs(populations, half_years) -> None:
    munis = tuple(
        Municipality(code=f"GM{i:04d}", name=f"M{i}", indicators={"population": p})
        for i, p in enumerate(populations)
    )
    params = tuple(StatutoryParams(vg, pnl) for vg, pnl in half_years)
    listed = allocate(
        AllocationInput(total=None, municipalities=munis, method="statutory", statutory=params)
    )
    singles = [
        allocate(AllocationInput(total=None, municipalities=munis, method="statutory", statutory=p))
        for p in params
    ]
    for i, muni in enumerate(listed.municipalities):
        assert muni.allocation == sum(run.municipalities[i].allocation for run in singles)
        assert muni.quota == sum((run.municipalities[i].quota for run in singles), Fraction(0))
        assert muni.allocation == sum(
            math.ceil(Fraction(vg * p, pnl)) for vg, pnl in half_years for p in [populations[i]]
        )
    assert listed.allocated_total == sum(run.allocated_total for run in singles)
