"""Standing texts of a round's agreements: the programme team edits them per round, every
change is a new version, an adopted round's texts are frozen, and the PDF prints them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import selectors as rs
from agreements import services as review_services
from agreements.models import StandingText
from agreements.standing_texts import DEFAULTS
from allocation.models import Round, RoundStatus

from .fixtures import approve_all

pytestmark = pytest.mark.django_db

FORM = {
    "considerations": "Eerste overweging.\n\nTweede overweging.",
    "definitions": DEFAULTS["definitions"],
    "conditions": DEFAULTS["conditions"],
    "reason": "Juridische toets",
}


def _url(round_: Round) -> str:
    return f"/rondes/{round_.pk}/afspraken/teksten/"


def test_a_round_starts_with_the_dutch_default_texts(round_) -> None:
    texts = rs.standing_texts(round_)
    assert set(texts) == {"considerations", "definitions", "conditions"}
    assert texts["considerations"].version == 0
    assert "Een thuis voor iedereen" in texts["considerations"].body
    assert "Wet versterking regie op de volkshuisvesting" in texts["considerations"].body
    assert "1 januari 2026" in texts["considerations"].body
    assert any(p.startswith("Gerealiseerd bij") for p in texts["definitions"].paragraphs)
    assert "stapeling" in texts["conditions"].body


def test_the_programme_team_saves_a_new_version_with_who_and_why(round_, client_for) -> None:
    client = client_for("programma")
    assert client.get(_url(round_)).status_code == 200
    response = client.post(_url(round_), FORM)
    assert response.status_code == 302
    texts = rs.standing_texts(round_)
    assert texts["considerations"].version == 1
    assert texts["considerations"].paragraphs == ["Eerste overweging.", "Tweede overweging."]
    assert texts["definitions"].version == 0  # unchanged: no new version
    entry = StandingText.objects.get(round=round_, kind="considerations")
    assert entry.created_by.username == "programma"
    assert entry.reason == "Juridische toets"
    client.post(_url(round_), {**FORM, "considerations": "Nog een versie."})
    assert rs.standing_texts(round_)["considerations"].version == 2
    assert StandingText.objects.filter(round=round_, kind="considerations").count() == 2
    body = client.get(_url(round_)).content.decode()
    assert "Juridische toets" in body  # the versions table


@pytest.mark.parametrize(
    "username",
    [
        "beleid.haarlem",
        "stuurgroep.zuid-kennemerland",
        "voorzitter",
        "coordinator.zuid-kennemerland",
        "beheer",
    ],
)
def test_other_roles_may_not_edit_the_texts(round_, client_for, username) -> None:
    client = client_for(username)
    assert client.get(_url(round_)).status_code == 403
    assert client.post(_url(round_), FORM).status_code == 403
    assert not StandingText.objects.filter(round=round_).exists()


def test_anonymous_users_are_sent_to_the_login_page(round_, client) -> None:
    response = client.get(_url(round_))
    assert response.status_code == 302
    assert "/inloggen/" in response["Location"]
    assert client.post(_url(round_), FORM).status_code == 302
    assert not StandingText.objects.filter(round=round_).exists()


def test_an_empty_text_is_refused_with_a_message(round_, client_for) -> None:
    response = client_for("programma").post(_url(round_), {**FORM, "conditions": "  "})
    assert response.status_code == 400
    assert not StandingText.objects.filter(round=round_).exists()


def test_the_service_checks_access_too(round_, user_named) -> None:
    with pytest.raises(PermissionDenied):
        review_services.standing_text_save(
            round_=round_, kind="conditions", body="x", user=user_named("voorzitter")
        )
    with pytest.raises(ValidationError):
        review_services.standing_text_save(
            round_=round_, kind="nonsense", body="x", user=user_named("programma")
        )


def test_adoption_freezes_the_texts_and_keeps_the_defaults_as_version_one(
    proposal, user_named, client_for
) -> None:
    review_services.standing_text_save(
        round_=proposal.round,
        kind="conditions",
        body="Eigen voorwaarden.",
        user=user_named("programma"),
    )
    approve_all(proposal, user_named)
    round_ = review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))
    assert round_.status == RoundStatus.AGREED
    texts = rs.standing_texts(round_)
    assert texts["conditions"].body == "Eigen voorwaarden."
    assert texts["considerations"].version == 1  # the default, stored at adoption
    assert texts["considerations"].body == DEFAULTS["considerations"]
    with pytest.raises(ValidationError):
        review_services.standing_text_save(
            round_=round_, kind="conditions", body="Later.", user=user_named("programma")
        )
    client = client_for("programma")
    body = client.get(_url(round_)).content.decode()
    assert 'id="texts-frozen"' in body
    assert "Eigen voorwaarden." in body
    client.post(_url(round_), FORM)
    assert rs.standing_texts(round_)["conditions"].body == "Eigen voorwaarden."


def test_the_agreement_document_prints_the_rounds_texts(proposal, user_named) -> None:
    from reports.selectors import agreement_document_build

    review_services.standing_text_save(
        round_=proposal.round,
        kind="considerations",
        body="Overweging van de jurist.\n\nNog een overweging.",
        user=user_named("programma"),
    )
    approve_all(proposal, user_named)
    round_ = review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))
    doc = agreement_document_build(round_=round_, subregion=None, charts=False)
    assert doc.considerations == ["Overweging van de jurist.", "Nog een overweging."]
    assert doc.definitions == rs.standing_texts(round_)["definitions"].paragraphs
    assert "overwegingen versie 1" in doc.text_versions
