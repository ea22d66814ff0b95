"""A scenario run uses the corporation's figures once the officer confirmed them (issue 15)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from allocation.selectors import RunInputError, run_inputs_build
from allocation.tests.factories import RoundFactory, scenario_for
from figures import services as figure_services
from figures.entries import ChangeRequest, IndicatorInput
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def _haarlem_mutations(scenario) -> object:
    inputs = run_inputs_build(scenario=scenario).inputs_dict()
    haarlem = next(
        m for m in inputs["urgent"]["scenario"]["municipalities"] if m["code"] == "GM0392"
    )
    return haarlem["indicators"]["mutations"]


def test_run_uses_confirmed_corporation_figures_only(user_named) -> None:
    round_ = RoundFactory(reference_year=2024)
    scenario = scenario_for(round_, groups=("urgent",), weights={"mutations": Decimal(1)})
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    figure_services.partner_figures_submit(
        municipality=haarlem,
        year=2024,
        request=ChangeRequest(
            indicators=[
                IndicatorInput(
                    code="mutations",
                    value=Decimal(1250),
                    source="Jaarverslag 2024 Woonstichting Kennemerland",
                    reference_date=datetime.date(2024, 12, 31),
                )
            ]
        ),
        user=user_named("corporatie.kennemerland"),
    )
    # Submitted, not confirmed: the run refuses rather than use it.
    with pytest.raises(RunInputError, match="Haarlem"):
        run_inputs_build(scenario=scenario)
    figure_services.figures_confirm(
        municipality=haarlem, year=2024, user=user_named("beleid.haarlem")
    )
    # Confirmed by Haarlem's officer: the run's input holds the corporation's number.
    assert _haarlem_mutations(scenario) == 1250


# --- two municipalities, a real run and the provenance of its numbers (issue 15, point 2) ---

SOURCE = "Jaarverslag 2024 Woonstichting Kennemerland"
CORPORATION_NAME = "Ingrid Visser (Woonstichting Kennemerland)"
ORGANISATION = "Woonstichting Kennemerland (demo)"
# Social rental stock and yearly mutations the corporation reports, per municipality.
ENTERED = {"GM0392": (26100, 1250), "GM0473": (1900, 95)}


def _corporation_submits(code: str, user, values: tuple[int, int] | None = None) -> None:
    stock, mutations = values or ENTERED[code]
    figure_services.partner_figures_submit(
        municipality=Municipality.objects.get(cbs_code=code),
        year=2024,
        request=ChangeRequest(
            indicators=[
                IndicatorInput(
                    code=indicator,
                    value=Decimal(value),
                    source=SOURCE,
                    reference_date=datetime.date(2024, 12, 31),
                )
                for indicator, value in (("social_rental", stock), ("mutations", mutations))
            ]
        ),
        user=user,
    )


@pytest.fixture
def provenance_run(user_named):
    """The corporation enters stock and mutations for Haarlem and Zandvoort, each
    municipality's officer confirms, and a run of a key of stock and mutations computes."""
    from allocation import services as allocation_services
    from allocation.models import ScenarioRun
    from monitoring.tests.helpers import officer_of

    round_ = RoundFactory(reference_year=2024)
    scenario = scenario_for(
        round_,
        groups=("urgent",),
        weights={"social_rental": Decimal("0.5"), "mutations": Decimal("0.5")},
    )
    corporation = user_named("corporatie.kennemerland")
    for code in ENTERED:
        _corporation_submits(code, corporation)
    zandvoort_officer = officer_of("GM0473")
    zandvoort_officer.first_name, zandvoort_officer.last_name = "Kees", "Zeeman"
    zandvoort_officer.save()
    for code, officer in (("GM0392", user_named("beleid.haarlem")), ("GM0473", zandvoort_officer)):
        figure_services.figures_confirm(
            municipality=Municipality.objects.get(cbs_code=code), year=2024, user=officer
        )
    queued = ScenarioRun.objects.create(scenario=scenario, celery_task_id="test")
    run = allocation_services.run_execute(run_id=queued.pk)
    assert run is not None
    assert run.status == "succeeded", run.error_message
    return run


def _row(run, code: str) -> dict:
    return next(m for m in run.inputs["urgent"]["scenario"]["municipalities"] if m["code"] == code)


def test_a_run_uses_the_confirmed_values_of_both_municipalities(provenance_run) -> None:
    for code, (stock, mutations) in ENTERED.items():
        indicators = _row(provenance_run, code)["indicators"]
        assert (indicators["social_rental"], indicators["mutations"]) == (stock, mutations)


def test_the_run_records_source_who_and_when_of_each_figure(provenance_run) -> None:
    from municipalities.models import MunicipalFigure

    stored = provenance_run.input_provenance
    assert stored["year"] == 2024
    for code, officer in (("GM0392", "Fatima el Amrani"), ("GM0473", "Kees Zeeman")):
        for indicator, value in zip(("social_rental", "mutations"), ENTERED[code], strict=True):
            entry = stored["indicators"][code][indicator]
            figure = MunicipalFigure.objects.get(
                municipality__cbs_code=code, indicator__code=indicator, year=2024
            )
            submitted = figure.history.filter(status="submitted").latest("history_date")
            assert entry == {
                "value": value,
                "source": SOURCE,
                "reference_date": "2024-12-31",
                "illustrative": False,
                "entered_by": CORPORATION_NAME,
                "organisation": ORGANISATION,
                "submitted_at": submitted.history_date.isoformat(),
                "confirmed_by": officer,
                "confirmed_at": figure.confirmed_at.isoformat(),
            }
    # A figure from CBS names its source and reference date, and no person.
    population = stored["indicators"]["GM0392"]["population"]
    assert population["source"].startswith("CBS StatLine")
    assert population["reference_date"] == "2024-01-01"
    assert population["entered_by"] is population["confirmed_by"] is None
    assert population["submitted_at"] is population["confirmed_at"] is None


def test_the_provenance_is_not_part_of_the_digest(provenance_run) -> None:
    import json

    from allocation.digest import run_digest

    assert provenance_run.digest == run_digest(
        inputs=provenance_run.inputs,
        settings=provenance_run.scenario_settings,
        results=provenance_run.results,
    )
    assert CORPORATION_NAME not in json.dumps(provenance_run.inputs)
    assert SOURCE not in json.dumps(provenance_run.inputs)


def test_the_explanation_shows_source_who_and_when(provenance_run, client_for, user_named) -> None:
    from django.urls import reverse
    from django.utils import formats, timezone, translation

    url = reverse("allocation:run_group", args=[provenance_run.pk, "urgent"])
    page = client_for("programma").get(url).content.decode()
    entry = provenance_run.input_provenance["indicators"]["GM0392"]["mutations"]
    confirmed = datetime.datetime.fromisoformat(entry["confirmed_at"])
    with translation.override("nl"):
        when = formats.date_format(timezone.localtime(confirmed), "j F Y")
    for text in (SOURCE, CORPORATION_NAME, ORGANISATION, "Fatima el Amrani", "Kees Zeeman", when):
        assert text in page, text
    assert "31 december 2024" in page  # the reference date, in Dutch

    # The explanation shows the figures as they were at the time of the run: a new
    # submission and a renamed officer change nothing in it.
    officer = user_named("beleid.haarlem")
    officer.first_name = "Renamed"
    officer.save()
    _corporation_submits("GM0392", user_named("corporatie.kennemerland"), (26500, 1300))
    again = client_for("programma").get(url).content.decode()
    assert "Fatima el Amrani" in again
    assert "Renamed" not in again
