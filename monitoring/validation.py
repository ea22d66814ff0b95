"""Rules for realised numbers, on top of the figures app's validation module.

The value rules are the figures' own (figures.validation): a realised number is a group
figure (`<group>.realised`), so it must be a whole number of 0 or more (V001–V004); a source
is required (V007, V014) and so is a reference date (V008). The rules here add what only
monitoring knows: the quarter, the round's period and the groups of the agreed computation.
They join the figures' registry (figures.validation.register_rules), so that the same
issue list, messages and file locations serve both apps.

Pure: no database access.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from figures import validation as v
from figures.importing import cell_text

E = v.Severity.ERROR

RULES = [
    v.Rule(
        "M001",
        E,
        _("Wrong quarter"),
        _("“%(raw)s” is not a quarter."),
        _("Enter the quarter as a number from 1 to 4."),
    ),
    v.Rule(
        "M002",
        E,
        _("Quarter outside the period"),
        _("Quarter %(quarter)s of %(year)s is outside the period of this round."),
        _("Enter only quarters within the period of the round."),
    ),
    v.Rule(
        "M003",
        E,
        _("Target group without agreed numbers"),
        _("“%(raw)s” is not a target group with agreed numbers in this round."),
        _("Use the group codes of the template, for example homeless or urgent."),
    ),
    v.Rule(
        "M004",
        E,
        _("Number missing"),
        _("The realised number is empty."),
        _("Fill in a whole number of 0 or more, or remove the row."),
    ),
]
v.register_rules(RULES)


def field_key(group_code: str) -> str:
    """The figures' field key of a realised number: a group figure, so whole and ≥ 0."""
    return f"{group_code}.realised"


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    next_start = quarter_start(year, quarter + 1)
    return date.fromordinal(next_start.toordinal() - 1)


def period_quarters(start: date, end: date) -> list[tuple[int, int]]:
    """The quarters (year, quarter) that overlap the period, in order."""
    out = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while quarter_start(year, quarter) <= end:
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def parse_quarter(raw: Any, *, field: str = "") -> tuple[int | None, list[v.Issue]]:
    text = cell_text(raw).upper().removeprefix("Q").removeprefix("K")
    if text in {"1", "2", "3", "4"}:
        return int(text), []
    return None, [v.Issue("M001", field, part="quarter", params={"raw": str(raw or "–")[:20]})]


def check_quarter_in_period(
    year: int, quarter: int, quarters: Iterable[tuple[int, int]], *, field: str = ""
) -> list[v.Issue]:
    if (year, quarter) in set(quarters):
        return []
    return [v.Issue("M002", field, part="quarter", params={"year": str(year), "quarter": quarter})]
