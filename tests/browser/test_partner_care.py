"""A care provider in a real browser (issue 15): it enters places and clients ready to move
on (from shelter and from sheltered housing) for Haarlem, Haarlem's officer reads before
confirming that they become the demand of the homeless and institution-leaver groups,
confirms them on the municipality's own page and sees that demand, the care provider sees
them confirmed, and the programme team can also make them a key. axe on every new page.

The new interface texts may still be English until the Dutch catalogue is merged, so these
tests find elements by address, id and form action, not by their words."""

from __future__ import annotations

import re
from datetime import date

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def _axe_clean(page, what: str) -> None:
    assert axe_violations(page) == [], what


def _logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))


def test_care_provider_enters_the_officer_confirms_and_it_feeds_the_demand(
    page, app_url, login
) -> None:
    from django.contrib.auth import get_user_model

    from allocation import services as allocation_services
    from core.models import FigureStatus
    from figures.selectors import entry_year
    from municipalities.models import MunicipalFigure
    from partners.care_selectors import ready_to_move_confirmed
    from target_groups.models import GroupFigure

    year = entry_year()
    login("zorg.zuid-kennemerland")
    page.goto(f"{app_url}/zorgaanbieder/plaatsen/")
    _axe_clean(page, "care provider's overview")
    assert page.locator("#care-figures tbody tr").count() == 4  # Zuid-Kennemerland
    assert page.locator(f"a[href$='/zorgaanbieder/plaatsen/GM0363/{year}/']").count() == 0
    page.locator(f"a[href$='/zorgaanbieder/plaatsen/GM0392/{year}/']").click()
    page.wait_for_url(re.compile(rf"/zorgaanbieder/plaatsen/GM0392/{year}/$"))
    _axe_clean(page, "care provider's entry form")

    # A wrong number: the form says so and keeps the page accessible.
    page.locator("#id_shelter_beds").fill("veel")
    page.locator("#id_sheltered_housing_places").fill("85")
    page.locator("#id_clients_ready_shelter").fill("24")
    page.locator("#id_clients_ready_sheltered_housing").fill("14")
    page.locator("#id_source").fill("Cliëntregistratie Zorggroep Zuid-Kennemerland")
    page.locator("#id_reference_date").fill(f"{year}-01-01")
    page.get_by_role("button", name="Indienen ter bevestiging").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    _axe_clean(page, "care provider's entry form with an error")

    page.locator("#id_shelter_beds").fill("1.040")
    page.get_by_role("button", name="Indienen ter bevestiging").click()
    page.wait_for_url(re.compile(r"/zorgaanbieder/plaatsen/$"))
    _axe_clean(page, "care provider's overview after submitting")
    assert page.locator("#care-awaiting").is_visible()
    assert page.locator('#care-figures [data-status="submitted"]').count() == 1
    figure = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", indicator__code="clients_ready_shelter", year=year
    )
    assert (figure.status, figure.value) == (FigureStatus.SUBMITTED, 24)
    assert ready_to_move_confirmed(year=year) == {}  # not confirmed: feeds nothing yet
    assert not GroupFigure.objects.filter(municipality__cbs_code="GM0392", year=year).exists()
    _logout(page)

    login("beleid.haarlem")
    page.goto(f"{app_url}/gemeenten/GM0392/cijfers/{year}/")
    # Before confirming, the page says what the confirmation sets.
    assert page.locator("#confirm-feeds-homeless").is_visible()
    assert "24" in page.locator("#confirm-feeds-homeless").inner_text()
    assert page.locator("#confirm-feeds-institution-leavers").is_visible()
    _axe_clean(page, "officer's year page with care figures to confirm")
    page.get_by_role("button", name="Bevestig de ingediende cijfers").click()
    page.wait_for_load_state()
    assert "cijfer(s) bevestigd" in page.get_by_role("status").inner_text()
    figure.refresh_from_db()
    assert figure.status == FigureStatus.CONFIRMED
    assert figure.updated_by.username == "zorg.zuid-kennemerland"
    assert figure.confirmed_by.username == "beleid.haarlem"
    assert ready_to_move_confirmed(year=year) == {
        "clients_ready_shelter": {"GM0392": 24},
        "clients_ready_sheltered_housing": {"GM0392": 14},
    }
    # The demand of both groups shows on the year page, with the care provider as source.
    assert page.locator("#confirm-feeds-homeless").count() == 0
    groups = page.locator("section[aria-labelledby='groups-title'] tbody tr")
    for name, number in (("Dak- en thuislozen", "24"), ("Uitstromers uit een instelling", "14")):
        row = groups.filter(has=page.locator("th", has_text=name))
        assert row.locator("td").first.inner_text().strip() == number
        assert "Zorgaanbieder" in row.inner_text()
    _axe_clean(page, "officer's year page after confirming")
    _logout(page)

    login("zorg.zuid-kennemerland")
    page.goto(f"{app_url}/zorgaanbieder/plaatsen/")
    assert page.locator('#care-figures [data-status="confirmed"]').count() == 1
    assert page.locator("#care-awaiting").count() == 0
    assert page.locator("#care-summary tbody tr").first.locator("td").first.inner_text() == "24"
    assert page.locator("#care-feeds").is_visible()
    _axe_clean(page, "care provider's overview after confirmation")
    _logout(page)

    # The programme team can also key the homeless and institution leavers to the clients
    # ready to move on of a round with this reference year (only confirmed figures are read).
    programme = get_user_model().objects.get(username="programma")
    round_ = allocation_services.round_create(
        name="Ronde uitstroomklare cliënten",
        period_start=date(year + 1, 1, 1),
        period_end=date(year + 1, 12, 31),
        reference_year=year,
        user=programme,
    )
    login("programma")
    page.goto(f"{app_url}/rondes/{round_.pk}/scenarios/nieuw/")
    for group in ("homeless", "institution_leavers"):
        for code in ("clients_ready_shelter", "clients_ready_sheltered_housing"):
            assert page.locator(f"#id_{group}-weight_{code}").count() == 1
