"""Add the indicators a care provider (zorgaanbieder) enters per municipality of its
sub-region (issue 15): beds in shelter (MO) and places in sheltered housing (BW) at the
location's municipality, and clients ready to move on (uitstroomklare cliënten) per
municipality of origin, from shelter and from sheltered housing. The municipality's officer
confirms them, as with a corporation's figures; a confirmed number of clients ready to move
on becomes the demand of the homeless group (from shelter) or the institution-leaver group
(from sheltered housing) in that municipality (docs/model.md, "Care providers' figures").

Like every indicator they are data: fixtures/reference.json holds the same rows (a test in
partners/tests/test_care.py compares them)."""

from django.db import migrations

INDICATORS = {
    "shelter_beds": {
        "name_nl": "Bedden maatschappelijke opvang",
        "name_en": "Beds in shelter (MO)",
        "description_nl": (
            "Aantal bedden in de maatschappelijke opvang (MO) op locaties in de gemeente op de "
            "peildatum. De zorgaanbieder vult dit in, de gemeente bevestigt het."
        ),
        "description_en": (
            "Beds in shelter (MO) at locations in the municipality on the reference date. "
            "Entered by the care provider, confirmed by the municipality."
        ),
        "unit": "bedden",
        "position": 12,
    },
    "sheltered_housing_places": {
        "name_nl": "Plaatsen beschermd wonen",
        "name_en": "Places in sheltered housing (BW)",
        "description_nl": (
            "Aantal plaatsen beschermd wonen (BW) op locaties in de gemeente op de peildatum. "
            "De zorgaanbieder vult dit in, de gemeente bevestigt het."
        ),
        "description_en": (
            "Places in sheltered housing (BW) at locations in the municipality on the reference "
            "date. Entered by the care provider, confirmed by the municipality."
        ),
        "unit": "plaatsen",
        "position": 13,
    },
    "clients_ready_shelter": {
        "name_nl": "Uitstroomklare cliënten maatschappelijke opvang (naar gemeente van herkomst)",
        "name_en": "Clients ready to move on from shelter (by municipality of origin)",
        "description_nl": (
            "Aantal cliënten in de maatschappelijke opvang (MO) dat klaar is om zelfstandig te "
            "wonen, geteld bij de gemeente waar zij vandaan komen, op de peildatum. De "
            "zorgaanbieder vult dit in, de gemeente bevestigt het. Het bevestigde aantal is de "
            "vraag van dak- en thuislozen in die gemeente (personen per jaar)."
        ),
        "description_en": (
            "Clients in shelter (MO) who are ready to live on their own, counted at the "
            "municipality they come from, on the reference date. Entered by the care provider, "
            "confirmed by the municipality. The confirmed number is the demand of the homeless "
            "group in that municipality (persons per year)."
        ),
        "unit": "personen",
        "position": 14,
    },
    "clients_ready_sheltered_housing": {
        "name_nl": "Uitstroomklare cliënten beschermd wonen (naar gemeente van herkomst)",
        "name_en": "Clients ready to move on from sheltered housing (by municipality of origin)",
        "description_nl": (
            "Aantal cliënten in het beschermd wonen (BW) dat klaar is om zelfstandig te wonen, "
            "geteld bij de gemeente waar zij vandaan komen, op de peildatum. De zorgaanbieder "
            "vult dit in, de gemeente bevestigt het. Het bevestigde aantal is de vraag van "
            "uitstromers uit een instelling in die gemeente (personen per jaar)."
        ),
        "description_en": (
            "Clients in sheltered housing (BW) who are ready to live on their own, counted at "
            "the municipality they come from, on the reference date. Entered by the care "
            "provider, confirmed by the municipality. The confirmed number is the demand of "
            "the institution-leaver group in that municipality (persons per year)."
        ),
        "unit": "personen",
        "position": 15,
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
        ("municipalities", "0003_add_maatwerk_indicators"),
    ]

    operations = [
        migrations.RunPython(add_indicators, remove_indicators),
    ]
