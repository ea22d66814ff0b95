"""Every notification e-mail links into the app (issue 13): an absolute link behind SITE_URL
to the same place as the recipient's to-do item, which opens (200) for that recipient."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from agreements import services as review_services
from agreements.models import Approval
from allocation.models import Round, RoundStatus
from allocation.tests.factories import RoundFactory
from core.models import FigureStatus
from figures import services as figure_services
from municipalities.models import MunicipalFigure, Municipality
from target_groups.models import TargetGroup

pytestmark = pytest.mark.django_db

SITE = "https://fairshare.example.nl"
LINK = re.compile(r"https?://[^\s]+")


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = SITE


def _links(body: str) -> list[str]:
    links = LINK.findall(body)
    assert links, body
    return links


def _opens_for(client: Any, link: str) -> None:
    assert link.startswith(SITE + "/"), link
    path = link[len(SITE) :].split("#", 1)[0]
    response = client.get(path, follow=True)
    assert response.status_code == 200, (link, response.status_code)


def _mails_to(mailoutbox: list[Any], address: str) -> list[Any]:
    return [m for m in mailoutbox if address in (m.to + m.bcc)]


def test_a_status_change_links_to_the_review_page_and_for_officers_to_their_figures(
    user_named, client_for, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    round_ = RoundFactory(name="Afspraken mail")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.round_transition(
            round_=round_, to_status=RoundStatus.COLLECTING, user=user_named("programma")
        )
    (mail,) = _mails_to(mailoutbox, "beleid.haarlem@mra.example")
    links = _links(mail.body)
    assert f"{SITE}/rondes/{round_.pk}/beoordeling/" in links
    assert f"{SITE}/cijfers/" in links
    assert f"{SITE}/" in links  # the home page's to-do list
    for username in ("beleid.haarlem", "stuurgroep.zuid-kennemerland", "voorzitter"):
        client = client_for(username)
        for link in links:
            if link.endswith("/cijfers/") and not username.startswith("beleid"):
                continue  # the figures link is for officers; others see completeness
            _opens_for(client, link)


def test_a_proposal_links_each_steering_member_to_her_numbers_and_her_decision(
    review_round, user_named, client_for, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    from allocation.models import ScenarioRun

    run = ScenarioRun.objects.get(scenario__round=review_round)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.proposal_create(round_=review_round, run=run, user=user_named("programma"))
    (mail,) = _mails_to(mailoutbox, "stuurgroep.ijmond@mra.example")
    links = _links(mail.body)
    assert f"{SITE}/rondes/{review_round.pk}/samenvatting/" in links
    assert f"{SITE}/rondes/{review_round.pk}/beoordeling/#h-my-decision" in links
    client = client_for("stuurgroep.ijmond")
    for link in links:
        _opens_for(client, link)
    summary = client.get(f"/rondes/{review_round.pk}/samenvatting/", follow=True)
    assert summary.redirect_chain[-1][0].endswith("/samenvatting/ijmond/")
    assert 'id="to-decision"' in summary.content.decode()


def test_a_voided_approval_links_back_to_the_decision(
    proposal, user_named, client_for, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    steering = user_named("stuurgroep.zuid-kennemerland")
    review_services.approval_decide(
        proposal=proposal,
        subregion=steering.membership.subregion,
        user=steering,
        decision="approve",
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transfer = review_services.transfer_propose(
            round_=proposal.round,
            group=TargetGroup.objects.get(code="urgent"),
            giver=Municipality.objects.get(cbs_code="GM0363"),
            taker=Municipality.objects.get(cbs_code="GM0392"),
            amount=2,
            initiator=Municipality.objects.get(cbs_code="GM0392"),
            user=user_named("beleid.haarlem"),
            reason="Wij hebben ruimte",
        )
        review_services.transfer_answer(
            transfer=transfer, user=user_named("beleid.amsterdam"), accept=True
        )
    assert Approval.objects.get(subregion=steering.membership.subregion).state == "voided"
    (mail,) = _mails_to(mailoutbox, "stuurgroep.zuid-kennemerland@mra.example")
    links = _links(mail.body)
    assert f"{SITE}/rondes/{proposal.round.pk}/beoordeling/#h-my-decision" in links
    for link in links:
        _opens_for(client_for("stuurgroep.zuid-kennemerland"), link)


def test_a_deadline_reminder_links_the_officer_to_her_figures(
    user_named, client_for, mailoutbox
) -> None:
    round_ = RoundFactory(
        name="Afspraken herinnering",
        status=RoundStatus.COLLECTING,
        deadline=datetime.date(2026, 3, 10),
    )
    MunicipalFigure.objects.filter(municipality__cbs_code="GM0392", year=2024).update(
        status=FigureStatus.DRAFT
    )
    sent = review_services.deadline_reminders_send(today=datetime.date(2026, 3, 5))
    assert sent >= 1
    (mail,) = _mails_to(mailoutbox, "beleid.haarlem@mra.example")
    links = _links(mail.body)
    assert f"{SITE}/gemeenten/GM0392/cijfers/{round_.reference_year}/" in links
    for link in links:
        _opens_for(client_for("beleid.haarlem"), link)


def test_the_programme_teams_reminder_links_the_officer_to_her_figures(
    user_named, client_for, mailoutbox
) -> None:
    Round.objects.all().delete()
    MunicipalFigure.objects.filter(municipality__cbs_code="GM0392", year=2024).update(
        status=FigureStatus.DRAFT
    )
    figure_services.reminders_send(year=2024, user=user_named("programma"), base_url=SITE + "/")
    (mail,) = _mails_to(mailoutbox, "beleid2.haarlem@mra.example")
    links = _links(mail.body)
    assert f"{SITE}/gemeenten/GM0392/cijfers/2024/" in links
    for link in links:
        _opens_for(client_for("beleid2.haarlem"), link)


def test_without_site_url_the_links_point_at_the_local_app(
    settings, user_named, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = ""
    round_ = RoundFactory(name="Afspraken lokaal")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.round_transition(
            round_=round_, to_status=RoundStatus.COLLECTING, user=user_named("programma")
        )
    assert f"http://127.0.0.1:8000/rondes/{round_.pk}/beoordeling/" in mailoutbox[0].body
