"""Writes to target-group figures."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from core.models import FigureStatus
from municipalities.models import MunicipalFigure, Municipality

from .models import GroupFigure, TargetGroup

ILLUSTRATIVE_SOURCE = "Illustratief, vervang door eigen cijfers (demo-waarde, geen feit)"

# Illustrative yearly demand per 1,000 inhabitants (not facts): a base rate, and a higher
# rate where a group concentrates (big cities, student towns, greenhouse and logistics areas).
_BASE_RATE = {
    "homeless": Decimal("0.6"),
    "status_holders": Decimal("1.3"),
    "urgent": Decimal("0.8"),
    "institution_leavers": Decimal("0.5"),
    "labour_migrants": Decimal("1.5"),
    "students": Decimal("0.1"),
    "caravan_dwellers": Decimal("0.05"),
}
_HIGHER_RATE = {
    ("homeless", "GM0363"): Decimal("2.2"),
    ("homeless", "GM0392"): Decimal("1.3"),
    ("homeless", "GM0034"): Decimal("1.1"),
    ("institution_leavers", "GM0363"): Decimal("1.2"),
    ("institution_leavers", "GM0402"): Decimal("0.9"),
    ("labour_migrants", "GM0394"): Decimal("6.0"),
    ("labour_migrants", "GM0358"): Decimal("8.0"),
    ("labour_migrants", "GM0479"): Decimal("3.5"),
    ("students", "GM0363"): Decimal("9.0"),
    ("students", "GM0384"): Decimal("4.0"),
    ("students", "GM0362"): Decimal("3.0"),
    ("students", "GM0392"): Decimal("1.5"),
    ("students", "GM0034"): Decimal("1.0"),
}


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def illustrative_group_figures_ensure(*, year: int = 2024) -> int:
    """Add deterministic demo demand and existing effort per group where missing.

    Values are marked illustrative and never overwrite an entered figure. Returns the
    number created.
    """
    created = 0
    groups = list(TargetGroup.objects.filter(active=True))
    with transaction.atomic():
        population = {
            f.municipality_id: f.value
            for f in MunicipalFigure.objects.filter(indicator__code="population", year=year)
        }
        for municipality in Municipality.objects.all():
            inhabitants = population.get(municipality.pk)
            if inhabitants is None:
                continue
            n = int(municipality.cbs_code[2:])
            variation = Decimal("0.8") + Decimal((n * 37) % 41) / 100
            for group in groups:
                rate = _HIGHER_RATE.get(
                    (group.code, municipality.cbs_code), _BASE_RATE.get(group.code, Decimal("0.5"))
                )
                demand = _whole(inhabitants / 1000 * rate * variation)
                effort_share = Decimal("0.3") + Decimal((n * 13 + group.position * 7) % 50) / 100
                _, was_created = GroupFigure.objects.get_or_create(
                    municipality=municipality,
                    group=group,
                    year=year,
                    defaults={
                        "demand": demand,
                        "existing_effort": _whole(demand * effort_share),
                        "realised": None,
                        "source": ILLUSTRATIVE_SOURCE,
                        "reference_date": date(year, 1, 1),
                        "status": FigureStatus.CONFIRMED,
                        "illustrative": True,
                    },
                )
                created += was_created
    return created
