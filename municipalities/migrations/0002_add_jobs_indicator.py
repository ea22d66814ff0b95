"""Add the indicator `jobs` (employee jobs where people work), the default key for labour
migrants (DOMAIN.md 3), filled from CBS StatLine by `manage.py refresh_cbs` (docs/cbs.md)."""

from django.db import migrations

JOBS = {
    "name_nl": "Banen (werkgelegenheid)",
    "name_en": "Jobs",
    "description_nl": (
        "Aantal banen van werknemers met de werkplek in de gemeente, stand december (CBS). "
        "Zelfstandigen tellen niet mee."
    ),
    "description_en": (
        "Employee jobs located in the municipality, in December (CBS). Self-employed people "
        "are not counted."
    ),
    "unit": "banen",
    "required": False,
    "position": 7,
}


def add_jobs(apps, schema_editor):
    Indicator = apps.get_model("municipalities", "Indicator")
    Indicator.objects.get_or_create(code="jobs", defaults=JOBS)


def remove_jobs(apps, schema_editor):
    Indicator = apps.get_model("municipalities", "Indicator")
    # Only while no figure uses it (figures protect their indicator).
    Indicator.objects.filter(code="jobs", figures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_jobs, remove_jobs),
    ]
