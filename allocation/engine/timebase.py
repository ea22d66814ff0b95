"""One time base (DOMAIN.md 3): a round's period, its half-years and years, and phasing.

Officers enter flows per year; a round covers a period (for example 1-1-2026 to 31-12-2027).
What the round agrees is for the whole period and is also shown per year. The functions here
are pure and exact:

- :func:`halfyears_in_period`: the half-years of the period, for the statutory task (which is
  the sum over the half-years, each rounded by itself).
- :func:`years_in_period`: the calendar years of the period.
- :func:`period_total_from_yearly`: a yearly figure times the number of years.
- :func:`phase_over_years` / :func:`phase_per_municipality`: a period total phased over the
  years (even split, largest remainder, the remainder to the earliest years, sum exact).

**Rule for partial half-years and years.** A half-year (H1 = 1 January to 30 June, H2 =
1 July to 31 December) or a calendar year counts only if the period covers it entirely,
both end days included. A half-year the period only partly covers does not count: the law
fixes the statutory task per whole half-year, so a period of 1-3-2026 to 31-12-2026 has one
half-year, ``2026-H2``. A period that covers no whole half-year has none (an empty list).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from allocation.engine.errors import InvalidInput
from allocation.engine.numbers import to_int


def halfyear_label(year: int, half: int) -> str:
    """``"2026-H1"`` for the first half of 2026, ``"2026-H2"`` for the second."""
    if half not in (1, 2):
        raise InvalidInput("a half-year is 1 or 2", field="half")
    return f"{year}-H{half}"


def _check_period(start: date, end: date) -> None:
    if not isinstance(start, date) or not isinstance(end, date):
        raise InvalidInput("start and end must be dates", field="start")
    if end < start:
        raise InvalidInput(
            f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            field="end",
        )


def halfyears_in_period(start: date, end: date) -> list[str]:
    """Labels of the half-years the period [start, end] covers entirely, in order.

    ``halfyears_in_period(date(2026, 1, 1), date(2027, 12, 31))`` gives
    ``["2026-H1", "2026-H2", "2027-H1", "2027-H2"]``. Raises :class:`InvalidInput`
    (field ``end``) when the period ends before it starts.
    """
    _check_period(start, end)
    labels = []
    for year in range(start.year, end.year + 1):
        for half, first, last in (
            (1, date(year, 1, 1), date(year, 6, 30)),
            (2, date(year, 7, 1), date(year, 12, 31)),
        ):
            if start <= first and last <= end:
                labels.append(halfyear_label(year, half))
    return labels


def years_in_period(start: date, end: date) -> list[int]:
    """The calendar years the period covers entirely (1 January to 31 December), in order."""
    _check_period(start, end)
    return [
        year
        for year in range(start.year, end.year + 1)
        if start <= date(year, 1, 1) and date(year, 12, 31) <= end
    ]


def _years(years: object) -> int:
    count = to_int(years, field="years")
    if count < 1:
        raise InvalidInput("must be at least 1", field="years")
    return count


def period_total_from_yearly(yearly: int, years: int) -> int:
    """The period total of a yearly figure: ``yearly * years`` (both whole, years >= 1)."""
    per_year = to_int(yearly, field="yearly")
    if per_year < 0:
        raise InvalidInput("cannot be negative", field="yearly")
    return per_year * _years(years)


def phase_over_years(total: int, years: int) -> list[int]:
    """Phase a period total over its years: even split, largest remainder, sum exact.

    Every year gets floor(total / years); the remainder (total mod years) goes one each to
    the earliest years, so every figure lies within floor..ceil of total / years and the
    figures add up to ``total`` exactly. ``phase_over_years(10, 3) == [4, 3, 3]``.
    """
    whole = to_int(total, field="total")
    if whole < 0:
        raise InvalidInput("cannot be negative", field="total")
    count = _years(years)
    base, remainder = divmod(whole, count)
    return [base + 1 if year < remainder else base for year in range(count)]


def phase_per_municipality(totals: Mapping[str, int], years: int) -> dict[str, list[int]]:
    """:func:`phase_over_years` for every municipality (code -> period total), same order."""
    count = _years(years)
    phased = {}
    for code, total in totals.items():
        try:
            phased[code] = phase_over_years(total, count)
        except InvalidInput as error:
            raise InvalidInput(error.message, field=f"totals.{code}") from None
    return phased
