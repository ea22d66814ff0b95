"""Input numbers are bounded before they become fractions (issue 12): converting
Decimal("1e999999999") to a Fraction would compute a billion-digit integer and hang."""

from __future__ import annotations

import time
from decimal import Decimal
from fractions import Fraction

import pytest

from allocation.engine.errors import InvalidInput
from allocation.engine.numbers import MAX_DECIMAL_PLACES, MAX_MAGNITUDE_DIGITS, to_fraction, to_int

TOO_LARGE = [
    "1e999999999",
    "-1e999999999",
    "1e999999",
    "1E+15",
    "1000000000000000",
    "1e999999999999999999999",  # beyond what Decimal takes
    "9" * 5000,
    10**15,
    -(10**15),
    1e300,
    Decimal("1e999999999"),
]
TOO_PRECISE = ["1e-999999999", "-1E-999999999999999999999", "0." + "0" * 30 + "1", 5e-324]


@pytest.mark.parametrize("value", TOO_LARGE, ids=lambda v: repr(v)[:30])
def test_too_large_numbers_are_refused_at_once(value) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput) as error:
        to_fraction(value, field="total")
    assert time.monotonic() - started < 1
    assert error.value.field == "total"
    assert error.value.message.startswith("too large")
    assert f"10^{MAX_MAGNITUDE_DIGITS}" in error.value.message


@pytest.mark.parametrize("value", TOO_PRECISE, ids=lambda v: repr(v)[:30])
def test_numbers_with_too_many_decimals_are_refused_at_once(value) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=f"at most {MAX_DECIMAL_PLACES}"):
        to_fraction(value, field="weights.population")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("999999999999999", Fraction(999999999999999)),
        (999999999999999, Fraction(999999999999999)),
        ("99999999999999.5", Fraction(199999999999999, 2)),
        ("0." + "0" * 29 + "1", Fraction(1, 10**30)),
        ("1." + "0" * 100, Fraction(1)),  # trailing zeros are not precision
        ("0e999999999", Fraction(0)),
        ("0e-999999999", Fraction(0)),
        ("2/4", Fraction(1, 2)),
        (0.1, Fraction(1, 10)),
        (Fraction(10**40), Fraction(10**40)),  # the engine's own fractions pass as they are
    ],
)
def test_ordinary_numbers_still_convert_exactly(value, expected) -> None:
    assert to_fraction(value, field="x") == expected


@pytest.mark.parametrize("value", ["1/" + "3" * 61, "1/" + "3" * 5000, "1/0", "12abc"])
def test_odd_strings_are_refused_with_a_short_message(value) -> None:
    with pytest.raises(InvalidInput) as error:
        to_fraction(value, field="x")
    assert len(str(error.value)) < 120


def test_to_int_has_the_same_bound() -> None:
    with pytest.raises(InvalidInput, match="too large"):
        to_int("1e999999999", field="total")
    assert to_int("1e3", field="total") == 1000
