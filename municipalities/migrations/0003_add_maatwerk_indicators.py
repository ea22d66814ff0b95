"""Add the indicators the maatwerk keys need (DOMAIN.md 3, issue 10): existing shelter and
sheltered-housing places (credit for homeless people and institution leavers), existing
caravan pitches, student housing units and study places. Jobs came with 0002.

Like every indicator they are data: entered, imported, sourced, and illustrative in the demo
until replaced by the municipality's own figures."""

from django.db import migrations

INDICATORS = {
    "shelter_places": {
        "name_nl": "Bestaande plekken opvang en beschermd wonen",
        "name_en": "Existing shelter and sheltered housing places",
        "description_nl": (
            "Aantal plekken in de maatschappelijke opvang (MO) en beschermd wonen (BW) in de "
            "gemeente op de peildatum."
        ),
        "description_en": (
            "Places in shelter (MO) and sheltered housing (BW) in the municipality on the "
            "reference date."
        ),
        "unit": "plekken",
        "position": 8,
    },
    "caravan_pitches": {
        "name_nl": "Bestaande woonwagenstandplaatsen",
        "name_en": "Existing caravan pitches",
        "description_nl": "Aantal standplaatsen voor woonwagens in de gemeente op de peildatum.",
        "description_en": "Caravan pitches in the municipality on the reference date.",
        "unit": "standplaatsen",
        "position": 9,
    },
    "student_units": {
        "name_nl": "Studentenwoningen (eenheden)",
        "name_en": "Student housing units",
        "description_nl": (
            "Aantal studentenwoningen en studentenkamers (eenheden) in de gemeente op de peildatum."
        ),
        "description_en": "Student homes and rooms (units) in the municipality.",
        "unit": "eenheden",
        "position": 10,
    },
    "study_places": {
        "name_nl": "Studieplaatsen (hbo en wo)",
        "name_en": "Study places (higher education)",
        "description_nl": (
            "Aantal ingeschreven studenten in het hoger onderwijs (hbo en wo) bij instellingen "
            "in de gemeente (DUO)."
        ),
        "description_en": (
            "Students enrolled in higher education at institutions in the municipality (DUO)."
        ),
        "unit": "studenten",
        "position": 11,
    },
}


def add_indicators(apps, schema_editor):
    Indicator = apps.get_model("municipalities", "Indicator")
    for code, fields in INDICATORS.items():
        Indicator.objects.get_or_create(code=code, defaults={**fields, "required": False})


def remove_indicators(apps, schema_editor):
    Indicator = apps.get_model("municipalities", "Indicator")
    # Only while no figure uses them (figures protect their indicator).
    Indicator.objects.filter(code__in=list(INDICATORS), figures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0002_add_jobs_indicator"),
    ]

    operations = [
        migrations.RunPython(add_indicators, remove_indicators),
    ]
