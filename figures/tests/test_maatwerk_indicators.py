"""The indicators of the maatwerk keys (issue 10) are figures like the others: in the
template, imported with source and reference date, validated, illustrative in the demo."""

from __future__ import annotations

from decimal import Decimal

import pytest

from figures import validation as v
from municipalities.models import Indicator, MunicipalFigure

from .test_import import csv_text, csv_with, upload

NEW = ("jobs", "shelter_places", "caravan_pitches", "student_units", "study_places")
LABELS = {"population": "Inwoners", "dwellings": "Woningvoorraad", "shelter_places": "Opvang"}


def issues(values: dict[str, Decimal]) -> list[str]:
    ctx = v.Context(year=2025, labels=LABELS)
    return sorted(i.code for i in v.check_set(values, ctx=ctx, for_submission=False))


@pytest.mark.parametrize("code", NEW)
def test_counts_of_jobs_places_and_units_are_whole_numbers(code) -> None:
    assert [i.code for i in v.check_value(code, Decimal("12.5"))] == ["V003"]
    assert v.check_value(code, Decimal(12)) == []


def test_jobs_far_above_the_population_are_a_warning() -> None:
    assert "V110" in issues({"population": Decimal(1000), "jobs": Decimal(3001)})
    assert "V110" not in issues({"population": Decimal(1000), "jobs": Decimal(3000)})


def test_existing_places_above_a_quarter_of_the_stock_are_a_warning() -> None:
    found = v.check_set(
        {"dwellings": Decimal(1000), "shelter_places": Decimal(251)},
        ctx=v.Context(year=2025, labels=LABELS),
        for_submission=False,
    )
    (issue,) = [i for i in found if i.code == "V111"]
    assert "Opvang (251) is meer dan een kwart van de woningvoorraad (1.000)" in issue.message
    assert "V111" not in issues({"dwellings": Decimal(1000), "shelter_places": Decimal(250)})


@pytest.mark.django_db
def test_the_demo_fills_them_plausibly_and_marks_them_illustrative() -> None:
    for code in NEW:
        figures = MunicipalFigure.objects.filter(indicator__code=code, year=2024)
        assert figures.count() == 30, code
        assert all(f.illustrative for f in figures), code
        assert all(f.value == f.value.to_integral_value() for f in figures), code
    jobs = dict(
        MunicipalFigure.objects.filter(indicator__code="jobs", year=2024).values_list(
            "municipality__cbs_code", "value"
        )
    )
    population = dict(
        MunicipalFigure.objects.filter(indicator__code="population", year=2024).values_list(
            "municipality__cbs_code", "value"
        )
    )
    assert all(0 < jobs[c] < 3 * population[c] for c in jobs)
    assert jobs["GM0394"] > population["GM0394"] * Decimal("0.8")  # Schiphol
    assert Indicator.objects.get(code="jobs").required is False


@pytest.mark.django_db
def test_they_are_in_the_template_and_can_be_imported(client_for) -> None:
    haarlem = client_for("beleid.haarlem")
    text = csv_text(haarlem)
    for code in NEW:
        assert f";{code};" in text
    changed = csv_with(
        haarlem,
        "shelter_places",
        Waarde="512",
        Bron="Opgave GGD Kennemerland",
        Peildatum="1-1-2024",
    )
    response = upload(haarlem, "haarlem.csv", changed.encode("utf-8"))
    assert response.status_code == 302
    preview = haarlem.get(response["Location"]).context["preview"]
    assert [(c.change.key, c.change.new_values["value"]) for c in preview.changes] == [
        ("shelter_places", Decimal(512))
    ]
