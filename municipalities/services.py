"""Writes to municipal figures: the illustrative demo values.

Figures that officers enter are saved by figures.services (validation, four eyes, audit).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from core.models import FigureStatus

from .models import Indicator, MunicipalFigure, Municipality

ILLUSTRATIVE_SOURCE = "Illustratief, vervang door eigen cijfers (demo-waarde, geen feit)"

# Illustrative social rental shares of the dwelling stock, shaped after the known context in
# DOMAIN.md 2 (about 37% in the MRA; 13 of 30 below 30%; Laren, Blaricum, Edam-Volendam and
# Bloemendaal below 20%; Amsterdam's corporations own about 186,500 dwellings). Not facts.
ILLUSTRATIVE_SOCIAL_SHARE: dict[str, Decimal] = {
    code: Decimal(share)
    for code, share in {
        "GM0363": "0.388",
        "GM0034": "0.34",
        "GM0995": "0.40",
        "GM0358": "0.27",
        "GM0362": "0.36",
        "GM0384": "0.45",
        "GM0394": "0.28",
        "GM0437": "0.30",
        "GM0451": "0.31",
        "GM0376": "0.15",
        "GM1942": "0.25",
        "GM0402": "0.33",
        "GM0406": "0.27",
        "GM0417": "0.17",
        "GM1696": "0.23",
        "GM0375": "0.40",
        "GM0396": "0.33",
        "GM0450": "0.24",
        "GM0453": "0.38",
        "GM0385": "0.19",
        "GM0415": "0.30",
        "GM0431": "0.31",
        "GM0439": "0.35",
        "GM0852": "0.22",
        "GM0880": "0.31",
        "GM0479": "0.38",
        "GM0377": "0.16",
        "GM0392": "0.37",
        "GM0397": "0.22",
        "GM0473": "0.25",
    }.items()
}


def _code_number(municipality: Municipality) -> int:
    return int(municipality.cbs_code[2:])


def illustrative_figures_ensure(*, year: int = 2024) -> int:
    """Add deterministic, plausible demo values where a figure is missing; never overwrite.

    Covers what CBS did not give us: social rental stock, yearly mutations and planned
    social new build. Each value is marked illustrative. Returns the number created.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    created = 0
    with transaction.atomic():
        dwellings = {
            f.municipality_id: f.value
            for f in MunicipalFigure.objects.filter(indicator__code="dwellings", year=year)
        }
        for municipality in Municipality.objects.all():
            stock = dwellings.get(municipality.pk)
            if stock is None:
                continue
            n = _code_number(municipality)
            share = ILLUSTRATIVE_SOCIAL_SHARE.get(municipality.cbs_code, Decimal("0.30"))
            social = (stock * share).quantize(Decimal(1))
            mutation_rate = Decimal("0.045") + Decimal(n % 5) * Decimal("0.004")
            values = {
                "social_rental": social,
                "mutations": (social * mutation_rate).quantize(Decimal(1)),
                "planned_social_new_build": (
                    stock * (Decimal("0.010") + Decimal(n % 4) * Decimal("0.003"))
                ).quantize(Decimal(1)),
            }
            for code, value in values.items():
                _, was_created = MunicipalFigure.objects.get_or_create(
                    municipality=municipality,
                    indicator=indicators[code],
                    year=year,
                    defaults={
                        "value": value,
                        "source": ILLUSTRATIVE_SOURCE,
                        "reference_date": date(year, 1, 1),
                        "status": FigureStatus.CONFIRMED,
                        "illustrative": True,
                    },
                )
                created += was_created
    return created
