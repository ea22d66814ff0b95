"""Reads for monitoring: adopted rounds, their agreed numbers, realisations and the dashboard.

`carry_over_realised` is what the allocation app reads for the backlog of a previous agreed
round (allocation.selectors.run_inputs_build).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from agreements.selectors import NotAdopted, agreed_result
from allocation.models import Round, RoundStatus
from core.models import FigureStatus
from municipalities.models import Municipality
from target_groups.models import GroupFigure, TargetGroup

from . import validation as mv
from .models import Realisation
from .progress import Pace, Progress, elapsed_fraction, percent, phased_expected

PACE_LABELS = {
    Pace.ON_TRACK: _("on track"),
    Pace.BEHIND: _("behind"),
    Pace.FAR_BEHIND: _("far behind"),
    Pace.NOT_REPORTED: _("not reported"),
    Pace.UNKNOWN: _("nothing reported yet"),
}
# A symbol beside the words, so that the status never rests on colour alone.
PACE_SYMBOLS = {
    Pace.ON_TRACK: "✓",
    Pace.BEHIND: "!",
    Pace.FAR_BEHIND: "!!",
    Pace.NOT_REPORTED: "✗",
    Pace.UNKNOWN: "–",
}

MONITORED_STATUSES = (RoundStatus.AGREED, RoundStatus.SUPERSEDED)


def adopted_rounds() -> QuerySet[Round]:
    """Rounds with an agreed computation: agreed, or superseded by a later one."""
    return Round.objects.filter(status__in=MONITORED_STATUSES, agreed_run__isnull=False).order_by(
        "-period_start", "name"
    )


def adopted_round_get(*, pk: int) -> Round:
    """Raises Round.DoesNotExist unless the round is adopted."""
    return adopted_rounds().get(pk=pk)


def agreed_numbers(round_: Round) -> dict[str, dict[str, int]]:
    """Per group code and CBS code, what the round agreed for its whole period: the
    approved computation (with a carried backlog) plus the accepted transfers, read from
    `agreements.selectors.agreed_result` (the one source of truth). Empty when the round
    is not adopted."""
    try:
        return agreed_result(round_).by_code()
    except NotAdopted:
        return {}


@dataclass(frozen=True)
class Phasing:
    """The agreed numbers per year, as the agreement phases them (agreed_result)."""

    years: tuple[int, ...]
    per_year: dict[str, dict[str, tuple[int, ...]]]  # group code -> CBS code -> per year

    def of(self, group_code: str, cbs_code: str) -> tuple[int, ...]:
        return self.per_year.get(group_code, {}).get(cbs_code, (0,) * len(self.years))


def agreed_numbers_and_phasing(round_: Round) -> tuple[dict[str, dict[str, int]], Phasing]:
    """What the round agreed for the whole period and per year (one read of agreed_result)."""
    try:
        result = agreed_result(round_)
    except NotAdopted:
        return {}, Phasing(years=(), per_year={})
    phasing = Phasing(
        years=result.years,
        per_year={
            code: {line.code: line.per_year for line in group.lines}
            for code, group in result.groups.items()
        },
    )
    return result.by_code(), phasing


def agreed_phasing(round_: Round) -> Phasing:
    """Per group and municipality, the agreed number per year of the period."""
    return agreed_numbers_and_phasing(round_)[1]


def agreed_groups(round_: Round) -> list[TargetGroup]:
    codes = set(agreed_numbers(round_))
    return [g for g in TargetGroup.objects.order_by("position", "code") if g.code in codes]


def round_quarters(round_: Round) -> list[tuple[int, int]]:
    return mv.period_quarters(round_.period_start, round_.period_end)


def quarter_realisations(
    *, round_: Round, municipality: Municipality, year: int, quarter: int
) -> dict[str, Realisation]:
    """The realisations of one quarter of one municipality, per group code (all statuses)."""
    return {
        r.group.code: r
        for r in Realisation.objects.filter(
            round=round_, municipality=municipality, year=year, quarter=quarter
        ).select_related("group", "updated_by", "submitted_by", "confirmed_by")
    }


def quarter_overview(
    *, round_: Round, municipality_ids: Iterable[int]
) -> dict[tuple[int, int, int], str]:
    """Per (municipality id, year, quarter) the lowest status of its realisations."""
    order: list[str] = [FigureStatus.DRAFT, FigureStatus.SUBMITTED, FigureStatus.CONFIRMED]
    out: dict[tuple[int, int, int], str] = {}
    for muni, year, quarter, status in Realisation.objects.filter(
        round=round_, municipality_id__in=list(municipality_ids)
    ).values_list("municipality_id", "year", "quarter", "status"):
        key = (muni, year, quarter)
        if key not in out or order.index(status) < order.index(out[key]):
            out[key] = status
    return out


def confirmed_totals(round_: Round) -> dict[tuple[str, str], int]:
    """Confirmed realised numbers per (group code, CBS code), summed over the quarters."""
    return {
        (g, m): int(total)
        for g, m, total in Realisation.objects.filter(round=round_, status=FigureStatus.CONFIRMED)
        .values_list("group__code", "municipality__cbs_code")
        .annotate(total=Sum("realised"))
        .values_list("group__code", "municipality__cbs_code", "total")
    }


def last_reported_quarter(round_: Round) -> tuple[int, int] | None:
    """The latest quarter with a confirmed realisation in the round, or None."""
    row = (
        Realisation.objects.filter(round=round_, status=FigureStatus.CONFIRMED)
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )
    return (row[0], row[1]) if row else None


def carry_over_realised(*, round_: Round) -> dict[tuple[str, str], int]:
    """Realised over a round's period per (group code, CBS code), for the carry-over.

    Confirmed quarterly realisations of monitoring count. Where a municipality has none for a
    group, the confirmed yearly `realised` figures of the figures app over the period's years
    count instead (the source before monitoring existed). Absent from both: not in the result
    (the allocation app lists it as missing and carries nothing over).
    """
    totals = confirmed_totals(round_)
    monitored = set(totals)
    for group_code, muni_code, realised in GroupFigure.objects.filter(
        status=FigureStatus.CONFIRMED,
        realised__isnull=False,
        year__gte=round_.period_start.year,
        year__lte=round_.period_end.year,
    ).values_list("group__code", "municipality__cbs_code", "realised"):
        key = (group_code, muni_code)
        if key not in monitored:
            totals[key] = totals.get(key, 0) + (realised or 0)
    return totals


# --- the dashboard ------------------------------------------------------------------------


@dataclass
class Line:
    """A row of the dashboard table."""

    label: str
    progress: Progress
    code: str = ""  # CBS code for a municipality
    kind: str = "municipality"  # municipality, subregion, region

    @property
    def fulfilment_pct(self) -> float | None:
        return percent(self.progress.fulfilment)

    @property
    def expected(self) -> float:
        return round(float(self.progress.expected), 1)

    @property
    def pace_pct(self) -> float | None:
        return percent(self.progress.pace_ratio)

    @property
    def pace(self) -> Pace:
        return self.progress.pace

    @property
    def pace_label(self) -> str:
        return str(PACE_LABELS[self.pace])

    @property
    def pace_symbol(self) -> str:
        return PACE_SYMBOLS[self.pace]


@dataclass
class Section:
    """A sub-region: its municipalities and its total."""

    name: str
    lines: list[Line] = field(default_factory=list)
    total: Line | None = None


@dataclass
class Dashboard:
    round: Round
    groups: list[TargetGroup]
    group: TargetGroup | None
    last_quarter: tuple[int, int] | None
    until: date | None
    fraction: float
    sections: list[Section] = field(default_factory=list)
    region: Line | None = None
    group_totals: list[tuple[TargetGroup, Line]] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for s in self.sections for line in s.lines]

    @property
    def pace_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, number of municipalities) for every status of the shown
        municipalities, worst first; "not reported" is counted on its own."""
        order = [Pace.NOT_REPORTED, Pace.FAR_BEHIND, Pace.BEHIND, Pace.ON_TRACK, Pace.UNKNOWN]
        counts = {pace: 0 for pace in order}
        for line in self.lines:
            counts[line.pace] += 1
        return [(str(p), str(PACE_LABELS[p]), counts[p]) for p in order if counts[p]]


def _sum_line(label: str, lines: list[Line], *, kind: str, reported: bool) -> Line:
    return Line(
        label=label,
        kind=kind,
        progress=Progress(
            agreed=sum(line.progress.agreed for line in lines),
            realised=sum(line.progress.realised for line in lines),
            expected=sum((line.progress.expected for line in lines), Fraction(0)),
            reported=reported,
        ),
    )


def dashboard(
    *,
    round_: Round,
    group_code: str | None,
    visible: Callable[[Municipality], bool],
    region_total: bool,
    subregion_totals: Callable[[Any], bool],
    agreed: dict[str, dict[str, int]] | None = None,
    phasing: Phasing | None = None,
) -> Dashboard:
    """Realised against agreed for one group, for the municipalities `visible` allows.

    Sub-region totals are shown where `subregion_totals(subregion)` allows, the MRA total
    when `region_total`; totals always cover every municipality of their area. Five queries
    (and those of `agreed_numbers` unless `agreed` is given).
    """
    agreed = agreed_numbers(round_) if agreed is None else agreed
    phasing = agreed_phasing(round_) if phasing is None else phasing
    groups = [g for g in TargetGroup.objects.order_by("position", "code") if g.code in agreed]
    group = next((g for g in groups if g.code == group_code), groups[0] if groups else None)
    last = last_reported_quarter(round_)
    until = mv.quarter_end(*last) if last else None
    fraction = elapsed_fraction(round_.period_start, round_.period_end, until)
    reported = last is not None
    board = Dashboard(
        round=round_,
        groups=groups,
        group=group,
        last_quarter=last,
        until=until,
        fraction=round(float(fraction * 100), 1),
    )
    if group is None:
        return board
    totals = confirmed_totals(round_)
    municipalities = list(
        Municipality.objects.select_related("subregion").order_by("subregion__name", "name")
    )
    group_agreed = agreed[group.code]
    members: dict[int, list[Line]] = {}
    sections: dict[int, Section] = {}
    all_lines: list[Line] = []
    for m in municipalities:
        line = Line(
            label=m.name,
            code=m.cbs_code,
            progress=Progress(
                agreed=group_agreed.get(m.cbs_code, 0),
                realised=totals.get((group.code, m.cbs_code), 0),
                expected=phased_expected(phasing.of(group.code, m.cbs_code), phasing.years, until),
                reported=reported,
                missing=(group.code, m.cbs_code) not in totals,
            ),
        )
        all_lines.append(line)
        members.setdefault(m.subregion_id, []).append(line)
        section = sections.setdefault(m.subregion_id, Section(name=m.subregion.name))
        if visible(m):
            section.lines.append(line)
        if section.total is None and subregion_totals(m.subregion):
            section.total = line  # placeholder, replaced by the sum below
    for subregion_id, section in sections.items():
        if section.total is not None:
            section.total = _sum_line(
                section.name,
                members[subregion_id],
                kind="subregion",
                reported=reported,
            )
        if section.lines or section.total:
            board.sections.append(section)
    if region_total:
        board.region = _sum_line("MRA", all_lines, kind="region", reported=reported)
        for g in groups:
            board.group_totals.append(
                (
                    g,
                    Line(
                        label=g.name,
                        kind="region",
                        progress=Progress(
                            agreed=sum(agreed[g.code].values()),
                            realised=sum(v for (gc, _m), v in totals.items() if gc == g.code),
                            expected=sum(
                                (
                                    phased_expected(per_year, phasing.years, until)
                                    for per_year in phasing.per_year.get(g.code, {}).values()
                                ),
                                Fraction(0),
                            ),
                            reported=reported,
                        ),
                    ),
                )
            )
    return board


def carry_over_preview(
    round_: Round,
    *,
    visible: Callable[[Municipality], bool],
    agreed: dict[str, dict[str, int]] | None = None,
) -> list[dict]:
    """What the next round receives with carry-over on: per municipality and group,
    agreed − realised (as allocation reads it: `carry_over_realised`). `agreed` saves
    reading the agreed numbers again when the caller has them."""
    agreed = agreed_numbers(round_) if agreed is None else agreed
    realised = carry_over_realised(round_=round_)
    groups = [g for g in TargetGroup.objects.order_by("position", "code") if g.code in agreed]
    rows = []
    for m in Municipality.objects.select_related("subregion").order_by("subregion__name", "name"):
        if not visible(m):
            continue
        cells = []
        for g in groups:
            a = agreed[g.code].get(m.cbs_code)
            r = realised.get((g.code, m.cbs_code))
            cells.append(
                {
                    "group": g,
                    "agreed": a,
                    "realised": r,
                    "backlog": None if a is None or r is None else a - r,
                }
            )
        rows.append({"municipality": m, "cells": cells})
    return rows


class CarryOver:
    """The allocation app's carry-over source (allocation.carry_over.CarryOverSource)."""

    def agreed_numbers(self, round_: Round) -> dict[str, dict[str, int]]:
        return agreed_numbers(round_)

    def realised_numbers(self, round_: Round) -> dict[tuple[str, str], int]:
        return carry_over_realised(round_=round_)


def confirmed_per_quarter(
    *, round_: Round, group_code: str, municipality_ids: Iterable[int]
) -> dict[tuple[int, int, int], int]:
    """Confirmed realised numbers of one group per (municipality id, year, quarter); read by
    the province page (partners). Drafts and submitted numbers do not count (1 query)."""
    return {
        (muni, year, quarter): realised
        for muni, year, quarter, realised in Realisation.objects.filter(
            round=round_,
            group__code=group_code,
            municipality_id__in=list(municipality_ids),
            status=FigureStatus.CONFIRMED,
        ).values_list("municipality_id", "year", "quarter", "realised")
    }
