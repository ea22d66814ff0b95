"""Fulfilment and pace of realisation against the agreed numbers. Pure: no database.

- fulfilment = realised / agreed (cumulative realised over the quarters reported so far);
- expected = the agreed number as the agreement phases it over the years (DOMAIN.md 3: even
  split, largest remainder), each year's part times the elapsed fraction of that year at the
  end of the last reported quarter (days, counted inclusively): of 7 agreed over 2026–2027
  (4 in 2026, 3 in 2027), 4 × 90 / 365 is expected by 31 March 2026;
- pace = realised / expected, and the status:
  on track when pace ≥ 90%, behind from 60% up to 90%, far behind below 60%.
  Nothing agreed (0) or nothing expected yet counts as on track.
  A municipality that confirmed nothing for the group while the round has reports is
  "not reported": its own status, ranked with far behind (`SEVERITY`), never better than
  behind, so that reporting nothing never looks better than reporting a shortfall.
- backlog = agreed − realised (negative: a surplus), the carry-over into the next round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

ON_TRACK_FROM = Fraction(90, 100)
BEHIND_FROM = Fraction(60, 100)


class Pace(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    FAR_BEHIND = "far_behind"
    NOT_REPORTED = "not_reported"  # others reported, this municipality confirmed nothing
    UNKNOWN = "unknown"  # no quarter reported yet in the round


SEVERITY = {
    Pace.UNKNOWN: 0,
    Pace.ON_TRACK: 0,
    Pace.BEHIND: 1,
    Pace.FAR_BEHIND: 2,
    Pace.NOT_REPORTED: 2,
}
"""How bad a status is: not reported is never better than behind (it ranks with far behind)."""


def elapsed_fraction(start: date, end: date, until: date | None) -> Fraction:
    """The part of the period from `start` to `end` (inclusive) that lies before or on `until`."""
    if until is None:
        return Fraction(0)
    total = (end - start).days + 1
    elapsed = (min(until, end) - start).days + 1
    return Fraction(max(0, min(elapsed, total)), total)


def phased_expected(per_year: Sequence[int], years: Sequence[int], until: date | None) -> Fraction:
    """What should be realised by `until`: each year's agreed part times the elapsed part of
    that year (a year before `until` counts whole, a year after it not at all)."""
    expected = Fraction(0)
    for amount, year in zip(per_year, years, strict=True):
        expected += amount * elapsed_fraction(date(year, 1, 1), date(year, 12, 31), until)
    return expected


def pace_of(realised: int, expected: Fraction, *, reported: bool, missing: bool = False) -> Pace:
    """The status; `reported`: the round has a confirmed quarter; `missing`: this line (a
    municipality) confirmed nothing for the group."""
    if not reported:
        return Pace.UNKNOWN
    if missing:
        return Pace.NOT_REPORTED
    if expected <= 0:
        return Pace.ON_TRACK
    ratio = Fraction(realised) / expected
    if ratio >= ON_TRACK_FROM:
        return Pace.ON_TRACK
    if ratio >= BEHIND_FROM:
        return Pace.BEHIND
    return Pace.FAR_BEHIND


@dataclass(frozen=True)
class Progress:
    """One line of the dashboard: a municipality, a sub-region or the MRA, for one group."""

    agreed: int
    realised: int
    expected: Fraction  # what should be realised by now (phased_expected)
    reported: bool
    missing: bool = False  # a municipality that confirmed nothing for the group (see pace_of)

    @property
    def fulfilment(self) -> Fraction | None:
        """realised / agreed, None when nothing was agreed."""
        return Fraction(self.realised, self.agreed) if self.agreed else None

    @property
    def pace_ratio(self) -> Fraction | None:
        return Fraction(self.realised) / self.expected if self.expected else None

    @property
    def pace(self) -> Pace:
        return pace_of(self.realised, self.expected, reported=self.reported, missing=self.missing)

    @property
    def backlog(self) -> int:
        return self.agreed - self.realised


def percent(value: Fraction | None) -> float | None:
    """A fraction as a percentage with one decimal (for display and charts)."""
    if value is None:
        return None
    return round(float(value * 100), 1)
