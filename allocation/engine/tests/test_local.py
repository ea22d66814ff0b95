"""Method local (DOMAIN.md 3): each municipality its own demand, no redistribution."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocation.engine import (
    AllocationInput,
    InvalidInput,
    Municipality,
    allocate,
    fairness,
    parse_scenario,
    result_to_dict,
    sensitivity,
)


def local_scenario(**overrides):
    data = {
        "method": "local",
        "municipalities": [
            {
                "code": "GM0363",
                "name": "Amsterdam",
                "demand": 40,
                "indicators": {"population": 1000},
            },
            {"code": "GM0392", "name": "Haarlem", "demand": 7, "indicators": {"population": 500}},
            {
                "code": "GM0377",
                "name": "Bloemendaal",
                "demand": 0,
                "indicators": {"population": 250},
            },
        ],
    }
    data.update(overrides)
    return data


def run(data):
    return result_to_dict(allocate(parse_scenario(data)))


def test_each_municipality_gets_its_own_demand_and_the_total_is_their_sum() -> None:
    out = run(local_scenario())
    assert out["method"] == "local"
    assert {a["code"]: a["allocation"] for a in out["allocations"]} == {
        "GM0363": 40,
        "GM0392": 7,
        "GM0377": 0,
    }
    assert out["total"] == out["allocated_total"] == 47
    assert out["weights"] == {}
    assert out["lambda"] is None
    assert out["ties"] == []
    assert out["warnings"] == []


def test_the_steps_say_it_is_the_own_demand() -> None:
    row = run(local_scenario())["allocations"][1]
    assert row["quota"] == "7.0000000000"
    steps = row["steps"]
    assert steps["quota_exact"] == "7"
    assert steps["local"] == {
        "mode": "local",
        "rule": "own demand: n_i = the municipality's own demand, no redistribution",
        "demand": 7,
        "regional_demand": 47,
    }
    assert steps["rounding"]["decision"] == (
        "own demand (mode local): n = demand = 7; no redistribution"
    )
    assert steps["within_quota"] is True
    assert steps["per_1000_inhabitants"] == "14.0000000000"  # 1000 * 7 / 500
    assert "statutory" not in steps


def test_a_total_equal_to_the_sum_is_accepted() -> None:
    assert run(local_scenario(total=47))["total"] == 47


def test_a_total_that_differs_from_the_sum_is_an_error_naming_total() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_scenario(local_scenario(total=50))
    assert err.value.field == "total"
    assert "sum of the demands, 47" in err.value.message
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("demand", "words"),
    [
        (None, "is required for method local"),
        (-1, "cannot be negative"),
        (2.5, "whole number"),
        ("many", "number"),
        (True, "whole number"),
    ],
)
def test_a_bad_demand_is_a_one_line_error_naming_the_field(demand, words) -> None:
    data = local_scenario()
    if demand is None:
        del data["municipalities"][1]["demand"]
    else:
        data["municipalities"][1]["demand"] = demand
    with pytest.raises(InvalidInput) as err:
        parse_scenario(data)
    assert err.value.field == "municipalities[1].demand"
    assert words in err.value.message
    assert str(err.value).startswith("municipalities[1].demand: ")
    assert "\n" not in str(err.value)


def test_weights_are_accepted_and_ignored() -> None:
    plain = run(local_scenario())
    # even weights that would be wrong for a spreading method: local uses none
    weighted = run(local_scenario(weights={"population": 0.3, "social_rental": 0.2}))
    assert weighted == plain


def test_malformed_weights_are_still_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_scenario(local_scenario(weights={"population": "lots"}))
    assert err.value.field == "weights.population"


def test_indicators_are_optional_for_local() -> None:
    data = local_scenario()
    for m in data["municipalities"]:
        del m["indicators"]
    out = run(data)
    assert out["allocated_total"] == 47
    assert out["allocations"][0]["steps"]["per_1000_inhabitants"] is None


def test_demand_is_allowed_but_unused_for_other_methods() -> None:
    data = {
        "total": 10,
        "weights": {"population": 1},
        "municipalities": [
            {"code": "A", "demand": 9, "indicators": {"population": 1}},
            {"code": "B", "demand": 0, "indicators": {"population": 1}},
        ],
    }
    out = run(data)
    assert [a["allocation"] for a in out["allocations"]] == [5, 5]


def test_credit_and_bounds_are_ignored_with_a_warning() -> None:
    data = local_scenario(credit_factor=1)
    data["municipalities"][0].update(existing_effort=10, upper=5)
    out = run(data)
    assert out["allocations"][0]["allocation"] == 40
    assert out["warnings"] == [
        "method local ignores credit for existing effort",
        "method local ignores bounds",
    ]


def test_two_tier_local_keeps_the_demand_and_sums_the_subregions() -> None:
    data = local_scenario(two_tier=True)
    for m, sub in zip(data["municipalities"], ["Amsterdam", "ZK", "ZK"], strict=True):
        m["subregion"] = sub
    out = run(data)
    assert {s["name"]: s["allocation"] for s in out["subregions"]} == {"Amsterdam": 40, "ZK": 7}


def test_sensitivity_does_not_apply_to_local() -> None:
    with pytest.raises(InvalidInput, match="method local"):
        sensitivity(parse_scenario(local_scenario()))


def test_fairness_read_outs_work_on_a_local_result() -> None:
    result = allocate(parse_scenario(local_scenario()))
    report = fairness(result)
    assert [r.per_1000 for r in report.municipalities] == [40, 14, 0]


def test_all_demands_zero_gives_zeros() -> None:
    data = local_scenario()
    for m in data["municipalities"]:
        m["demand"] = 0
    out = run(data)
    assert out["total"] == 0
    assert all(a["allocation"] == 0 for a in out["allocations"])
    assert all(a["steps"]["key"] == "0.0000000000" for a in out["allocations"])


def test_the_engine_input_refuses_local_without_a_demand() -> None:
    inp = AllocationInput(
        total=None,
        municipalities=(Municipality(code="A", name="A"),),
        method="local",
    )
    with pytest.raises(InvalidInput) as err:
        allocate(inp)
    assert err.value.field == "municipalities[0].demand"


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=30), st.booleans())
def test_local_returns_every_demand_exactly(demands, give_total) -> None:
    munis = tuple(
        Municipality(code=f"GM{i:04d}", name=f"M{i}", demand=d, indicators={"population": i + 1})
        for i, d in enumerate(demands)
    )
    inp = AllocationInput(
        total=sum(demands) if give_total else None, municipalities=munis, method="local"
    )
    result = allocate(inp)
    assert [m.allocation for m in result.municipalities] == demands
    assert [m.quota for m in result.municipalities] == [Fraction(d) for d in demands]
    assert result.total == result.allocated_total == sum(demands)
    json.dumps(result_to_dict(result))  # serialisable
