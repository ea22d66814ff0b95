"""Fulfilment and pace of realisation against the agreed numbers. Pure: no database.

- fulfilment = realised / agreed (cumulative realised over the quarters reported so far);
- expected = agreed × the elapsed fraction of the period at the end of the last reported
  quarter (days, counted inclusively: 1 January to 31 March of a two-year period from
  1 January is 90 / 730);
- pace = realised / expected, and the status:
  on track when pace ≥ 90%, behind from 60% up to 90%, far behind below 60%.
  Nothing agreed (0) or nothing expected yet counts as on track.
- backlog = agreed − realised (negative: a surplus), the carry-over into the next round.
"""

from __future__ import annotations

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
    UNKNOWN = "unknown"  # no quarter reported yet


def elapsed_fraction(start: date, end: date, until: date | None) -> Fraction:
    """The part of the period from `start` to `end` (inclusive) that lies before or on `until`."""
    if until is None:
        return Fraction(0)
    total = (end - start).days + 1
    elapsed = (min(until, end) - start).days + 1
    return Fraction(max(0, min(elapsed, total)), total)


def pace_of(realised: int, expected: Fraction, *, reported: bool) -> Pace:
    if not reported:
        return Pace.UNKNOWN
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
    fraction: Fraction  # elapsed part of the period
    reported: bool

    @property
    def expected(self) -> Fraction:
        return self.agreed * self.fraction

    @property
    def fulfilment(self) -> Fraction | None:
        """realised / agreed, None when nothing was agreed."""
        return Fraction(self.realised, self.agreed) if self.agreed else None

    @property
    def pace_ratio(self) -> Fraction | None:
        return Fraction(self.realised) / self.expected if self.expected else None

    @property
    def pace(self) -> Pace:
        return pace_of(self.realised, self.expected, reported=self.reported)

    @property
    def backlog(self) -> int:
        return self.agreed - self.realised


def percent(value: Fraction | None) -> float | None:
    """A fraction as a percentage with one decimal (for display and charts)."""
    if value is None:
        return None
    return round(float(value * 100), 1)
