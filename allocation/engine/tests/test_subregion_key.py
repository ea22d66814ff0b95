"""Two-tier maatwerk: a sub-region's own inner key (DOMAIN.md 4 step 5, issue 10)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine import (
    AllocationInput,
    InvalidInput,
    Municipality,
    allocate,
    parse_scenario,
    result_to_dict,
)

#           population dwellings
FIGURES = {
    "a1": ("A", 100, 60),
    "a2": ("A", 200, 25),
    "a3": ("A", 100, 15),
    "b1": ("B", 300, 10),
    "b2": ("B", 300, 90),
}


def _input(total: int = 7, **settings_: object) -> AllocationInput:
    return AllocationInput(
        total=total,
        municipalities=tuple(
            Municipality(
                code=code,
                name=code,
                subregion=sub,
                indicators={"population": pop, "dwellings": dw},
            )
            for code, (sub, pop, dw) in FIGURES.items()
        ),
        weights={"population": Fraction(1)},
        two_tier=True,
        **settings_,  # type: ignore[arg-type]
    )


def _scenario(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "total": 7,
        "method": "hamilton",
        "two_tier": True,
        "weights": {"population": 1},
        "subregion_weights": {"A": {"dwellings": "1"}},
        "municipalities": [
            {
                "code": code,
                "name": code,
                "subregion": sub,
                "indicators": {"population": pop, "dwellings": dw},
            }
            for code, (sub, pop, dw) in FIGURES.items()
        ],
    }
    data.update(extra)
    return data


def test_hand_computed_inner_key():
    # Region key population: A has 400 of 1000 inhabitants, B 600. T = 7:
    # A_A = 2.8, A_B = 4.2 -> floors 2 + 4 = 6, the last seat to A (remainder .8): N_A = 3, N_B = 4.
    # Inside A with its own key (dwellings 60/25/15 of 100): quotas 1.8, 0.75, 0.45 -> floors
    # 1, 0, 0; the two seats left go to the largest remainders .8 (a1) and .75 (a2).
    # Inside B the region's key (population 300/300): 2 and 2.
    result = allocate(_input(subregion_weights={"A": {"dwellings": 1}}))
    assert {s.name: s.allocation for s in result.subregions} == {"A": 3, "B": 4}
    assert result.allocations() == {"a1": 2, "a2": 1, "a3": 0, "b1": 2, "b2": 2}
    by_code = result.by_code()
    assert by_code["a1"].quota == Fraction(9, 5)
    assert by_code["a2"].quota == Fraction(3, 4)
    assert by_code["a3"].inner_key == Fraction(15, 100)
    assert by_code["b1"].inner_key is None
    sub_a = next(s for s in result.subregions if s.name == "A")
    assert sub_a.weights == {"dwellings": Fraction(1)}
    assert sub_a.indicator_totals == {"dwellings": Fraction(100)}


def test_without_inner_key_the_region_key_is_used_inside():
    # Inside A by population: 0.75, 1.5, 0.75 -> floors 0, 1, 0; a1 and a3 get the 2 seats.
    result = allocate(_input())
    assert result.allocations() == {"a1": 1, "a2": 1, "a3": 1, "b1": 2, "b2": 2}
    assert all(m.inner_key is None for m in result.municipalities)
    assert "weights" not in result_to_dict(allocate(_input()))["subregions"][0]


def test_mixed_inner_key_with_credit_inside():
    # Region step with credit: B = 7 + 1 = 8; A_A = 0.4 * 8 - 1 = 2.2, A_B = 4.8 -> N_A = 2.
    # Inside A with the inner key: B = N_A + c * sum e = 2 + 1 = 3; a1 0.6 * 3 - 1 = 0.8,
    # a2 0.25 * 3 = 0.75, a3 0.15 * 3 = 0.45 (sum 2).
    munis = list(_input().municipalities)
    munis[0] = Municipality(
        code="a1", name="a1", subregion="A", indicators=munis[0].indicators, existing_effort=1
    )
    inp = AllocationInput(
        total=7,
        municipalities=tuple(munis),
        weights={"population": Fraction(1)},
        two_tier=True,
        credit_factor=Fraction(1),
        subregion_weights={"A": {"dwellings": Fraction(1)}},
    )
    result = allocate(inp)
    by_code = result.by_code()
    assert by_code["a1"].inner_credit == Fraction(4, 5)
    assert by_code["a2"].inner_credit == Fraction(3, 4)
    assert sum(by_code[c].allocation for c in ("a1", "a2", "a3")) == next(
        s.allocation for s in result.subregions if s.name == "A"
    )


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"subregion_weights": {"Z": {"dwellings": 1}}}, "subregion_weights.Z", "unknown"),
        (
            {"subregion_weights": {"A": {"dwellings": "0.5"}}},
            "subregion_weights.A",
            "add up to exactly 1",
        ),
        (
            {"subregion_weights": {"A": {"dwellings": "1.5", "population": "-0.5"}}},
            "subregion_weights.A.population",
            "negative",
        ),
        (
            {"subregion_weights": {"A": {"jobs": 1}}},
            "subregion_weights.A.jobs",
            "missing for a1",
        ),
        (
            {"two_tier": False},
            "subregion_weights",
            "two_tier",
        ),
        (
            {"max_credit_fraction": "0.5"},
            "subregion_weights",
            "max_credit_fraction",
        ),
        ({"subregion_weights": ["A"]}, "subregion_weights", "expected an object"),
    ],
)
def test_bad_inner_keys_give_one_line_errors(extra, field, words):
    with pytest.raises(InvalidInput) as caught:
        parse_scenario(_scenario(**extra))
    assert caught.value.field == field
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_batch_json_round_trip():
    data = json.loads(json.dumps(_scenario()))
    inp = parse_scenario(data)
    assert inp.subregion_weights == {"A": {"dwellings": Fraction(1)}}
    out = result_to_dict(allocate(inp))
    assert {a["code"]: a["allocation"] for a in out["allocations"]} == {
        "a1": 2,
        "a2": 1,
        "a3": 0,
        "b1": 2,
        "b2": 2,
    }
    subs = {s["name"]: s for s in out["subregions"]}
    assert subs["A"]["weights"] == {"dwellings": "1.0000000000"}
    assert "weights" not in subs["B"]
    a1 = next(a for a in out["allocations"] if a["code"] == "a1")
    assert a1["steps"]["subregion"]["own_key"]["key"] == "0.6000000000"
    assert a1["steps"]["subregion"]["own_key"]["indicator_totals"] == {
        "dwellings": "100.0000000000"
    }
    # Deterministic and JSON-serialisable.
    assert json.dumps(out, sort_keys=True) == json.dumps(
        result_to_dict(allocate(parse_scenario(data))), sort_keys=True
    )


def test_zero_indicator_total_inside_the_subregion_names_the_field():
    data = _scenario(subregion_weights={"A": {"jobs": 1}})
    for row in data["municipalities"]:  # type: ignore[union-attr]
        row["indicators"]["jobs"] = 0 if row["subregion"] == "A" else 5
    with pytest.raises(InvalidInput) as caught:
        allocate(parse_scenario(data))
    assert caught.value.field == "subregion_weights.A.jobs"


@st.composite
def two_tier_inputs(draw):
    count = draw(st.integers(2, 9))
    munis = tuple(
        Municipality(
            code=f"GM{i:04d}",
            name=f"M{i}",
            subregion=draw(st.sampled_from(("North", "South", "East"))),
            indicators={
                "population": draw(st.integers(1, 100_000)),
                "dwellings": draw(st.integers(1, 50_000)),
            },
            existing_effort=draw(st.integers(0, 20)),
        )
        for i in range(count)
    )
    present = sorted({m.subregion for m in munis})
    chosen = draw(st.lists(st.sampled_from(present), unique=True))
    inner = {}
    for name in chosen:
        k = draw(st.integers(0, 10))
        inner[name] = {"population": Fraction(k, 10), "dwellings": Fraction(10 - k, 10)}
    return AllocationInput(
        total=draw(st.integers(1, 300)),  # a total of 0 is refused (total_zero)
        municipalities=munis,
        weights={"population": Fraction(1, 2), "dwellings": Fraction(1, 2)},
        method=draw(st.sampled_from(("hamilton", "sainte-lague", "dhondt", "huntington-hill"))),
        two_tier=True,
        credit_factor=Fraction(draw(st.integers(0, 10)), 10),
        subregion_weights=inner,
    )


@settings(max_examples=150, deadline=None)
@given(two_tier_inputs())
def test_inner_keys_keep_the_subregion_totals_and_the_total(inp):
    result = allocate(inp)
    assert result.allocated_total == inp.total
    plain = allocate(
        AllocationInput(
            total=inp.total,
            municipalities=inp.municipalities,
            weights=inp.weights,
            method=inp.method,
            two_tier=True,
            credit_factor=inp.credit_factor,
        )
    )
    # The region's key alone sets N_r: the inner keys do not change them.
    assert [(s.name, s.allocation) for s in result.subregions] == [
        (s.name, s.allocation) for s in plain.subregions
    ]
    by_code = result.by_code()
    for sub in result.subregions:
        assert sum(by_code[c].allocation for c in sub.codes) == sub.allocation
        if inp.method == "hamilton":
            for c in sub.codes:
                assert by_code[c].within_quota
