"""A policy officer signs in and moves through the foundation pages; axe checks each one."""

import re

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/gemeenten/",
    "/gemeenten/GM0392/",
    "/gemeenten/GM0392/cijfers/2025/bewerken/",
    "/deelregios/",
    "/deelregios/zuid-kennemerland/",
    "/doelgroepen/",
]


def test_login_page_is_accessible(page, app_url) -> None:
    page.goto(f"{app_url}/inloggen/")
    assert axe_violations(page) == []


def test_haarlem_officer_sees_haarlem_and_passes_axe_everywhere(page, app_url, login) -> None:
    login("beleid.haarlem")
    assert page.get_by_role("heading", level=1).inner_text() == "Welkom, Haarlem"
    for path in PAGES:
        response = page.goto(f"{app_url}{path}")
        assert response.status == 200, path
        assert axe_violations(page) == [], path
    page.goto(f"{app_url}/gemeenten/GM0392/")
    assert page.get_by_text("167.636").first.is_visible()


def test_haarlem_officer_is_refused_amsterdam_edit_page(page, app_url, login) -> None:
    login("beleid.haarlem")
    response = page.goto(f"{app_url}/gemeenten/GM0363/cijfers/2025/bewerken/")
    assert response.status == 403
    assert (
        page.get_by_role("heading", level=1).inner_text() == "U heeft geen toegang tot deze pagina"
    )


def test_officer_enters_a_figure_with_the_keyboard(page, app_url, login) -> None:
    login("beleid.haarlem")
    page.goto(f"{app_url}/gemeenten/GM0392/cijfers/2025/bewerken/")
    page.get_by_label("Inwoners", exact=True).fill("168.250")
    page.get_by_label("Bron van Inwoners").fill("BRP gemeente Haarlem")
    page.get_by_label("Peildatum van Inwoners").fill("2025-01-01")
    page.get_by_label("Peildatum van Inwoners").press("Enter")
    page.wait_for_url(re.compile(r"/gemeenten/GM0392/cijfers/2025/$"))
    assert page.get_by_role("status").inner_text() == "1 cijfer(s) opgeslagen als concept."
    assert page.get_by_text("168.250").first.is_visible()


def test_skip_link_is_the_first_tab_stop(page, app_url, login) -> None:
    login("beleid.haarlem")
    page.goto(f"{app_url}/gemeenten/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
