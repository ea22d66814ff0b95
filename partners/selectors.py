"""Reads for the partners: organisations and the province page (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from agreements.selectors import NotAdopted, agreed_result
from allocation.models import Round, RoundStatus
from core.models import FigureStatus
from monitoring import selectors as monitoring
from monitoring.contributions import Contribution
from monitoring.models import Realisation
from municipalities.models import Municipality, Province, SubRegion
from target_groups.models import TargetGroup

from .models import Acknowledgement, LettingReport, PartnerOrganisation

STATUS_HOLDERS = "status_holders"
"""The target group of the status-holder task (vergunninghouders), supervised by the provinces."""


def organisations() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.select_related("subregion").prefetch_related(
        "municipalities", "memberships__user"
    )


def adopted_rounds() -> QuerySet[Round]:
    """Only adopted material: agreed rounds and the ones a later round superseded."""
    return monitoring.adopted_rounds()


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int  # 1: January to June, 2: July to December

    @property
    def quarters(self) -> tuple[int, int]:
        return (1, 2) if self.half == 1 else (3, 4)


@dataclass(frozen=True)
class Cell:
    """One municipality in one half-year; numbers in persons (status holders housed)."""

    half_year: HalfYear
    task: int  # the agreed task of the half-year
    realised: int | None  # confirmed realised; None: nothing confirmed for the half-year yet
    backlog: int  # cumulative task minus cumulative realised up to this half-year (<0: ahead)
    trend: int  # change of the backlog against the previous half-year


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    cells: tuple[Cell, ...]

    @property
    def task(self) -> int:
        return sum(c.task for c in self.cells)

    @property
    def realised(self) -> int:
        return sum(c.realised or 0 for c in self.cells)

    @property
    def backlog(self) -> int:
        return self.cells[-1].backlog if self.cells else 0


@dataclass(frozen=True)
class ProvinceOverview:
    province: str
    province_label: str
    round: Round
    half_years: tuple[HalfYear, ...]
    rows: tuple[Row, ...]
    has_group: bool


def half_year_task(per_year: int, half: int) -> int:
    """A year's agreed number split over its two half-years: the first gets the lower
    half, the second the rest (5 -> 2 and 3), so the two add up to the year exactly."""
    first = per_year // 2
    return first if half == 1 else per_year - first


def province_overview(*, province: str, round_: Round) -> ProvinceOverview:
    """The status-holder task against realised per municipality of the province and
    half-year of an adopted round: the task from agreements' agreed_result (the one source
    of adopted numbers), realised from monitoring's confirmed numbers. About 5 queries."""
    municipalities = list(Municipality.objects.filter(province=province).order_by("name"))
    label = str(Province(province).label)
    try:
        result = agreed_result(round_)
    except NotAdopted:
        return ProvinceOverview(province, label, round_, (), (), has_group=False)
    group = result.groups.get(STATUS_HOLDERS)
    half_years = tuple(
        sorted(
            {HalfYear(year, 1 if q <= 2 else 2) for year, q in monitoring.round_quarters(round_)}
        )
    )
    if group is None:
        return ProvinceOverview(province, label, round_, half_years, (), has_group=False)
    per_year = {
        line.code: dict(zip(result.years, line.per_year, strict=True)) for line in group.lines
    }
    realised = monitoring.confirmed_per_quarter(
        round_=round_, group_code=STATUS_HOLDERS, municipality_ids=[m.pk for m in municipalities]
    )
    rows = []
    for municipality in municipalities:
        if municipality.cbs_code not in per_year:
            continue
        years = per_year[municipality.cbs_code]
        cells: list[Cell] = []
        backlog = 0
        for hy in half_years:
            task = half_year_task(years.get(hy.year, 0), hy.half)
            numbers = [
                realised[key]
                for q in hy.quarters
                if (key := (municipality.pk, hy.year, q)) in realised
            ]
            done = sum(numbers) if numbers else None
            new_backlog = backlog + task - (done or 0)
            cells.append(Cell(hy, task, done, new_backlog, new_backlog - backlog))
            backlog = new_backlog
        rows.append(Row(municipality.cbs_code, municipality.name, tuple(cells)))
    return ProvinceOverview(province, label, round_, half_years, tuple(rows), has_group=True)


@dataclass(frozen=True)
class PartnerFigure:
    indicator: str
    value: object | None
    status: str | None
    status_label: str
    source: str
    updated_by: str
    updated_at: object | None


def corporation_figures(
    *, municipality_ids: frozenset[int], year: int, codes: tuple[str, ...]
) -> list[tuple[Municipality, dict[str, PartnerFigure]]]:
    """Per municipality of a working area, its figures of the given indicators in a year
    (2 queries)."""
    from municipalities.models import MunicipalFigure

    municipalities = list(Municipality.objects.filter(pk__in=municipality_ids).order_by("name"))
    figures: dict[tuple[int, str], PartnerFigure] = {}
    for f in MunicipalFigure.objects.filter(
        municipality_id__in=municipality_ids, year=year, indicator__code__in=codes
    ).select_related("indicator", "updated_by"):
        figures[(f.municipality_id, f.indicator.code)] = PartnerFigure(
            indicator=f.indicator.code,
            value=f.value,
            status=f.status,
            status_label=str(FigureStatus(f.status).label),
            source=f.source,
            updated_by=f.updated_by.get_full_name() if f.updated_by else "",
            updated_at=getattr(f, "updated_at", None),
        )
    return [
        (m, {c: figures[(m.pk, c)] for c in codes if (m.pk, c) in figures}) for m in municipalities
    ]


def acknowledgements_valid(round_: Round) -> list[Acknowledgement]:
    """The acknowledgements of an adopted round that count: bound to its current approved
    digest (about 4 queries). Empty for a round that is not adopted."""
    try:
        digest = agreed_result(round_).digest
    except NotAdopted:
        return []
    return acknowledgements_of_digest(round_, digest)


def acknowledgements_of_digest(round_: Round, digest: str) -> list[Acknowledgement]:
    """The acknowledgements bound to this approved digest of the round (1 query): for a
    caller that read agreed_result already (the public page)."""
    return list(
        Acknowledgement.objects.filter(round=round_, digest=digest).select_related(
            "organisation", "subregion", "acknowledged_by"
        )
    )


@dataclass(frozen=True)
class CosignItem:
    round: Round
    subregion: SubRegion
    acknowledgement: Acknowledgement | None


def cosign_overview(*, organisation_id: int, subregion_ids: frozenset[int]) -> list[CosignItem]:
    """Per adopted round that still applies and sub-region of the working area: the
    organisation's acknowledgement of the approved digest, or None (asks to co-sign)."""
    rounds = list(Round.objects.filter(status=RoundStatus.AGREED, agreed_run__isnull=False))
    subregions = list(SubRegion.objects.filter(pk__in=subregion_ids).order_by("name"))
    items: list[CosignItem] = []
    for round_ in sorted(rounds, key=lambda r: (r.period_start, r.pk), reverse=True):
        valid = {
            a.subregion_id: a
            for a in acknowledgements_valid(round_)
            if a.organisation_id == organisation_id
        }
        items.extend(CosignItem(round_, s, valid.get(s.pk)) for s in subregions)
    return items


class AcknowledgementSource:
    """What reports reads for the party list of a PDF agreement (registered at start in
    partners.apps; reports does not import partners): per party name, the line that says who
    acknowledged the agreement in the app and when."""

    def for_round(self, round_: Round, subregion_id: int | None) -> dict[str, str]:
        from django.utils import formats, timezone

        out: dict[str, str] = {}
        for a in acknowledgements_valid(round_):
            if subregion_id is not None and a.subregion_id != subregion_id:
                continue
            when = formats.date_format(timezone.localtime(a.acknowledged_at), "j F Y, H:i")
            who = a.acknowledged_by.get_full_name() or a.acknowledged_by.get_username()
            out[a.organisation.name] = (
                f"in de app medeondertekend door {who} op {when} (vingerafdruk {a.digest[:12]})"
            )
        return out


# --- A corporation's lettings per quarter (issue 15) ------------------------------------------

LETTING_UNITS = ("persons", "households")
"""Corporations let dwellings; the groups they let to count persons or households (not beds,
student units or caravan pitches, which others provide)."""


def letting_groups(round_: Round) -> list[TargetGroup]:
    """The groups of an adopted round that corporations let to: housed from social-rental
    mutations and counted in persons or households."""
    return [
        g
        for g in monitoring.agreed_groups(round_)
        if g.housed_from_mutations and g.unit in LETTING_UNITS
    ]


def letting_rounds() -> list[Round]:
    """The adopted rounds that still apply, newest first: a corporation reports for these."""
    return sorted(
        Round.objects.filter(status=RoundStatus.AGREED, agreed_run__isnull=False),
        key=lambda r: (r.period_start, r.pk),
        reverse=True,
    )


@dataclass(frozen=True)
class LettingLine:
    """One report of the organisation, with the status of the municipality's number."""

    report: LettingReport
    status: str  # FigureStatus value: submitted (waiting for the officer) or confirmed


def _report_status(report: LettingReport, realisation: Realisation | None) -> str:
    """Confirmed once an officer confirmed the realised number after this report came in."""
    if (
        realisation is not None
        and realisation.status == FigureStatus.CONFIRMED
        and realisation.confirmed_at is not None
        and realisation.confirmed_at >= report.submitted_at
    ):
        return FigureStatus.CONFIRMED
    return FigureStatus.SUBMITTED


def quarter_lettings(
    *, organisation_id: int, round_: Round, municipality: Municipality, year: int, quarter: int
) -> dict[str, LettingLine]:
    """The organisation's reports of one municipality and quarter per group code (2 queries)."""
    realisations = {
        r.group_id: r
        for r in Realisation.objects.filter(
            round=round_, municipality=municipality, year=year, quarter=quarter
        )
    }
    return {
        r.group.code: LettingLine(r, _report_status(r, realisations.get(r.group_id)))
        for r in LettingReport.objects.filter(
            organisation_id=organisation_id,
            round=round_,
            municipality=municipality,
            year=year,
            quarter=quarter,
        ).select_related("group", "submitted_by")
    }


@dataclass(frozen=True)
class LettingCell:
    year: int
    quarter: int
    status: str | None  # None: nothing reported; submitted: waiting; confirmed: all confirmed


def lettings_overview(
    *, organisation_id: int, round_: Round, municipality_ids: frozenset[int]
) -> list[tuple[Municipality, list[LettingCell]]]:
    """Per municipality of the working area and quarter of the round: the status of the
    organisation's reports (3 queries)."""
    municipalities = list(Municipality.objects.filter(pk__in=municipality_ids).order_by("name"))
    realisations = {
        (r.municipality_id, r.group_id, r.year, r.quarter): r
        for r in Realisation.objects.filter(round=round_, municipality_id__in=municipality_ids)
    }
    statuses: dict[tuple[int, int, int], set[str]] = {}
    for report in LettingReport.objects.filter(
        organisation_id=organisation_id, round=round_, municipality_id__in=municipality_ids
    ):
        key = (report.municipality_id, report.year, report.quarter)
        realisation = realisations.get(
            (report.municipality_id, report.group_id, report.year, report.quarter)
        )
        statuses.setdefault(key, set()).add(_report_status(report, realisation))
    quarters = monitoring.round_quarters(round_)
    out = []
    for m in municipalities:
        cells = []
        for year, q in quarters:
            found = statuses.get((m.pk, year, q))
            status = None
            if found:
                status = (
                    FigureStatus.SUBMITTED
                    if FigureStatus.SUBMITTED in found
                    else FigureStatus.CONFIRMED
                )
            cells.append(LettingCell(year, q, status))
        out.append((m, cells))
    return out


class LettingContributions:
    """What monitoring's quarter page reads (registered at start in partners.apps;
    monitoring does not import partners): every corporation's lettings in the quarter."""

    def for_quarter(
        self, *, round_: Round, municipality: Municipality, year: int, quarter: int
    ) -> list[Contribution]:
        reports = LettingReport.objects.filter(
            round=round_, municipality=municipality, year=year, quarter=quarter
        ).select_related("organisation", "group", "submitted_by")
        return [
            Contribution(
                group_code=r.group.code,
                organisation=r.organisation.name,
                number=r.lettings,
                source=r.source,
                reference_date=r.reference_date,
                submitted_by=(
                    (r.submitted_by.get_full_name() or r.submitted_by.get_username())
                    if r.submitted_by
                    else ""
                ),
                submitted_at=r.submitted_at,
            )
            for r in sorted(reports, key=lambda r: (r.group.position, r.organisation.name))
        ]
