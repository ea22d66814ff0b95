from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.numbers import NumberFormatError, parse_dutch_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12500", "12500"),
        ("12.500", "12500"),
        ("1.234.567", "1234567"),
        ("12,5", "12.5"),
        ("1.234,56", "1234.56"),
        ("12.5", "12.5"),
        (" 7 ", "7"),
        ("1\u00a0000", "1000"),
        ("-3", "-3"),
        ("0,05", "0.05"),
    ],
)
def test_reads_dutch_notation(text, expected) -> None:
    assert parse_dutch_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", "veel", "1,2,3", "12.50.0", "1.23,4", "=SUM(A1)", "1e5", "NaN"]
)
def test_refuses_what_is_not_a_number(text) -> None:
    with pytest.raises(NumberFormatError):
        parse_dutch_number(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_integers_round_trip(n: int) -> None:
    grouped = f"{n:,}".replace(",", ".")
    assert parse_dutch_number(grouped) == n
