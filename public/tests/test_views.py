"""The public page: anyone sees an adopted round's agreement (the net numbers after the
accepted transfers, the method, the inputs, the control code), nobody sees a round that was
not adopted, and illustrative figures are never shown as fact."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from agreements import selectors as rs
from agreements.models import Approval
from agreements.services import proposal_create, round_transition
from agreements.tests.fixtures import computed_run
from allocation.models import Round, RoundStatus, ScenarioRun
from allocation.tests.factories import RoundFactory
from municipalities.models import MunicipalFigure
from public import selectors
from target_groups.models import GroupFigure

from .conftest import TRANSFERS, adopt_with_transfers, published_numbers

NOTICE = "Illustratieve cijfers: dit zijn geen echte afspraken"


def _url(round_: Round) -> str:
    return reverse("public:round_detail", kwargs={"pk": round_.pk})


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.django_db
def test_anonymous_sees_the_list_with_adopted_rounds_only(client, adopted) -> None:
    draft = RoundFactory(name="Afspraken 2030–2031")
    response = client.get(reverse("public:round_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert adopted.name in body
    assert _url(adopted) in body
    assert draft.name not in body


@pytest.mark.django_db
def test_anonymous_sees_the_agreement_of_an_adopted_round(client, adopted) -> None:
    response = client.get(_url(adopted))
    assert response.status_code == 200
    body = response.content.decode()
    text = _text(body)
    agreed = rs.agreed_result(adopted)
    assert '<html lang="nl">' in body
    assert "Voor de hele periode" in text
    assert "Per jaar" in text
    assert "personen" in text  # the unit of both groups in the fixture
    for year in agreed.years:
        assert f">{year}<" in body
    assert agreed.digest in body
    assert agreed.digest != agreed.run_digest
    assert set(Approval.objects.values_list("digest", flat=True)) == {agreed.digest}
    # The method in plain language, the inputs and the transfers.
    assert "Hoe de aantallen zijn berekend" in text
    assert "De getallen die zijn gebruikt" in text
    assert "Overdrachten tussen gemeenten" in text
    for name in ("Zuid-Kennemerland", "Amsterdam", "Haarlem"):
        assert name in text


@pytest.mark.django_db
def test_the_page_shows_the_net_numbers_after_transfers(client, adopted) -> None:
    agreed = rs.agreed_result(adopted)
    shown = published_numbers(client.get(_url(adopted)).content.decode())
    expected = {
        (code, line.code): {"agreed": line.agreed, "per_year": list(line.per_year)}
        for code, group in agreed.groups.items()
        for line in group.lines
    }
    assert shown == expected
    assert len(shown) == 60  # 30 municipalities, 2 groups
    for group, giver, taker, *_rest, amount in TRANSFERS:
        lines = {line.code: line for line in agreed.groups[group].lines}
        assert shown[(group, giver)]["agreed"] == lines[giver].computed - amount
        assert shown[(group, taker)]["agreed"] == lines[taker].computed + amount


@pytest.mark.django_db
def test_numbers_are_written_the_dutch_way(client, adopted) -> None:
    text = _text(client.get(_url(adopted)).content.decode())
    # No decimal point: a point between digits is only a thousands separator.
    assert not re.search(r"\d\.(?=\d)(?!\d{3}(?!\d))", text)
    amsterdam = ScenarioRun.objects.get(pk=adopted.agreed_run_id).inputs["urgent"]["scenario"]
    population = next(
        m["indicators"]["population"] for m in amsterdam["municipalities"] if m["code"] == "GM0363"
    )
    assert f"{int(population):,}".replace(",", ".") in text


@pytest.mark.django_db
def test_illustrative_figures_are_announced_prominently(client, adopted) -> None:
    body = client.get(_url(adopted)).content.decode()
    assert NOTICE in body
    # Before the agreements themselves, and in every table caption.
    assert body.index(NOTICE) < body.index('id="afspraken"')
    assert "(illustratief)" in body
    assert "<title>Illustratief:" in body


@pytest.mark.django_db
def test_a_logged_in_user_sees_the_same_public_page(client_for, adopted) -> None:
    response = client_for("beleid.haarlem").get(_url(adopted))
    assert response.status_code == 200
    assert rs.agreed_result(adopted).digest in response.content.decode()


@pytest.mark.django_db
def test_a_round_in_review_is_not_public(client, proposal) -> None:
    assert proposal.round.status == RoundStatus.IN_REVIEW
    assert client.get(_url(proposal.round)).status_code == 404
    kit = reverse("public:round_kit", kwargs={"pk": proposal.round.pk})
    assert client.get(kit).status_code == 404
    assert proposal.round.name not in client.get(reverse("public:round_list")).content.decode()


@pytest.mark.django_db
def test_a_draft_or_unknown_round_is_not_public(client) -> None:
    draft = RoundFactory(name="Afspraken concept", status=RoundStatus.DRAFT)
    assert client.get(_url(draft)).status_code == 404
    assert client.get(reverse("public:round_detail", kwargs={"pk": 99999})).status_code == 404
    response = client.get(reverse("public:round_kit", kwargs={"pk": draft.pk}))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_the_public_pages_answer_only_get(client, adopted) -> None:
    assert client.post(_url(adopted)).status_code == 405


@pytest.mark.django_db
def test_the_page_takes_a_fixed_number_of_queries(
    client, adopted, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        assert client.get(_url(adopted)).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("public:round_list")).status_code == 200


@pytest.mark.django_db
def test_real_figures_carry_no_illustrative_notice(client, user_named) -> None:
    MunicipalFigure.objects.update(illustrative=False)
    GroupFigure.objects.update(illustrative=False)
    round_ = RoundFactory(name="Afspraken echt", status=RoundStatus.COMPUTING)
    run = computed_run(round_)
    round_ = round_transition(
        round_=round_, to_status=RoundStatus.IN_REVIEW, user=user_named("programma")
    )
    proposal = proposal_create(round_=round_, run=run, user=user_named("programma"))
    adopted = adopt_with_transfers(proposal, user_named)
    body = client.get(_url(adopted)).content.decode()
    assert NOTICE not in body
    assert "(illustratief)" not in body
    assert selectors.public_agreement(adopted).illustrative is False


@pytest.mark.django_db
def test_a_run_that_did_not_record_illustrative_figures_is_treated_as_illustrative(
    adopted, monkeypatch
) -> None:
    from allocation import selectors as allocation_selectors

    real_get = allocation_selectors.run_get

    def without_flags(*, pk: int, with_data: bool = True):
        run = real_get(pk=pk, with_data=with_data)
        for entry in run.inputs.values():
            entry["provenance"].pop("illustrative", None)
        return run

    monkeypatch.setattr(allocation_selectors, "run_get", without_flags)
    assert selectors.public_agreement(adopted).illustrative is True


def test_method_sentences_are_plain_and_follow_the_settings() -> None:
    sentences = selectors.method_sentences(
        scenario={
            "method": "hamilton",
            "weights": {"population": "0.5", "social_rental": "0.5"},
            "credit_factor": "0.5",
            "max_credit_fraction": None,
            "two_tier": True,
        },
        settings={"task_source": "entered", "upper_bound_mutations_pct": "15", "carry_over": True},
        total=1250,
        unit="personen",
        indicator_names={"population": "Inwoners", "social_rental": "Sociale huurwoningen"},
    )
    text = " ".join(sentences)
    assert "1.250 personen" in text
    assert "50% inwoners, 50% sociale huurwoningen" in text
    assert "15%" in text
    assert "deelregio" in text
    assert "vorige periode" in text


@pytest.mark.django_db
def test_a_superseded_round_stays_public_and_says_it_was_replaced(
    client, adopted, user_named
) -> None:
    from agreements.services import round_correct

    digest = rs.agreed_result(adopted).digest
    new = round_correct(round_=adopted, user=user_named("programma"), reason="Correctie")
    adopted.refresh_from_db()
    assert adopted.status == RoundStatus.SUPERSEDED
    body = client.get(_url(adopted)).content.decode()
    assert "Deze afspraken zijn vervangen door een nieuwere versie" in body
    assert digest in body
    listing = client.get(reverse("public:round_list")).content.decode()
    assert "vervangen door een nieuwere versie" in listing
    assert client.get(_url(new)).status_code == 404  # the correction is a draft


@pytest.mark.django_db
def test_the_page_in_english_keeps_dutch_numbers(client, adopted) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": _url(adopted)})
    body = client.get(_url(adopted)).content.decode()
    assert 'lang="en"' in body
    assert "For the whole period" in body
    assert "Illustrative figures: these are not real agreements" in body
    assert not re.search(r"\d,\d{3}(?!\d)", _text(body))  # no English thousands commas
