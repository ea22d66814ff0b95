"""Monitoring in a real browser: an officer enters a quarter, a colleague confirms (four
eyes), the dashboard shows the fulfilment; axe checks every monitoring page."""

from __future__ import annotations

import re

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def _axe_clean(page, what: str) -> None:
    assert axe_violations(page) == [], what


def _logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))


@pytest.fixture
def adopted(app_url):
    from monitoring.tests.factories import adopted_round

    return adopted_round()


def test_officer_enters_a_quarter_a_colleague_confirms_and_the_dashboard_shows_it(
    page, app_url, login, adopted
) -> None:
    quarter_url = f"{app_url}/monitoring/{adopted.pk}/GM0392/2026/kwartaal-1/"
    login("beleid.haarlem")
    page.get_by_role("link", name="Monitoring", exact=True).click()
    page.wait_for_url(re.compile(r"/monitoring/$"))
    _axe_clean(page, "list of adopted rounds")
    page.get_by_role("link", name=adopted.name).click()
    page.wait_for_url(re.compile(rf"/monitoring/{adopted.pk}/$"))
    _axe_clean(page, "dashboard, officer, nothing reported")
    page.get_by_role("link", name="Haarlem, kwartaal 1 van 2026").click()
    page.wait_for_url(quarter_url)
    _axe_clean(page, "quarter page, empty")

    # A wrong number: a clear message, nothing saved.
    page.get_by_label("Sociaal en medisch urgenten", exact=True).fill("-16")
    page.get_by_label("Bron", exact=True).fill("Eigen registratie Haarlem")
    page.get_by_label("Peildatum", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Opslaan als concept").click()
    page.get_by_text("Er is niets opgeslagen").wait_for()
    _axe_clean(page, "quarter page with errors")

    page.get_by_label("Sociaal en medisch urgenten", exact=True).fill("16")
    page.get_by_label("Dak- en thuislozen", exact=True).fill("4")
    page.get_by_label("Bron", exact=True).fill("Eigen registratie Haarlem")
    page.get_by_label("Peildatum", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Opslaan als concept").click()
    page.get_by_text("2 aantallen opgeslagen als concept").wait_for()
    page.get_by_role("button", name="Indienen ter bevestiging").click()
    page.get_by_text("2 aantallen ingediend").wait_for()
    assert page.get_by_role("button", name="Aantallen bevestigen").count() == 0
    _axe_clean(page, "quarter page, submitted")
    _logout(page)

    login("beleid2.haarlem")
    page.goto(quarter_url)
    page.get_by_role("button", name="Aantallen bevestigen").click()
    page.get_by_text("2 aantallen bevestigd").wait_for()
    _axe_clean(page, "quarter page, confirmed")

    page.goto(f"{app_url}/monitoring/{adopted.pk}/?groep=urgent")
    # Haarlem agreed 64 (its population share of 1,000), realised 16: 25,0%, on track.
    table = page.get_by_role("table", name=re.compile(r"^Gerealiseerd \(opgeteld\)"))
    row = table.get_by_role("row", name=re.compile(r"^Haarlem"))
    text = row.inner_text()
    assert "64" in text
    assert "16" in text
    assert "25,0%" in text
    assert "op schema" in text
    _axe_clean(page, "dashboard, officer, after confirming")
    page.get_by_role("link", name="Een bestand inlezen").click()
    page.wait_for_url(re.compile(r"/importeren/$"))
    _axe_clean(page, "import page")
    _logout(page)

    login("programma")
    page.goto(f"{app_url}/monitoring/{adopted.pk}/?groep=urgent")
    assert page.locator("figure svg").count() == 2  # the chart and the map
    assert "Totaal MRA" in page.get_by_role("table").first.inner_text()
    _axe_clean(page, "dashboard, programme team, with chart and map")
