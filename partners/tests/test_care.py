"""A care provider enters places and clients ready to move on; the municipality's officer
confirms; confirmed clients ready to move on become the demand of the homeless group (from
shelter) and the institution-leaver group (from sheltered housing), and can be a key
(issue 15)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from allocation import selectors as allocation_selectors
from allocation import services as allocation_services
from allocation.models import RunStatus
from core.models import FigureStatus
from figures import selectors as figure_selectors
from figures import services as figure_services
from municipalities.models import Indicator, MunicipalFigure, Municipality
from partners import care_selectors, care_services
from partners.care_services import (
    CARE_INDICATORS,
    CLIENTS_READY_SHELTER,
    CLIENTS_READY_SHELTERED_HOUSING,
    CareFigures,
)
from target_groups.models import GroupFigure, TargetGroup

pytestmark = pytest.mark.django_db

ZUID_KENNEMERLAND = ("GM0377", "GM0392", "GM0397", "GM0473")  # Bloemendaal, Haarlem, ...
SOURCE = "Cliëntregistratie Zorggroep Zuid-Kennemerland"


def _post(
    client,
    code: str,
    year: int,
    beds="40",
    places="25",
    clients="12",
    housing_clients="5",
    explanation="",
):
    return client.post(
        reverse("partners:care_figures", args=[code, year]),
        {
            "shelter_beds": beds,
            "sheltered_housing_places": places,
            "clients_ready_shelter": clients,
            "clients_ready_sheltered_housing": housing_clients,
            "source": SOURCE,
            "reference_date": "2026-01-01",
            "explanation": explanation,
        },
    )


def _figure(code: str, indicator: str, year: int) -> MunicipalFigure:
    return MunicipalFigure.objects.select_related("updated_by", "submitted_by").get(
        municipality__cbs_code=code, indicator__code=indicator, year=year
    )


def test_the_migration_made_the_indicators_with_units() -> None:
    units = dict(Indicator.objects.filter(code__in=CARE_INDICATORS).values_list("code", "unit"))
    assert units == {
        "shelter_beds": "bedden",
        "sheltered_housing_places": "plaatsen",
        "clients_ready_shelter": "personen",
        "clients_ready_sheltered_housing": "personen",
    }


def test_the_reference_data_holds_the_migrations_texts() -> None:
    import importlib

    migration = importlib.import_module(
        "municipalities.migrations.0004_add_care_provider_indicators"
    )
    assert set(migration.INDICATORS) == set(CARE_INDICATORS)
    for code, fields in migration.INDICATORS.items():
        indicator = Indicator.objects.get(code=code)  # loaded from fixtures/reference.json
        for name in ("name_nl", "name_en", "unit", "description_nl", "position"):
            assert getattr(indicator, name) == fields[name], (code, name)


def test_care_provider_submits_and_the_officer_confirms(client_for, user_named) -> None:
    year = figure_selectors.entry_year()
    care = client_for("zorg.zuid-kennemerland")
    home = care.get(reverse("partners:care_home"))
    assert home.status_code == 200
    for name in ("Bloemendaal", "Haarlem", "Heemstede", "Zandvoort"):
        assert name in home.content.decode()
    assert reverse("partners:care_figures", args=["GM0363", year]) not in home.content.decode()

    response = _post(
        care, "GM0392", year, beds="1.040", places="85", clients="63", housing_clients="21"
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"] == reverse("partners:care_home")
    for indicator, value in [
        ("shelter_beds", 1040),
        ("sheltered_housing_places", 85),
        ("clients_ready_shelter", 63),
        ("clients_ready_sheltered_housing", 21),
    ]:
        figure = _figure("GM0392", indicator, year)
        assert figure.value == value
        assert figure.status == FigureStatus.SUBMITTED
        assert figure.submitted_by == user_named("zorg.zuid-kennemerland")
        assert figure.updated_by == user_named("zorg.zuid-kennemerland")
        assert figure.source == SOURCE
        assert figure.reference_date == datetime.date(2026, 1, 1)

    overview = care_selectors.care_overview(
        municipality_ids=Municipality.objects.filter(cbs_code__in=ZUID_KENNEMERLAND).values_list(
            "pk", flat=True
        ),
        year=year,
    )
    assert (overview.shelter_ready_confirmed, overview.shelter_ready_awaiting) == (0, 63)
    assert (overview.housing_ready_confirmed, overview.housing_ready_awaiting) == (0, 21)
    # Submitted only: no demand is written.
    assert not GroupFigure.objects.filter(
        municipality__cbs_code="GM0392", year=year, source__startswith="Zorgaanbieder"
    ).exists()
    assert [m.cbs_code for m in overview.awaiting_municipalities] == ["GM0392"]
    page = care.get(reverse("partners:care_home")).content.decode()
    assert page.count('data-status="submitted"') == 1
    assert 'id="care-awaiting"' in page

    # The care provider cannot confirm its own figures; an officer of another municipality
    # cannot either; Haarlem's officer confirms on the municipality's own confirm page.
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    with pytest.raises(PermissionDenied):
        figure_services.figures_confirm(
            municipality=haarlem, year=year, user=user_named("zorg.zuid-kennemerland")
        )
    with pytest.raises(PermissionDenied):
        figure_services.figures_confirm(
            municipality=haarlem, year=year, user=user_named("beleid.amsterdam")
        )
    officer = client_for("beleid.haarlem")
    year_page = officer.get(reverse("figures:year", args=["GM0392", year])).content.decode()
    assert "Uitstroomklare cliënten" in year_page
    assert reverse("figures:confirm", args=["GM0392", year]) in year_page
    # Before confirming, the page says which demand the confirmation sets.
    assert 'id="confirm-feeds-homeless"' in year_page
    assert 'id="confirm-feeds-institution-leavers"' in year_page
    assert officer.post(reverse("figures:confirm", args=["GM0392", year])).status_code == 302
    for indicator in CARE_INDICATORS:
        figure = _figure("GM0392", indicator, year)
        assert figure.status == FigureStatus.CONFIRMED
        assert figure.confirmed_by == user_named("beleid.haarlem")
        # Provenance: who entered (the care provider's person) stays in the history.
        assert figure.history.filter(history_user__username="zorg.zuid-kennemerland").exists()

    overview = care_selectors.care_overview(municipality_ids=[haarlem.pk], year=year)
    assert (overview.shelter_ready_confirmed, overview.shelter_ready_awaiting) == (63, 0)
    assert (overview.housing_ready_confirmed, overview.housing_ready_awaiting) == (21, 0)
    assert (overview.beds_confirmed, overview.places_confirmed) == (1040, 85)
    assert care_selectors.ready_to_move_confirmed(year=year) == {
        CLIENTS_READY_SHELTER: {"GM0392": 63},
        CLIENTS_READY_SHELTERED_HOUSING: {"GM0392": 21},
    }
    # The confirmed clients are the groups' confirmed demand, with their provenance.
    for group, number, origin in [
        ("homeless", 63, "uit de maatschappelijke opvang"),
        ("institution_leavers", 21, "uit het beschermd wonen"),
    ]:
        demand = GroupFigure.objects.get(municipality=haarlem, group__code=group, year=year)
        assert demand.demand == number
        assert demand.status == FigureStatus.CONFIRMED
        assert demand.confirmed_by == user_named("beleid.haarlem")
        assert demand.submitted_by == user_named("zorg.zuid-kennemerland")
        organisation = user_named("zorg.zuid-kennemerland").membership.organisation
        assert demand.source.startswith(f"Zorgaanbieder {organisation.name}: ")
        assert f"uitstroomklare cliënten {origin}" in demand.source
        assert "bevestigd door" in demand.source
        assert demand.reference_date == datetime.date(2026, 1, 1)
        entry = demand.history.first()
        assert entry.history_user == user_named("beleid.haarlem")
        assert entry.history_change_reason == "confirm:zorgaanbieder"
    page = care.get(reverse("partners:care_home")).content.decode()
    assert page.count('data-status="confirmed"') == 1
    assert 'id="care-awaiting"' not in page

    # The form starts from the figures there are.
    form_page = care.get(reverse("partners:care_figures", args=["GM0392", year])).content.decode()
    assert 'value="1040"' in form_page
    assert 'id="care-current"' in form_page


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("zorg.zuid-kennemerland", "GM0392", 200),  # Haarlem
        ("zorg.zuid-kennemerland", "GM0473", 200),  # Zandvoort: same sub-region
        ("zorg.zuid-kennemerland", "GM0363", 403),  # Amsterdam
        ("zorg.zuid-kennemerland", "GM0375", 403),  # Beverwijk (IJmond), the neighbours
        ("corporatie.kennemerland", "GM0392", 403),
        ("provincie.noord-holland", "GM0392", 403),
        ("beleid.haarlem", "GM0392", 403),
        ("coordinator.zuid-kennemerland", "GM0392", 403),
        ("stuurgroep.zuid-kennemerland", "GM0392", 403),
        ("voorzitter", "GM0392", 403),
        ("programma", "GM0392", 403),
        ("beheer", "GM0392", 403),
    ],
)
def test_who_may_enter_care_figures(client_for, username, code, status) -> None:
    year = figure_selectors.entry_year()
    c = client_for(username)
    assert c.get(reverse("partners:care_figures", args=[code, year])).status_code == status
    if status == 403:
        assert _post(c, code, year).status_code == 403
        assert not MunicipalFigure.objects.filter(
            municipality__cbs_code=code, year=year, indicator__code__in=CARE_INDICATORS
        ).exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("zorg.zuid-kennemerland", 200),
        ("corporatie.kennemerland", 403),
        ("provincie.noord-holland", 403),
        ("beleid.haarlem", 403),
        ("coordinator.zuid-kennemerland", 403),
        ("stuurgroep.zuid-kennemerland", 403),
        ("voorzitter", 403),
        ("programma", 403),
        ("beheer", 403),
    ],
)
def test_who_may_see_the_care_page(client_for, username, status) -> None:
    assert client_for(username).get(reverse("partners:care_home")).status_code == status


def test_anonymous_goes_to_the_login_page(client_for) -> None:
    year = figure_selectors.entry_year()
    for url in (
        reverse("partners:care_home"),
        reverse("partners:care_figures", args=["GM0392", year]),
    ):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert "/inloggen/" in response["Location"]


def test_unknown_municipality_or_year(client_for) -> None:
    care = client_for("zorg.zuid-kennemerland")
    assert care.get(reverse("partners:care_figures", args=["GM9999", 2026])).status_code == 404
    assert care.get(reverse("partners:care_figures", args=["GM0392", 1999])).status_code == 404


def test_the_service_refuses_outside_the_sub_region(user_named) -> None:
    figures = CareFigures(
        shelter_beds=Decimal(1),
        sheltered_housing_places=Decimal(1),
        clients_ready_shelter=Decimal(1),
        clients_ready_sheltered_housing=Decimal(1),
        source=SOURCE,
        reference_date=datetime.date(2026, 1, 1),
    )
    for username, code in [
        ("zorg.zuid-kennemerland", "GM0363"),
        ("beleid.haarlem", "GM0392"),
        ("corporatie.kennemerland", "GM0392"),
    ]:
        with pytest.raises(PermissionDenied):
            care_services.care_figures_submit(
                municipality=Municipality.objects.get(cbs_code=code),
                year=2026,
                figures=figures,
                user=user_named(username),
            )
    assert not MunicipalFigure.objects.filter(indicator__code__in=CARE_INDICATORS).exists()
    assert not GroupFigure.objects.filter(source__startswith="Zorgaanbieder").exists()


def test_bad_numbers_are_refused(client_for) -> None:
    year = figure_selectors.entry_year()
    care = client_for("zorg.zuid-kennemerland")
    for beds in ("-1", "2,5", "veel"):
        response = _post(care, "GM0392", year, beds=beds)
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    assert not MunicipalFigure.objects.filter(indicator__code__in=CARE_INDICATORS).exists()


def _confirmed_elsewhere(year: int, clients: dict[str, int]) -> None:
    """Confirmed care figures of the municipalities outside Zuid-Kennemerland (other care
    providers, confirmed by their municipalities), written directly."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CARE_INDICATORS)}
    for m in Municipality.objects.exclude(cbs_code__in=ZUID_KENNEMERLAND):
        for code in CARE_INDICATORS:
            MunicipalFigure.objects.create(
                municipality=m,
                indicator=indicators[code],
                year=year,
                value=clients.get(m.cbs_code, 0) if code in care_services.FEEDS else 10,
                source="Andere zorgaanbieder",
                reference_date=datetime.date(year, 1, 1),
                status=FigureStatus.CONFIRMED,
            )


def _submit_zuid_kennemerland(client_for, year: int, shelter: dict, housing: dict) -> None:
    care = client_for("zorg.zuid-kennemerland")
    for code in ZUID_KENNEMERLAND:
        response = _post(
            care,
            code,
            year,
            clients=str(shelter[code]),
            housing_clients=str(housing[code]),
            explanation="Klopt: de opvang van de deelregio staat in Haarlem.",
        )
        assert response.status_code == 302, response.content.decode()[-3000:]


def _confirm_zuid_kennemerland(user_named, year: int) -> None:
    for code in ZUID_KENNEMERLAND:
        officer = user_named("beleid.haarlem" if code == "GM0392" else "programma")
        figure_services.figures_confirm(
            municipality=Municipality.objects.get(cbs_code=code), year=year, user=officer
        )


def _only(group_code: str, **setting) -> list[allocation_services.GroupSettingInput]:
    return [
        allocation_services.GroupSettingInput(group_code=group, **setting)
        if group == group_code
        else allocation_services.GroupSettingInput(group_code=group, included=False)
        for group in TargetGroup.objects.filter(active=True).values_list("code", flat=True)
    ]


def test_confirmed_clients_are_the_demand_and_make_the_regional_task(
    client_for, user_named
) -> None:
    """Reference year 2024. Outside Zuid-Kennemerland every municipality has a confirmed
    demand of 10 homeless people a year (26 municipalities: 260). The care provider's
    clients from shelter in Zuid-Kennemerland are 3 + 50 + 7 + 4 = 64. Submitted, they
    change nothing: T = (260 + the four illustrative figures) x 2 years. Confirmed, they
    are the demand: T = (260 + 64) x 2 years = 648 persons for the period."""
    year = 2024
    homeless = GroupFigure.objects.filter(group__code="homeless", year=year)
    homeless.exclude(municipality__cbs_code__in=ZUID_KENNEMERLAND).update(demand=10)
    assert homeless.exclude(municipality__cbs_code__in=ZUID_KENNEMERLAND).count() == 26
    own = dict(
        homeless.filter(municipality__cbs_code__in=ZUID_KENNEMERLAND).values_list(
            "municipality__cbs_code", "demand"
        )
    )
    haarlem_before = homeless.get(municipality__cbs_code="GM0392")
    shelter = {"GM0377": 3, "GM0392": 50, "GM0397": 7, "GM0473": 4}
    housing = {"GM0377": 1, "GM0392": 12, "GM0397": 2, "GM0473": 0}
    _submit_zuid_kennemerland(client_for, year, shelter, housing)
    # Submitted only: the demand figures are as they were.
    assert (
        dict(
            homeless.filter(municipality__cbs_code__in=ZUID_KENNEMERLAND).values_list(
                "municipality__cbs_code", "demand"
            )
        )
        == own
    )

    programme = user_named("programma")
    round_ = allocation_services.round_create(
        name="Ronde met vraag uit de opvang",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        reference_year=year,
        user=programme,
    )
    scenario = allocation_services.scenario_create(
        round_=round_,
        name="Vraag uit de opvang",
        settings=_only("homeless", task_source="demand"),
        user=programme,
    )

    def task() -> int:
        (group,) = allocation_selectors.run_inputs_build(scenario=scenario).groups
        assert group.provenance["years"] == 2
        return int(group.provenance["total"])

    assert task() == (260 + sum(own.values())) * 2

    _confirm_zuid_kennemerland(user_named, year)
    for code in ZUID_KENNEMERLAND:
        for group, numbers in (("homeless", shelter), ("institution_leavers", housing)):
            figure = GroupFigure.objects.get(
                municipality__cbs_code=code, group__code=group, year=year
            )
            assert figure.demand == numbers[code], (code, group)
            assert figure.status == FigureStatus.CONFIRMED
            # The demo's existing effort stays, and so does its illustrative mark.
            assert figure.illustrative == (figure.existing_effort is not None)
            assert figure.source.startswith("Zorgaanbieder ")
    # The municipality's own (here illustrative) demand is replaced, and the history has it.
    haarlem = homeless.get(municipality__cbs_code="GM0392")
    assert haarlem.existing_effort == haarlem_before.existing_effort
    assert haarlem_before.source in haarlem.comment
    old = haarlem.history.filter(demand=haarlem_before.demand, source=haarlem_before.source)
    assert old.exists()
    confirmer = user_named("beleid.haarlem")
    assert f"bevestigd door {confirmer.get_full_name() or confirmer.username}" in haarlem.source

    assert task() == (260 + 64) * 2 == 648
    run = allocation_services.run_enqueue(scenario=scenario, user=programme)
    allocation_services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    allocations = run.results["groups"]["homeless"]["result"]["allocations"]
    assert sum(int(a["total_with_backlog"]) for a in allocations) == 648


def test_a_draft_of_the_group_refuses_the_confirmation(client_for, user_named) -> None:
    """The officers' unfinished figures of the group are not confirmed by the way: the
    confirmation is refused as a whole, nothing changes."""
    year = figure_selectors.entry_year()
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    draft = GroupFigure.objects.create(
        municipality=haarlem,
        group=TargetGroup.objects.get(code="homeless"),
        year=year,
        demand=99,
        existing_effort=5,
        source="Eigen registratie",
        reference_date=datetime.date(year, 1, 1),
        status=FigureStatus.DRAFT,
    )
    assert _post(client_for("zorg.zuid-kennemerland"), "GM0392", year).status_code == 302
    with pytest.raises(figure_services.WorkflowError):
        figure_services.figures_confirm(
            municipality=haarlem, year=year, user=user_named("beleid.haarlem")
        )
    draft.refresh_from_db()
    assert (draft.demand, draft.status) == (99, FigureStatus.DRAFT)
    assert set(
        MunicipalFigure.objects.filter(
            municipality=haarlem, year=year, indicator__code__in=CARE_INDICATORS
        ).values_list("status", flat=True)
    ) == {FigureStatus.SUBMITTED}
    assert not GroupFigure.objects.filter(
        municipality=haarlem, year=year, group__code="institution_leavers"
    ).exists()


def test_a_locked_year_feeds_nothing_until_it_is_unlocked(client_for, user_named) -> None:
    from allocation.models import Round, RoundStatus

    year = 2025
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    assert _post(client_for("zorg.zuid-kennemerland"), "GM0392", year).status_code == 302
    Round.objects.create(
        name="Rekenende ronde",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        reference_year=year,
        deadline=datetime.date(2026, 6, 1),
        status=RoundStatus.COMPUTING,
    )
    officer = user_named("beleid.haarlem")
    with pytest.raises(figure_services.WorkflowError):
        figure_services.figures_confirm(municipality=haarlem, year=year, user=officer)
    assert not GroupFigure.objects.filter(municipality=haarlem, year=year).exists()

    figure_services.figures_unlock(
        municipality=haarlem, year=year, user=user_named("programma"), reason="Nieuwe cijfers"
    )
    figure_services.figures_confirm(municipality=haarlem, year=year, user=officer)
    fed = dict(
        GroupFigure.objects.filter(municipality=haarlem, year=year).values_list(
            "group__code", "demand"
        )
    )
    assert fed == {"homeless": 12, "institution_leavers": 5}


def test_only_confirmed_clients_feed_the_key_of_homeless_and_institution_leavers(
    client_for, user_named
) -> None:
    """A round with reference year 2024 (the demo figures' year) and a scenario whose key
    for the homeless is the clients ready to move on from shelter by municipality of
    origin: submitted figures do not count (the computation says which municipality lacks a
    confirmed figure); once confirmed, they are the key."""
    year = 2024
    _confirmed_elsewhere(year, {"GM0363": 300})  # Amsterdam 300, the others 0
    shelter = {"GM0377": 0, "GM0392": 100, "GM0397": 0, "GM0473": 0}
    _submit_zuid_kennemerland(client_for, year, shelter, shelter)

    programme = user_named("programma")
    round_ = allocation_services.round_create(
        name="Ronde met uitstroomklare cliënten",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        reference_year=year,
        user=programme,
    )
    scenario = allocation_services.scenario_create(
        round_=round_,
        name="Naar herkomst",
        settings=_only(
            "homeless",
            task_source="entered",
            entered_total=80,
            weights={CLIENTS_READY_SHELTER: Decimal(1)},
        ),
        user=programme,
    )
    with pytest.raises(allocation_selectors.RunInputError) as missing:
        allocation_selectors.run_inputs_build(scenario=scenario)
    assert "Haarlem" in str(missing.value)

    _confirm_zuid_kennemerland(user_named, year)
    (group,) = allocation_selectors.run_inputs_build(scenario=scenario).groups
    by_code = {m["code"]: m for m in group.scenario["municipalities"]}
    assert Decimal(str(by_code["GM0392"]["indicators"][CLIENTS_READY_SHELTER])) == 100
    assert Decimal(str(by_code["GM0363"]["indicators"][CLIENTS_READY_SHELTER])) == 300

    run = allocation_services.run_enqueue(scenario=scenario, user=programme)
    allocation_services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    numbers = {
        a["code"]: int(a["total_with_backlog"])
        for a in run.results["groups"]["homeless"]["result"]["allocations"]
    }
    # 100 of the 400 clients come from Haarlem, 300 from Amsterdam: 20 and 60 of 80.
    assert numbers["GM0392"] == 20
    assert numbers["GM0363"] == 60
    assert sum(numbers.values()) == 80


def test_a_warning_needs_an_explanation(client_for) -> None:
    """A big change against last year is a warning of the figures' rules: the care provider
    says why the figures are right, and the officer reads that before confirming."""
    year = figure_selectors.entry_year()
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    for code in CARE_INDICATORS:
        MunicipalFigure.objects.create(
            municipality=haarlem,
            indicator=Indicator.objects.get(code=code),
            year=year - 1,
            value=10,
            source="Vorig jaar",
            reference_date=datetime.date(year - 1, 1, 1),
            status=FigureStatus.CONFIRMED,
        )
    care = client_for("zorg.zuid-kennemerland")
    response = _post(
        care, "GM0392", year, beds="100", places="100", clients="100", housing_clients="100"
    )
    assert response.status_code == 200
    assert response.context["warned"]
    assert response.context["issues"]
    assert not MunicipalFigure.objects.filter(municipality=haarlem, year=year).exists()

    explanation = "Een nieuwe opvanglocatie is dit jaar geopend."
    response = _post(
        care,
        "GM0392",
        year,
        beds="100",
        places="100",
        clients="100",
        housing_clients="100",
        explanation=explanation,
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    figure = _figure("GM0392", CLIENTS_READY_SHELTER, year)
    assert figure.status == FigureStatus.SUBMITTED
    assert explanation in figure.comment


def test_demo_care_figures_wait_for_confirmation() -> None:
    from home.demo import DEMO_CARE_FIGURES, care_figures_ensure

    year = figure_selectors.entry_year()
    confirmed_before = MunicipalFigure.objects.filter(status=FigureStatus.CONFIRMED).count()
    assert care_figures_ensure() == len(DEMO_CARE_FIGURES)
    assert care_figures_ensure() == 0  # idempotent
    figures = MunicipalFigure.objects.filter(indicator__code__in=CARE_INDICATORS)
    assert figures.count() == 4 * len(DEMO_CARE_FIGURES)
    assert set(figures.values_list("status", flat=True)) == {FigureStatus.SUBMITTED}
    assert set(figures.values_list("year", flat=True)) == {year}
    assert set(figures.values_list("updated_by__username", flat=True)) == {"zorg.zuid-kennemerland"}
    assert MunicipalFigure.objects.filter(status=FigureStatus.CONFIRMED).count() == (
        confirmed_before
    )
    assert care_selectors.ready_to_move_confirmed(year=year) == {}
    assert not GroupFigure.objects.filter(source__startswith="Zorgaanbieder").exists()


def test_the_care_providers_todo_asks_for_missing_figures_then_waits(user_named) -> None:
    from home.todo import todo_for

    care = user_named("zorg.zuid-kennemerland")
    year = figure_selectors.entry_year()

    def care_task() -> list:
        return [
            t
            for t in todo_for(care, care.membership).tasks
            if t.url == reverse("partners:care_home")
        ]

    [task] = care_task()
    assert str(year) in task.title
    assert task.detail == "Bloemendaal, Haarlem, Heemstede, Zandvoort"
    care_services.care_figures_submit(
        municipality=Municipality.objects.get(cbs_code="GM0392"),
        year=year,
        figures=CareFigures(
            shelter_beds=Decimal(40),
            sheltered_housing_places=Decimal(25),
            clients_ready_shelter=Decimal(6),
            clients_ready_sheltered_housing=Decimal(3),
            source=SOURCE,
            reference_date=datetime.date(year, 1, 1),
        ),
        user=care,
    )
    [task] = care_task()
    assert task.detail == "Bloemendaal, Heemstede, Zandvoort"
    assert any("Haarlem" in line for line in todo_for(care, care.membership).waiting)
