"""The one time base: half-years and years of a period, period totals and phasing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocation.engine import (
    InvalidInput,
    halfyear_label,
    halfyears_in_period,
    period_total_from_yearly,
    phase_over_years,
    phase_per_municipality,
    years_in_period,
)


def test_a_two_year_period_has_four_half_years() -> None:
    assert halfyears_in_period(date(2026, 1, 1), date(2027, 12, 31)) == [
        "2026-H1",
        "2026-H2",
        "2027-H1",
        "2027-H2",
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 1), date(2026, 6, 30), ["2026-H1"]),
        (date(2026, 7, 1), date(2026, 12, 31), ["2026-H2"]),
        # partly covered half-years do not count
        (date(2026, 3, 1), date(2026, 12, 31), ["2026-H2"]),
        (date(2026, 1, 1), date(2026, 12, 30), ["2026-H1"]),
        (date(2026, 1, 2), date(2026, 6, 30), []),
        (date(2026, 2, 1), date(2026, 2, 1), []),
        (date(2026, 7, 1), date(2028, 6, 30), ["2026-H2", "2027-H1", "2027-H2", "2028-H1"]),
    ],
)
def test_only_half_years_the_period_covers_entirely_count(start, end, expected) -> None:
    assert halfyears_in_period(start, end) == expected


def test_years_in_period() -> None:
    assert years_in_period(date(2026, 1, 1), date(2027, 12, 31)) == [2026, 2027]
    assert years_in_period(date(2026, 7, 1), date(2028, 6, 30)) == [2027]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        halfyears_in_period(date(2027, 1, 1), date(2026, 12, 31))
    assert err.value.field == "end"
    assert "before it starts" in err.value.message
    with pytest.raises(InvalidInput):
        years_in_period(date(2027, 1, 1), date(2026, 12, 31))


def test_halfyear_label() -> None:
    assert halfyear_label(2026, 2) == "2026-H2"
    with pytest.raises(InvalidInput):
        halfyear_label(2026, 3)


def test_period_total_from_yearly() -> None:
    assert period_total_from_yearly(120, 2) == 240
    assert period_total_from_yearly(0, 3) == 0
    with pytest.raises(InvalidInput) as err:
        period_total_from_yearly(-1, 2)
    assert err.value.field == "yearly"
    with pytest.raises(InvalidInput) as err:
        period_total_from_yearly(10, 0)
    assert err.value.field == "years"


@pytest.mark.parametrize(
    ("total", "years", "expected"),
    [
        (10, 3, [4, 3, 3]),
        (11, 3, [4, 4, 3]),
        (12, 3, [4, 4, 4]),
        (1, 4, [1, 0, 0, 0]),
        (0, 2, [0, 0]),
        (7, 1, [7]),
    ],
)
def test_phasing_gives_the_remainder_to_the_earliest_years(total, years, expected) -> None:
    assert phase_over_years(total, years) == expected


@pytest.mark.parametrize(
    ("total", "years", "field"),
    [(-1, 2, "total"), (10, 0, "years"), (10, -1, "years"), (2.5, 2, "total"), (10, 1.5, "years")],
)
def test_bad_phasing_input_names_the_argument(total, years, field) -> None:
    with pytest.raises(InvalidInput) as err:
        phase_over_years(total, years)
    assert err.value.field == field


def test_phase_per_municipality_keeps_the_order() -> None:
    phased = phase_per_municipality({"GM0392": 5, "GM0363": 8}, 2)
    assert list(phased) == ["GM0392", "GM0363"]
    assert phased == {"GM0392": [3, 2], "GM0363": [4, 4]}
    with pytest.raises(InvalidInput) as err:
        phase_per_municipality({"GM0392": -1}, 2)
    assert err.value.field == "totals.GM0392"


@given(st.integers(0, 10**9), st.integers(1, 50))
def test_phasing_is_exact_and_within_floor_and_ceiling(total, years) -> None:
    phased = phase_over_years(total, years)
    assert len(phased) == years
    assert sum(phased) == total
    low, high = total // years, -(-total // years)
    assert all(low <= n <= high for n in phased)
    assert phased == sorted(phased, reverse=True)  # the extra ones come first


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 3000))
def test_half_years_lie_inside_the_period_and_are_consecutive(start, days) -> None:
    end = date.fromordinal(start.toordinal() + days)
    labels = halfyears_in_period(start, end)
    for label in labels:
        year, half = int(label[:4]), int(label[-1])
        first = date(year, 1, 1) if half == 1 else date(year, 7, 1)
        last = date(year, 6, 30) if half == 1 else date(year, 12, 31)
        assert start <= first
        assert last <= end
    indexes = [int(label[:4]) * 2 + int(label[-1]) for label in labels]
    assert all(b - a == 1 for a, b in zip(indexes, indexes[1:], strict=False))
    assert len(labels) <= (days + 1) // 181  # a half-year has at least 181 days
