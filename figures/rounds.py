"""What the figures app needs to know of rounds, which live in the allocation app above it.

The allocation app plugs in its answers when it starts (``AllocationConfig.ready``), so that
figures never imports it (imports point down the layers). Without a calendar, no year is
locked and no round is current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class RoundInfo:
    name: str
    reference_year: int
    deadline: date | None
    status: str
    status_display: str


class RoundCalendar(Protocol):
    def locked_years(self) -> set[int]:
        """Reference years whose confirmed figures are locked (computing or in review)."""
        ...

    def current_round(self) -> RoundInfo | None:
        """The round collecting figures now (the newest), else the newest round at all."""
        ...


_calendar: RoundCalendar | None = None


def calendar_register(calendar: RoundCalendar) -> None:
    global _calendar
    _calendar = calendar


def locked_years() -> set[int]:
    return _calendar.locked_years() if _calendar is not None else set()


def current_round() -> RoundInfo | None:
    return _calendar.current_round() if _calendar is not None else None
