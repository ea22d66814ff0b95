"""A corporation's lettings in a real browser (issue 15): the corporation enters a quarter,
Haarlem's officer sees who entered it and confirms, and monitoring counts it; axe checks
every new page."""

from __future__ import annotations

import re

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def _axe_clean(page, what: str) -> None:
    assert axe_violations(page) == [], what


@pytest.fixture
def adopted(app_url):
    from monitoring.tests.factories import adopted_round

    return adopted_round()


def test_corporation_enters_lettings_the_officer_confirms_and_monitoring_counts_them(
    page, app_url, login, adopted
) -> None:
    home_path = "/corporatie/verhuringen/"
    quarter_path = f"{home_path}{adopted.pk}/GM0392/2026/kwartaal-1/"
    login("corporatie.kennemerland")
    page.goto(f"{app_url}/corporatie/cijfers/")
    assert page.locator(f"nav a[href='{home_path}']").is_visible()  # in the menu too
    page.locator(f"main a[href='{home_path}']").click()
    page.wait_for_url(re.compile(rf"{home_path}$"))
    _axe_clean(page, "lettings home, nothing reported")
    page.locator(f"a[href='{quarter_path}']").click()
    page.wait_for_url(re.compile(rf"{quarter_path}$"))
    _axe_clean(page, "lettings quarter, empty")

    # A wrong number: nothing saved, the field says why.
    page.get_by_label("Sociaal en medisch urgenten", exact=True).fill("-5")
    page.get_by_label("Bron", exact=True).fill("Verhuursysteem Woonstichting Kennemerland")
    page.get_by_label("Peildatum", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Indienen ter bevestiging").click()
    page.locator(".alert--error").wait_for()
    _axe_clean(page, "lettings quarter with errors")

    page.get_by_label("Sociaal en medisch urgenten", exact=True).fill("5")
    page.get_by_label("Dak- en thuislozen", exact=True).fill("2")
    page.get_by_label("Bron", exact=True).fill("Verhuursysteem Woonstichting Kennemerland")
    page.get_by_label("Peildatum", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Indienen ter bevestiging").click()
    page.wait_for_url(re.compile(rf"{home_path}\?ronde={adopted.pk}$"))
    _axe_clean(page, "lettings home, one quarter submitted")
    page.goto(f"{app_url}{quarter_path}")
    assert "Verhuursysteem Woonstichting Kennemerland" in page.locator("main").inner_text()
    _axe_clean(page, "lettings quarter, submitted")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))

    # Haarlem's officer sees who entered the lettings and for which corporation, and confirms.
    login("beleid.haarlem")
    page.goto(f"{app_url}/monitoring/{adopted.pk}/GM0392/2026/kwartaal-1/")
    main = page.locator("main").inner_text()
    assert "Woonstichting Kennemerland (demo)" in main
    assert "Ingrid Visser" in main
    _axe_clean(page, "monitoring quarter with lettings")
    page.get_by_role("button", name="Aantallen bevestigen").click()
    page.get_by_text("2 aantallen bevestigd").wait_for()

    page.goto(f"{app_url}/monitoring/{adopted.pk}/?groep=urgent")
    table = page.get_by_role("table", name=re.compile(r"^Gerealiseerd \(opgeteld\)"))
    row = table.get_by_role("row", name=re.compile(r"^Haarlem"))
    assert re.search(r"\b5\b", row.inner_text()), row.inner_text()
