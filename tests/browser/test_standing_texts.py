"""The standing texts of a round's agreements in a real browser: the programme team edits
the considerations, a new version is listed, and axe finds no serious violation."""

from __future__ import annotations

import pytest

from agreements.models import StandingText
from allocation.tests.factories import RoundFactory

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def test_the_programme_team_edits_the_texts_of_the_agreements(page, app_url, login) -> None:
    round_ = RoundFactory(name="Afspraken 2026–2027")
    login("programma")
    page.goto(f"{app_url}/rondes/{round_.pk}/afspraken/teksten/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Teksten van de afspraken")
    assert axe_violations(page) == [], "text editor"
    field = page.get_by_label("Overwegingen")
    field.fill("Een eerste overweging.\n\nEen tweede overweging.")
    page.get_by_label("Waarom gewijzigd").fill("Juridische toets")
    page.get_by_role("button", name="Teksten opslaan").click()
    page.wait_for_load_state()
    assert StandingText.objects.get(round=round_, kind="considerations").version == 1
    assert "Juridische toets" in page.content()
    assert axe_violations(page) == [], "text editor after saving"
