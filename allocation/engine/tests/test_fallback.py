"""The fall-back rule: pct of the yearly mutations against what was agreed per year."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocation.engine import (
    DEFAULT_FALLBACK_PCT,
    InvalidInput,
    fallback_rule,
    fallback_to_dict,
    round_half_up,
)


def test_hand_computed_fall_back_figures() -> None:
    # Haarlem: 15% of 1100 = 165, agreed 120 -> 45 short; share 120/1100
    # Heemstede: 15% of 130 = 19.5 -> 20 (half up), agreed 25 -> 5.5 more
    # Bloemendaal: no agreement at all -> 0, 15% of 70 = 10.5 -> 11
    haarlem, heemstede, bloemendaal = fallback_rule(
        {"GM0392": 1100, "GM0397": 130, "GM0377": 70},
        {"GM0392": 120, "GM0397": Fraction(25)},
    )
    assert (haarlem.fallback, haarlem.fallback_whole) == (165, 165)
    assert haarlem.difference == -45
    assert haarlem.agreed_share_of_mutations == Fraction(120, 1100)
    assert not haarlem.meets_fallback
    assert (heemstede.fallback, heemstede.fallback_whole) == (Fraction(39, 2), 20)
    assert heemstede.difference == Fraction(11, 2)
    assert heemstede.meets_fallback
    assert (bloemendaal.agreed, bloemendaal.fallback_whole) == (0, 11)
    assert bloemendaal.pct == DEFAULT_FALLBACK_PCT == Fraction(15, 100)


def test_another_percentage_and_fractions_in_dwellings() -> None:
    (row,) = fallback_rule({"A": 200}, {"A": Fraction(62, 3)}, pct=Fraction(1, 10))
    assert row.fallback == 20
    assert row.difference == Fraction(2, 3)
    assert row.agreed_share_of_mutations == Fraction(31, 300)


def test_no_mutations_gives_no_share() -> None:
    (row,) = fallback_rule({"A": 0}, {"A": 3})
    assert row.fallback == 0
    assert row.agreed_share_of_mutations is None
    assert row.meets_fallback


def test_as_plain_json_values() -> None:
    (row,) = fallback_to_dict(fallback_rule({"A": 130}, {"A": 19}))
    assert row == {
        "code": "A",
        "mutations_per_year": "130.0000000000",
        "pct": "0.1500000000",
        "fallback_per_year": "19.5000000000",
        "fallback_per_year_whole": 20,
        "agreed_per_year": "19.0000000000",
        "difference_per_year": "-0.5000000000",
        "agreed_share_of_mutations": "0.1461538462",
        "meets_fallback": False,
    }


@pytest.mark.parametrize(
    ("mutations", "agreed", "pct", "field"),
    [
        ({"A": -1}, {}, DEFAULT_FALLBACK_PCT, "mutations.A"),
        ({"A": 10}, {"A": -1}, DEFAULT_FALLBACK_PCT, "agreed.A"),
        ({"A": 10}, {"B": 1}, DEFAULT_FALLBACK_PCT, "agreed.B"),
        ({"A": 10}, {}, Fraction(3, 2), "pct"),
        ({"A": "many"}, {}, DEFAULT_FALLBACK_PCT, "mutations.A"),
    ],
)
def test_bad_input_names_the_field(mutations, agreed, pct, field) -> None:
    with pytest.raises(InvalidInput) as err:
        fallback_rule(mutations, agreed, pct=pct)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 3),
        (Fraction(7, 2), 4),
        (Fraction(-5, 2), -3),
        (Fraction(249, 100), 2),
        (4, 4),
    ],
)
def test_round_half_up(value, expected) -> None:
    assert round_half_up(value) == expected


@given(st.integers(0, 100_000), st.integers(0, 100_000), st.integers(0, 100))
def test_the_figures_are_exact_and_consistent(mutations, agreed, percent) -> None:
    pct = Fraction(percent, 100)
    (row,) = fallback_rule({"A": mutations}, {"A": agreed}, pct=pct)
    assert row.fallback == pct * mutations
    assert row.difference == agreed - row.fallback
    assert abs(row.fallback_whole - row.fallback) <= Fraction(1, 2)
    assert row.meets_fallback == (agreed >= pct * mutations)
