"""Partners' pages in a real browser (issue 15): the invitation (the form of the programme team
and the page behind the link in the e-mail), and what a partner reads and where it writes:
its home page, the review page of a round with the round's thread, a municipality's thread,
its municipality's fair share and monitoring. axe on every page.

The new interface texts may still be English until the Dutch catalogue is merged, so these
tests find elements by address, id and form field, not by their words."""

from __future__ import annotations

import re

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser

HAARLEM = "GM0392"


def _axe_clean(page, what: str) -> None:
    assert axe_violations(page) == [], what


def _logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))


@pytest.fixture
def rounds(app_url):
    """A round in review with a proposed computation and an adopted round."""
    from django.contrib.auth import get_user_model

    from agreements import services as review_services
    from agreements.tests.fixtures import computed_run
    from allocation.models import RoundStatus
    from allocation.tests.factories import RoundFactory
    from monitoring.tests.factories import adopted_round

    programme = get_user_model().objects.get(username="programma")
    in_review = RoundFactory(name="Ronde in beoordeling", status=RoundStatus.COMPUTING)
    run = computed_run(in_review)
    in_review = review_services.round_transition(
        round_=in_review, to_status=RoundStatus.IN_REVIEW, user=programme
    )
    review_services.proposal_create(round_=in_review, run=run, user=programme)
    adopted = adopted_round(groups=("urgent", "status_holders"))
    return in_review, run, adopted


def test_invitation_form_and_accept_page_are_axe_clean(page, app_url, login) -> None:
    from django.core import mail

    from partners.models import PartnerOrganisation

    organisation = PartnerOrganisation.objects.get(slug="woonstichting-kennemerland")
    login("programma")
    page.goto(f"{app_url}/partners/{organisation.pk}/")
    invite = page.locator(f"form[action$='/partners/{organisation.pk}/uitnodigen/']")
    invite.locator("#id_full_name").fill("Fatima el Amrani")
    invite.locator("#id_email").fill("f.elamrani@example.org")
    _axe_clean(page, "invitation form, filled in")
    invite.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/partners/{organisation.pk}/$"))
    _axe_clean(page, "organisation page after the invitation")
    assert mail.outbox, "no invitation sent"
    link = re.search(r"https?://\S+/partners/uitnodiging/\S+/", mail.outbox[-1].body)
    assert link is not None, mail.outbox[-1].body
    path = re.sub(r"^https?://[^/]+", "", link.group(0))
    _logout(page)

    page.goto(f"{app_url}{path}")
    assert page.locator("form input[type=password]").count() == 2
    _axe_clean(page, "invitation: choose a password")
    # A wrong password pair shows its errors, still axe clean.
    page.locator("input[type=password]").nth(0).fill("kort")
    page.locator("input[type=password]").nth(1).fill("anders")
    page.locator("form:has(input[type=password]) button[type=submit]").click()
    page.wait_for_load_state()
    _axe_clean(page, "invitation: errors")
    page.locator("input[type=password]").nth(0).fill("Lange-zin-voor-het-wachtwoord-2026")
    page.locator("input[type=password]").nth(1).fill("Lange-zin-voor-het-wachtwoord-2026")
    page.locator("form:has(input[type=password]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/inloggen/"))
    # The link works once.
    page.goto(f"{app_url}{path}")
    assert page.locator("form input[type=password]").count() == 0
    _axe_clean(page, "invitation: used link")


def test_corporation_reads_and_writes_in_its_working_area(page, app_url, login, rounds) -> None:
    from agreements.models import Comment

    in_review, run, adopted = rounds
    login("corporatie.kennemerland")
    page.goto(f"{app_url}/")
    assert page.locator("#partner-area").get_by_text("Haarlem").is_visible()
    assert page.locator(f"#h-round-{in_review.pk}").is_visible()
    _axe_clean(page, "corporation home")

    # Its municipality's fair share in the proposed computation.
    dashboard = f"/dashboard/rondes/{in_review.pk}/scenarios/{run.scenario_id}/gemeenten/{HAARLEM}/"
    page.locator(f"a[href='{dashboard}']").first.click()
    page.wait_for_url(re.compile(re.escape(dashboard) + "$"))
    _axe_clean(page, "municipality dashboard as corporation")

    # The round's thread: write a message.
    page.goto(f"{app_url}/rondes/{in_review.pk}/beoordeling/")
    _axe_clean(page, "review page as corporation")
    page.locator("#id_comment-body").fill("Wij leveren 40 woningen per jaar voor uitstroom.")
    page.locator("form:has(input[name=action][value=comment]) button[type=submit]").click()
    page.wait_for_load_state()
    assert Comment.objects.filter(round=in_review, municipality=None).count() == 1

    # Haarlem's thread.
    page.goto(f"{app_url}/rondes/{in_review.pk}/beoordeling/gemeenten/{HAARLEM}/")
    _axe_clean(page, "municipality thread as corporation")
    page.locator("textarea").fill("Vraag over de mutaties van Haarlem.")
    page.locator("form:has(textarea) button[type=submit]").click()
    page.wait_for_load_state()
    assert Comment.objects.filter(round=in_review, municipality__cbs_code=HAARLEM).count() == 1

    # Monitoring of the adopted round, its municipalities only.
    page.goto(f"{app_url}/monitoring/{adopted.pk}/")
    assert page.locator(f"a[href*='/monitoring/{adopted.pk}/GM0363/']").count() == 0
    _axe_clean(page, "monitoring dashboard as corporation")


def test_province_home_and_adopted_review_are_axe_clean(page, app_url, login, rounds) -> None:
    in_review, _run, adopted = rounds
    login("provincie.noord-holland")
    page.goto(f"{app_url}/")
    assert page.locator(f"#h-round-{adopted.pk}").is_visible()
    assert page.locator(f"#h-round-{in_review.pk}").count() == 0
    _axe_clean(page, "province home")
    page.goto(f"{app_url}/rondes/{adopted.pk}/beoordeling/")
    assert page.locator("input[name=action][value=comment]").count() == 0
    _axe_clean(page, "adopted review page as province")


def test_care_provider_home_is_axe_clean(page, app_url, login, rounds) -> None:
    in_review, _run, _adopted = rounds
    login("zorg.zuid-kennemerland")
    page.goto(f"{app_url}/")
    assert page.locator(f"#h-round-{in_review.pk}").is_visible()
    _axe_clean(page, "care provider home")
    page.goto(f"{app_url}/rondes/{in_review.pk}/samenvatting/zuid-kennemerland/")
    _axe_clean(page, "summary of the sub-region as care provider")
