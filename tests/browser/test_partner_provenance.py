"""Issue 15, acceptance point 2, in a real browser: a housing corporation enters social rental
stock and mutations for two municipalities of its working area (Haarlem and Zandvoort), the
officer of each municipality confirms, the programme team computes a scenario whose key uses
those indicators, and the explanation of a number shows each figure's source, who entered
and who confirmed it, and when; axe is clean on that page.

New interface texts may still be English until the Dutch catalogue is merged, so the test
finds elements by address, id and form, and checks the data (names, sources, dates)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from .conftest import DEMO_PASSWORD, axe_violations

pytestmark = pytest.mark.browser

SOURCE = "Jaarverslag 2024 Woonstichting Kennemerland"
# Social rental stock and yearly mutations, as typed in the form (Dutch thousands separator).
ENTERED = {"GM0392": ("26.100", "1.250"), "GM0473": ("1.900", "95")}


def _axe_clean(page, what: str) -> None:
    assert axe_violations(page) == [], what


def _logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))


@pytest.fixture
def setting(app_url):
    """A round for reference year 2024 (so the corporation enters 2024), a scenario whose key
    for the urgent cases is half social rental stock and half mutations, and an officer for
    Zandvoort (the demo has officers for Haarlem and Amsterdam only)."""
    from allocation.tests.factories import RoundFactory, scenario_for
    from monitoring.tests.helpers import officer_of

    round_ = RoundFactory(name="Afspraken 2026–2027", reference_year=2024)
    scenario = scenario_for(
        round_,
        name="Corporatiebezit",
        groups=("urgent",),
        weights={"social_rental": Decimal("0.5"), "mutations": Decimal("0.5")},
    )
    officer = officer_of("GM0473")
    officer.first_name, officer.last_name = "Kees", "Zeeman"
    officer.set_password(DEMO_PASSWORD)
    officer.save()
    return scenario


def test_confirmed_corporation_figures_feed_a_run_and_show_their_provenance(
    page, app_url, login, setting
) -> None:
    from allocation.models import RunStatus, ScenarioRun
    from core.models import FigureStatus
    from municipalities.models import MunicipalFigure

    # The corporation enters and submits stock and mutations for both municipalities.
    login("corporatie.kennemerland")
    for code, (stock, mutations) in ENTERED.items():
        page.goto(f"{app_url}/corporatie/cijfers/")
        page.locator(f"a[href$='/corporatie/cijfers/{code}/2024/']").click()
        page.wait_for_url(re.compile(rf"/{code}/2024/$"))
        page.locator("#id_social_rental").fill(stock)
        page.locator("#id_mutations").fill(mutations)
        page.locator("#id_source").fill(SOURCE)
        page.locator("#id_reference_date").fill("2024-12-31")
        page.get_by_role("button", name="Indienen ter bevestiging").click()
        page.wait_for_url(re.compile(r"/corporatie/cijfers/$"))
    submitted = MunicipalFigure.objects.filter(
        municipality__cbs_code__in=ENTERED, year=2024, status=FigureStatus.SUBMITTED
    )
    assert submitted.count() == 4
    _logout(page)

    # The officer of each municipality confirms its figures.
    for username, code in (("beleid.haarlem", "GM0392"), ("officer.gm0473", "GM0473")):
        login(username)
        page.goto(f"{app_url}/gemeenten/{code}/cijfers/2024/")
        page.get_by_role("button", name="Bevestig de ingediende cijfers").click()
        page.wait_for_load_state()
        assert "cijfer(s) bevestigd" in page.get_by_role("status").inner_text()
        _logout(page)
    assert not submitted.exists()

    # The programme team computes the scenario.
    login("programma")
    page.goto(f"{app_url}/scenarios/{setting.pk}/")
    page.get_by_role("button", name="Bereken dit scenario").click()
    page.wait_for_url(re.compile(r"/berekeningen/\d+/$"))
    run = ScenarioRun.objects.get(scenario=setting)
    assert run.status == RunStatus.SUCCEEDED
    rows = {m["code"]: m for m in run.inputs["urgent"]["scenario"]["municipalities"]}
    assert rows["GM0392"]["indicators"]["social_rental"] == 26100
    assert rows["GM0392"]["indicators"]["mutations"] == 1250
    assert rows["GM0473"]["indicators"]["social_rental"] == 1900
    assert rows["GM0473"]["indicators"]["mutations"] == 95

    # The explanation of Haarlem's number: where its figures come from.
    page.goto(f"{app_url}/berekeningen/{run.pk}/urgent/")
    explanation = page.locator("#uitleg-GM0392")
    explanation.locator("summary").click()
    sources = explanation.get_by_role("region").filter(has=page.locator("table.figure-sources"))
    assert sources.is_visible()
    mutations = sources.locator("tr").filter(has_text="1.250")
    assert mutations.count() == 1
    text = mutations.inner_text()
    for shown in (
        SOURCE,
        "31 december 2024",  # the reference date, in Dutch
        "Ingrid Visser (Woonstichting Kennemerland)",  # who entered and submitted
        "Woonstichting Kennemerland (demo)",  # for which organisation
        "Fatima el Amrani",  # who confirmed
    ):
        assert shown in text, (shown, text)
    assert re.search(r"\b\d{1,2} [a-z]+ 20\d\d\b", text.split("Fatima el Amrani", 1)[1]), text
    # Population comes from CBS: its source and reference date, no person.
    population = sources.locator("tr").filter(has_text="CBS StatLine")
    assert "1 januari 2024" in population.first.inner_text()
    assert "Fatima" not in population.first.inner_text()
    _axe_clean(page, "explanation of a number with the provenance of its figures")

    # Zandvoort's number names Zandvoort's officer.
    zandvoort = page.locator("#uitleg-GM0473")
    zandvoort.locator("summary").click()
    assert zandvoort.locator("table.figure-sources").get_by_text("Kees Zeeman").first.is_visible()
