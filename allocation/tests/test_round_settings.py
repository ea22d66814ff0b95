"""The round's time base and fall-back settings: half-years with national figures, the
fall-back percentage and the groups that count as statutory urgents (issue 10)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from allocation import selectors, services
from allocation.models import Round, RoundStatus

from .factories import scenario_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_round(user_named) -> Round:
    return services.round_create(
        name="Afspraken 2028–2029",
        period_start=datetime.date(2028, 1, 1),
        period_end=datetime.date(2029, 12, 31),
        reference_year=2024,
        user=user_named("programma"),
    )


def test_a_new_round_gets_its_half_years_and_fall_back_defaults(new_round) -> None:
    half_years = selectors.round_half_years(new_round)
    assert [h.label for h in half_years] == ["2028-H1", "2028-H2", "2029-H1", "2029-H2"]
    assert all(h.national_total is None and h.estimate for h in half_years)
    assert all(h.national_population == services.DEFAULT_NATIONAL_POPULATION for h in half_years)
    assert new_round.fallback_pct == Decimal(15)
    assert [g.code for g in selectors.round_fallback_groups(new_round)] == [
        "homeless",
        "urgent",
        "institution_leavers",
    ]
    assert selectors.round_years(new_round) == (2028, 2029)


def test_a_period_of_part_of_a_year_counts_only_whole_half_years(user_named) -> None:
    round_ = services.round_create(
        name="Kort",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 12, 31),
        reference_year=2024,
        user=None,
    )
    assert [h.label for h in selectors.round_half_years(round_)] == ["2026-H2"]


def test_a_new_version_copies_the_settings_of_the_round(new_round) -> None:
    services.round_settings_update(
        round_=new_round,
        fallback_pct=Decimal(20),
        statutory_urgent_groups=["urgent"],
        half_years=[services.HalfYearInput("2028-H1", 11000, 18_000_000, estimate=False)],
        user=None,
    )
    copy = services.round_create(
        name="Afspraken 2028–2029 · versie 2",
        period_start=new_round.period_start,
        period_end=new_round.period_end,
        reference_year=new_round.reference_year,
        user=None,
        settings_from=new_round,
    )
    first = selectors.round_half_years(copy)[0]
    assert (first.national_total, first.national_population, first.estimate) == (
        11000,
        18_000_000,
        False,
    )
    assert copy.fallback_pct == Decimal(20)
    assert [g.code for g in selectors.round_fallback_groups(copy)] == ["urgent"]


def test_the_settings_update_mirrors_the_percentage_and_keeps_history(
    new_round, user_named
) -> None:
    scenario = scenario_for(new_round, groups=("urgent",))
    user = user_named("programma")
    services.round_settings_update(
        round_=new_round,
        fallback_pct=Decimal("12.5"),
        statutory_urgent_groups=["urgent", "homeless"],
        half_years=[services.HalfYearInput("2028-H2", 12500, 18_000_000, estimate=True)],
        user=user,
    )
    scenario.refresh_from_db()
    assert scenario.urgent_fallback_pct == Decimal("12.5")
    half_year = new_round.half_years.get(label="2028-H2")
    assert half_year.national_total == 12500
    assert half_year.history.latest().history_user == user
    assert new_round.history.latest().history_user == user


def test_bad_settings_are_refused_with_dutch_messages(new_round) -> None:
    with pytest.raises(ValidationError) as info:
        services.round_settings_update(
            round_=new_round,
            fallback_pct=Decimal(0),
            statutory_urgent_groups=["nobody"],
            half_years=[services.HalfYearInput("2031-H1", 1, 1, estimate=True)],
            user=None,
        )
    errors = info.value.message_dict
    assert errors["fallback_pct"] == ["Vul een percentage in boven 0 en hoogstens 100."]
    assert "statutory_urgent_groups" in errors
    assert "halfyear.2031-H1" in errors


def test_an_agreed_round_keeps_its_settings(new_round) -> None:
    Round.objects.filter(pk=new_round.pk).update(status=RoundStatus.AGREED)
    with pytest.raises(ValidationError):
        services.round_settings_update(
            round_=new_round,
            fallback_pct=Decimal(20),
            statutory_urgent_groups=[],
            half_years=[],
            user=None,
        )


def test_changing_the_half_years_marks_earlier_runs_as_changed(new_round) -> None:
    from allocation.models import ScenarioRun

    scenario = scenario_for(new_round, groups=("urgent",))
    run = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="r").pk
    )
    assert not selectors.run_settings_changed(run)
    services.round_settings_update(
        round_=new_round,
        fallback_pct=Decimal(15),
        statutory_urgent_groups=["homeless", "urgent", "institution_leavers"],
        half_years=[services.HalfYearInput("2028-H1", 9000, 18_000_000, estimate=True)],
        user=None,
    )
    assert selectors.run_settings_changed(run)


def test_a_statutory_run_without_national_totals_fails_with_a_dutch_message(new_round) -> None:
    from allocation.models import ScenarioRun

    scenario = scenario_for(new_round, groups=("status_holders",), mode="statutory", weights={})
    run = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="s").pk
    )
    assert run.status == "failed"
    assert "2028-H1, 2028-H2, 2029-H1, 2029-H2" in run.error_message
    assert "rondepagina" in run.error_message


# --- the form on the round page ---------------------------------------------------------------


def test_the_programme_team_sees_and_saves_the_settings_form(client_for, new_round) -> None:
    c = client_for("programma")
    page = c.get(new_round.get_absolute_url()).content.decode()
    assert 'name="2028-H1-national_total"' in page
    assert "Terugvalregel" in page
    data = {
        "fallback_pct": "15",
        "statutory_urgent_groups": ["homeless", "urgent"],
    }
    for label in ("2028-H1", "2028-H2", "2029-H1", "2029-H2"):
        data[f"{label}-national_total"] = "13.000"
        data[f"{label}-national_population"] = "18.044.027"
        data[f"{label}-estimate"] = "on"
    response = c.post(reverse("allocation:round_settings", args=[new_round.pk]), data)
    assert response.status_code == 302
    assert [h.national_total for h in new_round.half_years.all()] == [13000] * 4
    assert [g.code for g in selectors.round_fallback_groups(new_round)] == ["homeless", "urgent"]
    body = c.get(new_round.get_absolute_url()).content.decode()
    assert "13.000" in body
    assert "schatting" in body


def test_a_bad_value_in_the_settings_form_is_shown_in_dutch(client_for, new_round) -> None:
    c = client_for("programma")
    response = c.post(
        reverse("allocation:round_settings", args=[new_round.pk]),
        {"fallback_pct": "150", "2028-H1-national_population": "", "2028-H1-national_total": "x"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Het getal mag hoogstens 100 zijn." in body
    assert "Vul een heel getal in" in body


@pytest.mark.parametrize("username", ["voorzitter", "beleid.haarlem", "stuurgroep.amsterdam"])
def test_only_the_programme_team_changes_the_settings(client_for, new_round, username) -> None:
    c = client_for(username)
    assert 'name="fallback_pct"' not in c.get(new_round.get_absolute_url()).content.decode()
    response = c.post(reverse("allocation:round_settings", args=[new_round.pk]), {})
    assert response.status_code == 403
