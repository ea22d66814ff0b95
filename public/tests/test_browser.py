"""The public page in a real browser, without logging in (issue 11, acceptance 5): axe finds
no serious or critical WCAG violation on the list and on an adopted round's page, the
illustrative notice is the first thing after the title, and the kit downloads."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from django.urls import reverse

from agreements import selectors as rs
from agreements.services import proposal_create, round_transition
from agreements.tests.fixtures import computed_run
from allocation.models import RoundStatus
from allocation.tests.factories import RoundFactory
from tests.browser.conftest import axe_violations

from .conftest import adopt_with_transfers

pytestmark = pytest.mark.browser


@pytest.fixture
def app_url(live_server: Any, loaded_transactional_db: None) -> str:
    return live_server.url


@pytest.fixture
def adopted_live(loaded_transactional_db: None, user_named: Any, monkeypatch: Any) -> Any:
    """An adopted round with two accepted transfers, committed for the live server. The
    PDF agreements the adoption schedules are not this test's subject: they are skipped."""
    from reports import services as report_services

    monkeypatch.setattr(report_services, "agreements_schedule", lambda **kwargs: None)
    round_ = RoundFactory(name="Afspraken 2026–2027", status=RoundStatus.COMPUTING)
    run = computed_run(round_)
    round_ = round_transition(
        round_=round_, to_status=RoundStatus.IN_REVIEW, user=user_named("programma")
    )
    proposal = proposal_create(round_=round_, run=run, user=user_named("programma"))
    return adopt_with_transfers(proposal, user_named)


def test_anonymous_reads_the_public_agreement_and_axe_finds_nothing(
    page, app_url, adopted_live, tmp_path
) -> None:
    page.goto(f"{app_url}{reverse('public:round_list')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Vastgestelde afspraken"
    assert axe_violations(page) == [], "public list"

    page.get_by_role("link", name=adopted_live.name).click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("public:round_detail", args=[adopted_live.pk]))
    assert "inloggen" not in page.url
    assert page.get_by_role("heading", level=1).inner_text() == adopted_live.name
    notice = page.get_by_role(
        "heading", name="Illustratieve cijfers: dit zijn geen echte afspraken"
    )
    assert notice.is_visible()
    # The notice comes before the agreements, right under the title.
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0] == "Illustratieve cijfers: dit zijn geen echte afspraken"
    assert page.locator("table caption").first.is_visible()
    assert rs.agreed_result(adopted_live).digest in page.locator("main").inner_text()
    assert axe_violations(page) == [], "public agreement page"

    with page.expect_download() as info:
        page.get_by_role("link", name="Download de set om na te rekenen (zip)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    with zipfile.ZipFile(path) as kit:
        assert "urgent/scenario.json" in kit.namelist()
        assert "LEESMIJ.txt" in kit.namelist()
