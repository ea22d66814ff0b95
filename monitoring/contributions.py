"""Port: who contributed to a municipality's realised numbers of a quarter (issue 15).

Housing corporations report their lettings per group and quarter; the partners app (above
monitoring) adds them to the municipality's realised number and registers a source here at
start (partners.apps), so the officer who confirms the quarter sees who entered which part
and for which corporation. Monitoring never imports partners. Without a source: no lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Contribution:
    """One organisation's part of a realised number: its lettings to one group."""

    group_code: str
    organisation: str
    number: int
    source: str
    reference_date: date
    submitted_by: str
    submitted_at: datetime


class Source(Protocol):
    def for_quarter(
        self, *, round_: Any, municipality: Any, year: int, quarter: int
    ) -> list[Contribution]: ...


_source: Source | None = None


def source_register(source: Source) -> None:
    global _source  # noqa: PLW0603 - the one registration at start
    _source = source


def for_quarter(*, round_: Any, municipality: Any, year: int, quarter: int) -> list[Contribution]:
    if _source is None:
        return []
    return _source.for_quarter(round_=round_, municipality=municipality, year=year, quarter=quarter)
