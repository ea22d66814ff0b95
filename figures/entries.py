"""What a form, an upload or an API call asks to change: plain data, read by the selectors
(to preview and validate) and by the services (to save)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Final

from .validation import Issue


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET
"""The caller did not say which version it saw: no check for a concurrent edit."""

Version = int | None | _Unset


@dataclass
class IndicatorInput:
    code: str
    value: Decimal | None
    source: str = ""
    reference_date: date | None = None
    expected_version: Version = UNSET  # None: the figure did not exist when it was opened


@dataclass
class GroupInput:
    code: str
    values: dict[str, Decimal | None]  # only the numbers given: demand, existing_effort, realised
    source: str = ""
    reference_date: date | None = None
    expected_version: Version = UNSET


@dataclass
class ChangeRequest:
    """The changes to the figures of one municipality and year."""

    indicators: list[IndicatorInput] = field(default_factory=list)
    groups: list[GroupInput] = field(default_factory=list)
    acknowledgements: dict[tuple[str, str], str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)  # found while reading the input
    comments: dict[str, str] = field(default_factory=dict)  # row key -> comment (import)

    def is_empty(self) -> bool:
        return not self.indicators and not self.groups
