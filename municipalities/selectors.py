"""Reads of municipalities, sub-regions and their figures. No writes here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from core.models import FigureStatus

from .models import Indicator, MunicipalFigure, Municipality, SubRegion


@dataclass
class LatestFigures:
    """The newest confirmed value per indicator of one municipality."""

    values: dict[str, Decimal] = field(default_factory=dict)
    years: dict[str, int] = field(default_factory=dict)

    def get(self, code: str) -> Decimal | None:
        return self.values.get(code)


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("subregion").order_by("name")


def municipality_get(*, code: str) -> Municipality:
    return Municipality.objects.select_related("subregion").get(cbs_code=code)


def subregion_list() -> QuerySet[SubRegion]:
    return SubRegion.objects.order_by("name")


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("position", "code")


def latest_confirmed_figures(
    *,
    municipality_ids: list[int] | None = None,
    codes: tuple[str, ...] | None = None,
    up_to_year: int | None = None,
) -> dict[int, LatestFigures]:
    """Per municipality id, the newest confirmed value of each indicator (one query);
    with `up_to_year`, the newest of that year or before."""
    qs = MunicipalFigure.objects.filter(status=FigureStatus.CONFIRMED).values_list(
        "municipality_id", "indicator__code", "year", "value"
    )
    if municipality_ids is not None:
        qs = qs.filter(municipality_id__in=municipality_ids)
    if codes is not None:
        qs = qs.filter(indicator__code__in=codes)
    if up_to_year is not None:
        qs = qs.filter(year__lte=up_to_year)
    result: dict[int, LatestFigures] = defaultdict(LatestFigures)
    for municipality_id, code, year, value in qs.order_by("year"):
        latest = result[municipality_id]
        latest.values[code] = value
        latest.years[code] = year
    return dict(result)


def municipalities_with_key_figures() -> list[dict[str, Any]]:
    """All municipalities with their latest confirmed population and dwelling stock (2 queries)."""
    municipalities = list(municipality_list())
    latest = latest_confirmed_figures(codes=("population", "dwellings"))
    rows = []
    for m in municipalities:
        figures = latest.get(m.pk, LatestFigures())
        rows.append(
            {
                "municipality": m,
                "population": figures.get("population"),
                "dwellings": figures.get("dwellings"),
                "year": figures.years.get("population"),
            }
        )
    return rows


def subregion_overview() -> list[dict[str, Any]]:
    """Per sub-region: its municipalities and the sums of their latest population and dwellings."""
    rows = municipalities_with_key_figures()
    by_region: dict[int, dict[str, Any]] = {}
    for subregion in subregion_list():
        by_region[subregion.pk] = {
            "subregion": subregion,
            "municipalities": [],
            "population": 0,
            "dwellings": 0,
        }
    for row in rows:
        entry = by_region[row["municipality"].subregion_id]
        entry["municipalities"].append(row)
        entry["population"] += row["population"] or 0
        entry["dwellings"] += row["dwellings"] or 0
    total_population = sum(e["population"] for e in by_region.values()) or 1
    for entry in by_region.values():
        entry["population_share"] = Decimal(entry["population"]) / Decimal(total_population) * 100
    return list(by_region.values())


def municipal_figures_for_year(
    *, municipality: Municipality, year: int
) -> dict[str, MunicipalFigure]:
    """The figures of one municipality and year, by indicator code (for the edit form)."""
    return {
        f.indicator.code: f
        for f in MunicipalFigure.objects.filter(
            municipality=municipality, year=year
        ).select_related("indicator")
    }
