"""Fulfilment and pace, by hand: pure functions, no database."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from monitoring import validation as mv
from monitoring.progress import (
    Pace,
    Progress,
    elapsed_fraction,
    pace_of,
    percent,
    phased_expected,
)

START, END = date(2026, 1, 1), date(2027, 12, 31)  # 730 days


def test_elapsed_fraction_counts_days_inclusively() -> None:
    assert elapsed_fraction(START, END, date(2026, 3, 31)) == Fraction(90, 730)
    assert elapsed_fraction(START, END, date(2026, 12, 31)) == Fraction(1, 2)
    assert elapsed_fraction(START, END, date(2030, 1, 1)) == 1
    assert elapsed_fraction(START, END, None) == 0


def test_pace_thresholds_are_90_and_60_percent_of_expected() -> None:
    assert pace_of(9, Fraction(10), reported=True) == Pace.ON_TRACK
    assert pace_of(8, Fraction(10), reported=True) == Pace.BEHIND
    assert pace_of(6, Fraction(10), reported=True) == Pace.BEHIND
    assert pace_of(5, Fraction(10), reported=True) == Pace.FAR_BEHIND
    assert pace_of(0, Fraction(0), reported=True) == Pace.ON_TRACK
    assert pace_of(0, Fraction(10), reported=False) == Pace.UNKNOWN


def test_progress_by_hand_for_a_first_quarter() -> None:
    # Agreed 64 over 2026-2027 (32 a year), 16 realised after Q1: 25% done,
    # 32 x 90/365 = 7.89 expected.
    expected = phased_expected([32, 32], [2026, 2027], date(2026, 3, 31))
    assert expected == Fraction(32 * 90, 365)
    p = Progress(agreed=64, realised=16, expected=expected, reported=True)
    assert percent(p.fulfilment) == 25.0
    assert round(float(p.expected), 2) == 7.89
    assert percent(p.pace_ratio) == 202.8
    assert p.pace == Pace.ON_TRACK
    assert p.backlog == 48
    assert Progress(agreed=0, realised=2, expected=Fraction(0), reported=True).fulfilment is None
    assert Progress(agreed=5, realised=7, expected=Fraction(5), reported=True).backlog == -2


def test_expected_follows_the_phasing_per_year_not_the_period_average() -> None:
    # 7 agreed over 2026-2027 is phased 4 + 3 (largest remainder to the first year).
    years = [2026, 2027]
    assert phased_expected([4, 3], years, None) == 0
    # End of Q1 2026: 4 x 90/365, not 7 x 90/730.
    assert phased_expected([4, 3], years, date(2026, 3, 31)) == Fraction(360, 365)
    assert phased_expected([4, 3], years, date(2026, 3, 31)) != 7 * Fraction(90, 730)
    # End of 2026: the whole first year; end of Q2 2027: 4 + 3 x 181/365.
    assert phased_expected([4, 3], years, date(2026, 12, 31)) == 4
    assert phased_expected([4, 3], years, date(2027, 6, 30)) == 4 + Fraction(3 * 181, 365)
    assert phased_expected([4, 3], years, date(2028, 1, 1)) == 7
    # Realised 1 by the end of Q1 2026 is on track against 0.99 expected.
    assert pace_of(1, phased_expected([4, 3], years, date(2026, 3, 31)), reported=True) == (
        Pace.ON_TRACK
    )


def test_quarters_of_a_period_and_their_dates() -> None:
    assert mv.period_quarters(START, END)[0] == (2026, 1)
    assert len(mv.period_quarters(START, END)) == 8
    assert mv.quarter_end(2026, 1) == date(2026, 3, 31)
    assert mv.quarter_end(2026, 4) == date(2026, 12, 31)
    assert mv.period_quarters(date(2026, 7, 1), date(2026, 12, 31)) == [(2026, 3), (2026, 4)]


def test_quarter_is_read_from_text_and_numbers() -> None:
    assert mv.parse_quarter("2")[0] == 2
    assert mv.parse_quarter("Q3")[0] == 3
    assert mv.parse_quarter(4.0)[0] == 4
    value, issues = mv.parse_quarter("5")
    assert value is None
    assert issues[0].code == "M001"
    assert "5" in issues[0].message


def test_not_reported_is_its_own_status_and_never_better_than_behind() -> None:
    from monitoring.progress import SEVERITY

    assert pace_of(0, Fraction(10), reported=True, missing=True) == Pace.NOT_REPORTED
    # Also when nothing was expected yet: a municipality that says nothing is not on track.
    assert pace_of(0, Fraction(0), reported=True, missing=True) == Pace.NOT_REPORTED
    assert pace_of(0, Fraction(10), reported=False, missing=True) == Pace.UNKNOWN
    assert SEVERITY[Pace.NOT_REPORTED] >= SEVERITY[Pace.BEHIND]
    assert SEVERITY[Pace.NOT_REPORTED] >= SEVERITY[pace_of(1, Fraction(10), reported=True)]
