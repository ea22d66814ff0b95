"""Helpers for the figures tests: what the edit form posts, and a round that locks a year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from municipalities.models import MunicipalFigure
from target_groups.models import GroupFigure

GROUP_FIELDS = ("demand", "existing_effort", "realised")


def form_data(code: str, year: int) -> dict[str, str]:
    """What the edit form posts when nothing is changed: every figure with its version."""
    data: dict[str, str] = {}
    for f in MunicipalFigure.objects.filter(municipality__cbs_code=code, year=year).select_related(
        "indicator"
    ):
        key = f.indicator.code
        data[f"{key}-value"] = str(f.value.normalize()).replace(".", ",")
        data[f"{key}-source"] = f.source
        data[f"{key}-reference_date"] = f.reference_date.isoformat()
        data[f"{key}-version"] = str(f.version)
    for g in GroupFigure.objects.filter(municipality__cbs_code=code, year=year).select_related(
        "group"
    ):
        key = g.group.code
        for name in GROUP_FIELDS:
            value = getattr(g, name)
            data[f"{key}-{name}"] = "" if value is None else str(value)
        data[f"{key}-source"] = g.source
        data[f"{key}-reference_date"] = g.reference_date.isoformat()
        data[f"{key}-version"] = str(g.version)
    return data


def acknowledge_all(body: str, data: dict[str, str], comment: str = "Gecontroleerd.") -> dict:
    """Tick every warning shown on a page and give it a comment."""
    import re

    result = dict(data)
    for name in set(re.findall(r'name="(ack-[^"]+?)"', body)):
        result[name] = comment if name.endswith("-comment") else "1"
    return result


def group_value(code: str, year: int, group: str, name: str = "demand") -> Any:
    figure = GroupFigure.objects.filter(
        municipality__cbs_code=code, year=year, group__code=group
    ).first()
    return getattr(figure, name) if figure else None


def municipal_value(code: str, year: int, indicator: str) -> Any:
    figure = MunicipalFigure.objects.filter(
        municipality__cbs_code=code, year=year, indicator__code=indicator
    ).first()
    return figure.value if figure else None


@pytest.fixture
def locking_round() -> Callable[[int], Any]:
    """A round with the given reference year that is computing: its figures lock."""
    from allocation.models import Round, RoundStatus

    def make(year: int, status: str = RoundStatus.COMPUTING) -> Any:
        return Round.objects.create(
            name=f"Testronde {year} {status}",
            period_start=date(year + 2, 1, 1),
            period_end=date(year + 3, 12, 31),
            reference_year=year,
            deadline=date(year + 1, 6, 1),
            status=status,
        )

    return make


@pytest.fixture
def complete_2025() -> dict[str, str]:
    """A full, plausible set of figures for Haarlem 2025 (as the edit form posts them)."""
    data = {
        "default_source": "Eigen registratie gemeente Haarlem",
        "default_reference_date": "2025-01-01",
        "population-value": "168.500",
        "dwellings-value": "79.900",
        "social_rental-value": "29.400",
        "mutations-value": "1.560",
    }
    demand = {
        "homeless": 240,
        "status_holders": 240,
        "urgent": 150,
        "institution_leavers": 95,
        "labour_migrants": 280,
        "students": 280,
        "caravan_dwellers": 9,
    }
    for group, value in demand.items():
        data[f"{group}-demand"] = str(value)
    return data
