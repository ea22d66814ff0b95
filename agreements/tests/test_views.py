"""The review page and municipality threads: every role on both sides of each line."""

from __future__ import annotations

import pytest

from agreements import services as review_services
from agreements.models import Approval, Comment, Proposal, Transfer, TransferStatus
from allocation.models import RoundStatus, ScenarioRun
from municipalities.models import Municipality
from target_groups.models import TargetGroup

from .fixtures import (
    ALL_USERS,
    approve_all,
)

pytestmark = pytest.mark.django_db


def _url(round_) -> str:
    return f"/rondes/{round_.pk}/beoordeling/"


def test_anonymous_visitors_are_sent_to_the_login(review_round, client_for) -> None:
    response = client_for(None).get(_url(review_round))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("username", ALL_USERS)
def test_every_role_reads_the_review_page(proposal, client_for, username) -> None:
    response = client_for(username).get(_url(proposal.round))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Besluiten van de deelregio" in body
    assert proposal.run_digest in body


def test_the_review_page_takes_a_fixed_number_of_queries(
    proposal, client_for, user_named, django_assert_max_num_queries
) -> None:
    approve_all(proposal, user_named)
    client = client_for("programma")
    with django_assert_max_num_queries(40):
        assert client.get(_url(proposal.round)).status_code == 200


def test_only_the_programme_team_sees_and_uses_the_status_buttons(review_round, client_for) -> None:
    for username in ALL_USERS:
        body = client_for(username).get(_url(review_round)).content.decode()
        assert ('value="computing"' in body) == (username == "programma"), username
    for username in [u for u in ALL_USERS if u != "programma"]:
        response = client_for(username).post(
            _url(review_round),
            {"action": "transition", "transition-to_status": "computing", "transition-reason": "x"},
        )
        assert response.status_code == 403
    response = client_for("programma").post(
        _url(review_round),
        {"action": "transition", "transition-to_status": "computing", "transition-reason": "x"},
    )
    assert response.status_code == 302
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.COMPUTING


def test_a_refused_move_shows_a_message_and_changes_nothing(review_round, client_for) -> None:
    response = client_for("programma").post(
        _url(review_round),
        {"action": "transition", "transition-to_status": "computing"},
        follow=True,
    )
    assert "Zeg waarom de ronde een stap terug gaat." in response.content.decode()
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.IN_REVIEW


def test_the_programme_team_proposes_through_the_page(review_round, client_for) -> None:
    run = ScenarioRun.objects.get(scenario__round=review_round)
    response = client_for("stuurgroep.ijmond").post(
        _url(review_round), {"action": "propose", "propose-run": run.pk}
    )
    assert response.status_code == 403
    response = client_for("programma").post(
        _url(review_round), {"action": "propose", "propose-run": run.pk}
    )
    assert response.status_code == 302
    assert Proposal.objects.get(round=review_round).run == run


def test_a_steering_member_decides_for_their_sub_region_only(proposal, client_for) -> None:
    url = _url(proposal.round)
    for username in ["beleid.haarlem", "coordinator.zuid-kennemerland", "voorzitter", "programma"]:
        response = client_for(username).post(
            url, {"action": "decide", "decide-decision": "approve"}
        )
        assert response.status_code == 403
    page = client_for("stuurgroep.ijmond").get(url).content.decode()
    assert "Uw besluit voor IJmond" in page
    assert "Uw besluit voor" not in client_for("voorzitter").get(url).content.decode()
    response = client_for("stuurgroep.ijmond").post(
        url, {"action": "decide", "decide-decision": "object"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Zeg waarom u bezwaar maakt" in body
    assert 'aria-invalid="true"' in body
    response = client_for("stuurgroep.ijmond").post(
        url, {"action": "decide", "decide-decision": "approve"}
    )
    assert response.status_code == 302
    assert Approval.objects.get().subregion.name == "IJmond"


def test_the_adopt_button_is_disabled_with_an_explanation_until_all_approved(
    proposal, client_for, user_named
) -> None:
    url = _url(proposal.round)
    body = client_for("voorzitter").get(url).content.decode()
    assert 'disabled aria-describedby="adopt-help"' in body
    assert "Ronde vaststellen" not in client_for("programma").get(url).content.decode()
    response = client_for("voorzitter").post(url, {"action": "adopt"}, follow=True)
    assert "Nog niet elke deelregio" in response.content.decode()
    approve_all(proposal, user_named)
    assert 'disabled aria-describedby="adopt-help"' not in (
        client_for("voorzitter").get(url).content.decode()
    )
    for username in ["programma", "stuurgroep.amsterdam", "beheer"]:
        assert client_for(username).post(url, {"action": "adopt"}).status_code == 403
    assert client_for("voorzitter").post(url, {"action": "adopt"}).status_code == 302
    proposal.round.refresh_from_db()
    assert proposal.round.status == RoundStatus.AGREED
    body = client_for("programma").get(url).content.decode()
    assert "liggen vast" in body
    assert "Correctie starten" in body


def test_an_agreed_round_refuses_changes_through_the_page(proposal, client_for, user_named):
    approve_all(proposal, user_named)
    review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))
    url = _url(proposal.round)
    response = client_for("stuurgroep.ijmond").post(
        url, {"action": "decide", "decide-decision": "approve"}, follow=True
    )
    assert "er kan niets meer in veranderen" in response.content.decode()
    assert Approval.objects.filter(state="active").count() == 7
    scenario = proposal.run.scenario
    response = client_for("programma").get(f"/scenarios/{scenario.pk}/bewerken/", follow=True)
    assert response.status_code in (200, 403)
    assert "Scenario opslaan" not in response.content.decode()
    response = client_for("programma").post(
        url, {"action": "comment", "comment-body": "nog iets"}, follow=True
    )
    assert "er kan niets meer in veranderen" in response.content.decode()
    assert Comment.objects.count() == 0


def test_the_programme_team_corrects_an_agreed_round(proposal, client_for, user_named) -> None:
    approve_all(proposal, user_named)
    review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))
    url = _url(proposal.round)
    assert (
        client_for("voorzitter").post(url, {"action": "correct", "correct-reason": "x"}).status_code
        == 403
    )
    response = client_for("programma").post(url, {"action": "correct", "correct-reason": ""})
    assert response.status_code == 400
    response = client_for("programma").post(
        url, {"action": "correct", "correct-reason": "Fout in Haarlem"}
    )
    assert response.status_code == 302
    proposal.round.refresh_from_db()
    assert proposal.round.status == RoundStatus.SUPERSEDED


def test_officers_and_the_programme_team_enter_and_answer_transfers(proposal, client_for) -> None:
    url = _url(proposal.round)
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    group = TargetGroup.objects.get(code="urgent")
    data = {
        "action": "transfer",
        "transfer-municipality": haarlem.pk,
        "transfer-direction": "take",
        "transfer-other": amsterdam.pk,
        "transfer-group": group.pk,
        "transfer-amount": 1,
    }
    for username in ["stuurgroep.amsterdam", "voorzitter", "coordinator.zuid-kennemerland"]:
        assert client_for(username).post(url, data).status_code == 403
    # An officer proposes only for their own municipality.
    assert client_for("beleid.amsterdam").post(url, data).status_code == 400
    assert client_for("beleid.haarlem").post(url, data).status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.giver, transfer.taker) == (amsterdam, haarlem)
    answer = {"action": "answer", "transfer": transfer.pk, "accept": "yes"}
    assert "Aanvaarden" not in client_for("beleid.haarlem").get(url).content.decode()
    assert "Aanvaarden" in client_for("beleid.amsterdam").get(url).content.decode()
    assert client_for("beleid.haarlem").post(url, answer).status_code == 403
    assert client_for("beleid.amsterdam").post(url, answer).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    body = client_for("programma").get(url).content.decode()
    assert "Netto na overdrachten" in body


def test_round_thread_is_for_every_role_but_officers(review_round, client_for) -> None:
    url = _url(review_round)
    response = client_for("beleid.haarlem").post(url, {"action": "comment", "comment-body": "x"})
    assert response.status_code == 403
    for username in [
        "stuurgroep.ijmond",
        "voorzitter",
        "programma",
        "coordinator.zuid-kennemerland",
    ]:
        response = client_for(username).post(
            url, {"action": "comment", "comment-body": f"Bericht van {username}"}
        )
        assert response.status_code == 302
    body = client_for("beleid.haarlem").get(url).content.decode()
    assert "Bericht van voorzitter" in body
    assert "voorzitter stuurgroep" in body


def test_officers_write_only_in_their_own_municipality_thread(review_round, client_for) -> None:
    own = f"/rondes/{review_round.pk}/beoordeling/gemeenten/GM0392/"
    other = f"/rondes/{review_round.pk}/beoordeling/gemeenten/GM0363/"
    officer = client_for("beleid.haarlem")
    assert "Bericht toevoegen" in officer.get(own).content.decode()
    assert "Bericht toevoegen" not in officer.get(other).content.decode()
    assert officer.post(other, {"comment-body": "x"}).status_code == 403
    assert officer.post(own, {"comment-body": ""}).status_code == 400
    assert officer.post(own, {"comment-body": "Ons cijfer klopt"}).status_code == 302
    body = client_for("stuurgroep.zuid-kennemerland").get(own).content.decode()
    assert "Ons cijfer klopt" in body
    assert "gemeentelijk beleidsmedewerker" in body or "beleidsmedewerker" in body
    assert (
        client_for("beleid.haarlem")
        .get(f"/rondes/{review_round.pk}/beoordeling/gemeenten/GM9999/")
        .status_code
        == 404
    )
