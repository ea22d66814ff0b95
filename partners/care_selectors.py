"""Reads for a care provider's figures (issue 15): per municipality of its sub-region, what
it entered, what the municipality confirmed and what still awaits confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.models import FigureStatus
from municipalities.models import MunicipalFigure, Municipality

from .care_services import (
    CARE_INDICATORS,
    CLIENTS_READY_SHELTER,
    CLIENTS_READY_SHELTERED_HOUSING,
    FEEDS,
)


@dataclass(frozen=True)
class CareCell:
    """One figure of one municipality: value, status and where it comes from."""

    value: Decimal
    status: str
    status_label: str
    source: str
    reference_date: date
    entered_by: str

    @property
    def confirmed(self) -> bool:
        return self.status == FigureStatus.CONFIRMED

    @property
    def awaiting(self) -> bool:
        return self.status == FigureStatus.SUBMITTED


@dataclass(frozen=True)
class CareRow:
    municipality: Municipality
    cells: dict[str, CareCell]

    def cell(self, code: str) -> CareCell | None:
        return self.cells.get(code)

    @property
    def shelter_beds(self) -> CareCell | None:
        return self.cells.get("shelter_beds")

    @property
    def sheltered_housing_places(self) -> CareCell | None:
        return self.cells.get("sheltered_housing_places")

    @property
    def clients_ready_shelter(self) -> CareCell | None:
        return self.cells.get(CLIENTS_READY_SHELTER)

    @property
    def clients_ready_sheltered_housing(self) -> CareCell | None:
        return self.cells.get(CLIENTS_READY_SHELTERED_HOUSING)

    @property
    def any(self) -> CareCell | None:
        """The figure that speaks for the row's source and status (clients ready first)."""
        for code in (CLIENTS_READY_SHELTER, CLIENTS_READY_SHELTERED_HOUSING, *CARE_INDICATORS):
            if code in self.cells:
                return self.cells[code]
        return None


def _total(rows: Iterable[CareRow], code: str, status: str) -> int:
    return int(
        sum(
            (c.value for r in rows if (c := r.cells.get(code)) is not None and c.status == status),
            Decimal(0),
        )
    )


@dataclass(frozen=True)
class CareOverview:
    year: int
    rows: tuple[CareRow, ...]

    def confirmed(self, code: str) -> int:
        return _total(self.rows, code, FigureStatus.CONFIRMED)

    def awaiting(self, code: str) -> int:
        return _total(self.rows, code, FigureStatus.SUBMITTED)

    @property
    def shelter_ready_confirmed(self) -> int:
        """Clients ready to move on from shelter, confirmed by their municipality (persons):
        the homeless group's demand per year."""
        return self.confirmed(CLIENTS_READY_SHELTER)

    @property
    def shelter_ready_awaiting(self) -> int:
        """Clients ready to move on from shelter, awaiting the municipality (persons)."""
        return self.awaiting(CLIENTS_READY_SHELTER)

    @property
    def housing_ready_confirmed(self) -> int:
        """Clients ready to move on from sheltered housing, confirmed (persons): the
        institution leavers' demand per year."""
        return self.confirmed(CLIENTS_READY_SHELTERED_HOUSING)

    @property
    def housing_ready_awaiting(self) -> int:
        return self.awaiting(CLIENTS_READY_SHELTERED_HOUSING)

    @property
    def beds_confirmed(self) -> int:
        return self.confirmed("shelter_beds")

    @property
    def beds_awaiting(self) -> int:
        return self.awaiting("shelter_beds")

    @property
    def places_confirmed(self) -> int:
        return self.confirmed("sheltered_housing_places")

    @property
    def places_awaiting(self) -> int:
        return self.awaiting("sheltered_housing_places")

    @property
    def awaiting_municipalities(self) -> list[Municipality]:
        return [r.municipality for r in self.rows if any(c.awaiting for c in r.cells.values())]


def care_overview(*, municipality_ids: Iterable[int], year: int) -> CareOverview:
    """Per municipality of a care provider's sub-region, its care figures of a year
    (2 queries)."""
    ids = list(municipality_ids)
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("name"))
    cells: dict[int, dict[str, CareCell]] = {m.pk: {} for m in municipalities}
    for f in MunicipalFigure.objects.filter(
        municipality_id__in=ids, year=year, indicator__code__in=CARE_INDICATORS
    ).select_related("indicator", "updated_by"):
        cells[f.municipality_id][f.indicator.code] = CareCell(
            value=f.value,
            status=f.status,
            status_label=str(FigureStatus(f.status).label),
            source=f.source,
            reference_date=f.reference_date,
            entered_by=(f.updated_by.get_full_name() or f.updated_by.get_username())
            if f.updated_by
            else "",
        )
    return CareOverview(year=year, rows=tuple(CareRow(m, cells[m.pk]) for m in municipalities))


def ready_to_move_confirmed(*, year: int) -> dict[str, dict[str, int]]:
    """The confirmed clients ready to move on of a year per indicator and municipality (CBS
    code, persons): what became the groups' demand (1 query). Submitted or draft figures are
    not in it."""
    confirmed: dict[str, dict[str, int]] = {}
    for indicator, code, value in MunicipalFigure.objects.filter(
        year=year, indicator__code__in=list(FEEDS), status=FigureStatus.CONFIRMED
    ).values_list("indicator__code", "municipality__cbs_code", "value"):
        confirmed.setdefault(indicator, {})[code] = int(value)
    return confirmed
