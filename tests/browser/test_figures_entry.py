"""Figures entry in a real browser: enter, acknowledge a warning, submit, confirm (four eyes),
read the audit trail, upload a file; axe checks every page of the figures workflow."""

from __future__ import annotations

import re
from datetime import date

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser

YEAR_PAGE = "/gemeenten/GM0392/cijfers/2025/"
GENERAL = {
    "Inwoners": "250.000",  # against 167.636 in 2024: more than 25% (warning V101)
    "Woningvoorraad": "80.100",
    "Sociale huurwoningen (corporatiebezit)": "29.500",
    "Mutaties sociale huur per jaar": "1.570",
}
DEMAND = {
    "Dak- en thuislozen": "245",
    "Statushouders (vergunninghouders)": "245",
    "Sociaal en medisch urgenten": "150",
    "Uitstromers uit een instelling": "95",
    "Arbeidsmigranten": "280",
    "Studenten": "280",
    "Woonwagenbewoners": "9",
}


def _axe_clean(page, what: str) -> None:
    assert axe_violations(page) == [], what


def _logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))


def test_officer_enters_acknowledges_submits_and_a_colleague_confirms(page, app_url, login) -> None:
    login("beleid.haarlem")
    page.get_by_role("link", name="Cijfers", exact=True).click()
    page.goto(f"{app_url}{YEAR_PAGE}")
    assert page.get_by_role("heading", level=1).inner_text() == "Cijfers 2025 van Haarlem"
    _axe_clean(page, "year page, empty")

    page.get_by_role("link", name="Cijfers invoeren of wijzigen").click()
    page.wait_for_url(re.compile(r"/bewerken/$"))
    _axe_clean(page, "edit form")
    page.get_by_label("Bron voor elk cijfer zonder eigen bron").fill("Eigen registratie Haarlem")
    page.get_by_label("Peildatum voor elk cijfer zonder eigen peildatum").fill("2025-01-01")
    for label, value in GENERAL.items():
        page.get_by_label(label, exact=True).fill(value)
    # The form checks while typing (htmx): the warning shows before saving.
    page.get_by_label("Inwoners", exact=True).dispatch_event("change")
    live = page.locator("#live-check")
    live.get_by_text("V101", exact=False).first.wait_for()
    assert "Gecontroleerd terwijl u typt" in live.inner_text()
    for group, value in DEMAND.items():
        page.get_by_label(f"{group} – vraag", exact=True).fill(value)
    page.get_by_role("button", name="Opslaan als concept").click()
    page.wait_for_load_state()

    # The big change comes back as a warning; nothing is saved until it is acknowledged.
    warnings = page.get_by_role("region", name="Controleer deze waarschuwingen")
    assert "V101" in warnings.inner_text()
    assert "Inwoners is 49,1% veranderd ten opzichte van 2024" in warnings.inner_text()
    _axe_clean(page, "edit form with warnings")
    boxes = warnings.get_by_role("checkbox")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        box.check()
        box_id = box.get_attribute("id")
        page.locator(f"textarea[id='{box_id}-comment']").fill(
            "Klopt: herindeling, nieuwe telling BRP."
        )
    page.get_by_role("button", name="Opslaan als concept").click()
    page.wait_for_url(re.compile(r"/gemeenten/GM0392/cijfers/2025/$"))
    assert "11 cijfer(s) opgeslagen als concept." in page.get_by_role("status").inner_text()
    assert page.get_by_text("250.000").first.is_visible()
    _axe_clean(page, "year page with drafts")

    page.get_by_role("button", name="Indienen ter bevestiging").click()
    page.wait_for_load_state()
    assert "ingediend" in page.get_by_role("status").inner_text()
    # Four eyes: who submitted cannot confirm.
    assert page.get_by_role("button", name="Bevestig de ingediende cijfers").count() == 0
    _axe_clean(page, "year page, submitted")
    _logout(page)

    login("beleid2.haarlem")
    page.goto(f"{app_url}{YEAR_PAGE}")
    assert page.get_by_role("heading", name="Gecontroleerde waarschuwingen").is_visible()
    assert page.get_by_text("Klopt: herindeling, nieuwe telling BRP.").first.is_visible()
    page.get_by_role("button", name="Bevestig de ingediende cijfers").click()
    page.wait_for_load_state()
    assert "cijfer(s) bevestigd" in page.get_by_role("status").inner_text()
    _axe_clean(page, "year page, confirmed")

    # The audit trail shows both officers, the old and new value and the comment.
    page.get_by_role("link", name="Geschiedenis", exact=True).first.click()
    page.wait_for_load_state()
    trail = page.get_by_role("table").inner_text()
    assert "Fatima el Amrani" in trail
    assert "Joost de Vries" in trail
    assert "ingevoerd" in trail
    assert "ingediend" in trail
    assert "bevestigd" in trail
    assert "250.000" in trail
    assert "Klopt: herindeling, nieuwe telling BRP." in trail
    _axe_clean(page, "audit trail of a year")
    page.goto(f"{app_url}{YEAR_PAGE}historie/population/")
    figure_trail = page.get_by_role("table").inner_text()
    assert "Fatima el Amrani" in figure_trail
    assert "Joost de Vries" in figure_trail
    _axe_clean(page, "audit trail of one figure")
    page.goto(f"{app_url}/gemeenten/GM0392/cijfers/historie/")
    _axe_clean(page, "audit trail of the municipality")


def test_errors_are_announced_linked_and_accessible(page, app_url, login) -> None:
    login("beleid.haarlem")
    page.goto(f"{app_url}{YEAR_PAGE}bewerken/")
    page.get_by_label("Inwoners", exact=True).fill("-5")
    page.get_by_label("Dak- en thuislozen – vraag", exact=True).fill("veel")
    page.get_by_role("button", name="Opslaan als concept").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "V002" in summary.inner_text()
    assert "V001" in summary.inner_text()
    population = page.get_by_label("Inwoners", exact=True)
    assert population.get_attribute("aria-invalid") == "true"
    _axe_clean(page, "edit form with errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") in (
        "id_population-value",
        "id_homeless-demand",
    )


def test_officer_uploads_a_file_sees_the_preview_and_confirms(page, app_url, login) -> None:
    login("beleid.haarlem")
    page.goto(f"{app_url}/cijfers/import/")
    _axe_clean(page, "upload page")
    template = page.request.get(f"{app_url}/gemeenten/GM0392/cijfers/2024/sjabloon.csv").body()
    text = template.decode("utf-8-sig").replace(
        ";mutations;Mutaties sociale huur per jaar;woningen per jaar;1.558;",
        ";mutations;Mutaties sociale huur per jaar;woningen per jaar;1.600;",
    )
    page.set_input_files(
        "#id_file", files=[{"name": "haarlem.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Uploaden en voorbeeld bekijken").click()
    page.wait_for_url(re.compile(r"/cijfers/import/\d+/$"))
    changes = page.get_by_role("table", name="Elke wijziging: oud → nieuw").inner_text()
    assert "1.558" in changes
    assert "1.600" in changes
    _axe_clean(page, "upload preview")
    preview_url = page.url
    page.get_by_role("button", name="Bevestigen en opslaan als concept").click()
    page.wait_for_url(re.compile(r"/gemeenten/GM0392/cijfers/2024/$"))
    assert "opgeslagen als concept" in page.get_by_role("status").inner_text()
    page.goto(preview_url)
    assert "verwerkt" in page.get_by_role("main").inner_text()
    _axe_clean(page, "applied upload")

    # A bad file: the messages by row and column, and the page stays accessible.
    page.goto(f"{app_url}/cijfers/import/")
    bad = text.replace(";1.600;", ";veel;")
    page.set_input_files(
        "#id_file", files=[{"name": "fout.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Uploaden en voorbeeld bekijken").click()
    page.wait_for_load_state()
    messages = page.get_by_role("table", name="Meldingen per blad, rij en kolom").inner_text()
    assert "V001" in messages
    assert "G (Waarde)" in messages
    _axe_clean(page, "upload preview with errors")
    page.goto(f"{app_url}/cijfers/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "fout.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}]
    )
    page.get_by_role("button", name="Uploaden en voorbeeld bekijken").click()
    page.wait_for_load_state()
    assert "V201" in page.get_by_role("alert").inner_text()
    _axe_clean(page, "upload page with a wrong file")


def test_programme_team_pages_pass_axe(page, app_url, login) -> None:
    from allocation.models import Round, RoundStatus

    Round.objects.create(
        name="Browsertest 2024",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
        reference_year=2024,
        deadline=date(2025, 6, 1),
        status=RoundStatus.COMPUTING,
    )
    login("programma")
    page.goto(f"{app_url}/cijfers/compleetheid/?jaar=2024")
    assert page.get_by_role("table").count() == 1
    _axe_clean(page, "completeness overview")
    page.goto(f"{app_url}/cijfers/compleetheid/?jaar=2025")
    page.get_by_role("button", name=re.compile("Stuur een herinnering")).click()
    page.wait_for_load_state()
    assert "Herinnering verstuurd" in page.get_by_role("status").inner_text()
    _axe_clean(page, "completeness overview after reminders")
    page.goto(f"{app_url}/gemeenten/GM0392/cijfers/2024/")
    _axe_clean(page, "year page, locked")
    page.get_by_role("link", name="Ontgrendelen met een reden").click()
    _axe_clean(page, "unlock page")
    page.get_by_role("button", name="Ontgrendelen").click()
    page.wait_for_load_state()
    assert page.get_by_label("Reden om te ontgrendelen").get_attribute("aria-invalid") == "true"
    _axe_clean(page, "unlock page with an error")
    page.get_by_label("Reden om te ontgrendelen").fill("Telfout in de mutaties")
    page.get_by_role("button", name="Ontgrendelen").click()
    page.wait_for_url(re.compile(r"/gemeenten/GM0392/cijfers/2024/$"))
    assert "Telfout in de mutaties" in page.get_by_role("main").inner_text()
    page.goto(f"{app_url}/cijfers/import/")
    _axe_clean(page, "upload page of the programme team")
