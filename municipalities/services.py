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


# Illustrative rates per inhabitant for the indicators of the maatwerk keys (issue 10), shaped
# after what is known in outline (not facts): jobs concentrate in Amsterdam, Haarlemmermeer
# (Schiphol), Aalsmeer (flower auction) and Ouder-Amstel; shelter (MO) and sheltered housing
# (BW) places in the centre municipalities; student housing and study places in Amsterdam,
# Diemen, Amstelveen, Haarlem and Almere. Per 1,000 inhabitants unless named otherwise.
ILLUSTRATIVE_JOBS_PER_INHABITANT = {
    "GM0363": Decimal("0.78"),
    "GM0394": Decimal("0.95"),
    "GM0358": Decimal("0.80"),
    "GM0437": Decimal("1.20"),
    "GM0362": Decimal("0.62"),
    "GM0384": Decimal("0.60"),
    "GM0402": Decimal("0.60"),
    "GM0392": Decimal("0.50"),
    "GM0453": Decimal("0.55"),
    "GM0995": Decimal("0.50"),
}
ILLUSTRATIVE_SHELTER_PER_1000 = {
    "GM0363": Decimal("4.0"),
    "GM0392": Decimal("3.0"),
    "GM0402": Decimal("2.5"),
    "GM0034": Decimal("2.0"),
    "GM0479": Decimal("1.8"),
    "GM0453": Decimal("1.5"),
    "GM0995": Decimal("1.5"),
    "GM0439": Decimal("1.0"),
}
ILLUSTRATIVE_STUDENT_UNITS_PER_1000 = {
    "GM0363": Decimal("43"),
    "GM0384": Decimal("60"),
    "GM0362": Decimal("10"),
    "GM0392": Decimal("5"),
    "GM0034": Decimal("3"),
}
ILLUSTRATIVE_STUDY_PLACES_PER_1000 = {
    "GM0363": Decimal("125"),
    "GM0384": Decimal("90"),
    "GM0392": Decimal("35"),
    "GM0034": Decimal("18"),
    "GM0362": Decimal("5"),
}


def _code_number(municipality: Municipality) -> int:
    return int(municipality.cbs_code[2:])


def _maatwerk_values(municipality: Municipality, population: Decimal) -> dict[str, Decimal]:
    """Illustrative jobs, shelter places, caravan pitches, student units and study places."""
    code = municipality.cbs_code
    n = _code_number(municipality)
    variation = Decimal("0.9") + Decimal(n % 5) * Decimal("0.05")
    thousands = population / 1000
    jobs = population * ILLUSTRATIVE_JOBS_PER_INHABITANT.get(code, Decimal("0.42")) * variation
    shelter = thousands * ILLUSTRATIVE_SHELTER_PER_1000.get(code, Decimal("0.3")) * variation
    # Caravan pitches: about 0.3 per 1,000 inhabitants; some municipalities have none.
    pitches = Decimal(0) if n % 7 == 0 else thousands * Decimal("0.3") * variation
    units = thousands * ILLUSTRATIVE_STUDENT_UNITS_PER_1000.get(code, Decimal("0.5"))
    study = thousands * ILLUSTRATIVE_STUDY_PLACES_PER_1000.get(code, Decimal(0))
    return {
        "jobs": jobs.quantize(Decimal(1)),
        "shelter_places": shelter.quantize(Decimal(1)),
        "caravan_pitches": pitches.quantize(Decimal(1)),
        "student_units": units.quantize(Decimal(1)),
        "study_places": study.quantize(Decimal(1)),
    }


def illustrative_figures_ensure(*, year: int = 2024) -> int:
    """Add deterministic, plausible demo values where a figure is missing; never overwrite.

    Covers what CBS did not give us: social rental stock, yearly mutations, planned social
    new build, and the indicators of the maatwerk keys (jobs, existing shelter places,
    caravan pitches, student units, study places; an indicator that does not exist is
    skipped). Each value is marked illustrative. Returns the number created.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    created = 0
    with transaction.atomic():
        dwellings = {
            f.municipality_id: f.value
            for f in MunicipalFigure.objects.filter(indicator__code="dwellings", year=year)
        }
        population = {
            f.municipality_id: f.value
            for f in MunicipalFigure.objects.filter(indicator__code="population", year=year)
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
            inhabitants = population.get(municipality.pk)
            if inhabitants is not None:
                values.update(_maatwerk_values(municipality, inhabitants))
            for code, value in values.items():
                indicator = indicators.get(code)
                if indicator is None:
                    continue
                _, was_created = MunicipalFigure.objects.get_or_create(
                    municipality=municipality,
                    indicator=indicator,
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
