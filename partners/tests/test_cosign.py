"""Partners co-sign an adopted agreement in the app (issue 15): bound to the approved
digest, with who and when; shown in the PDF's party list and on the public page; a
correction asks again."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agreements import services as agreement_services
from agreements.selectors import agreed_result
from allocation.tests.factories import RoundFactory
from monitoring.tests.factories import adopted_round
from municipalities.models import SubRegion
from partners import selectors
from partners.models import Acknowledgement, PartnerOrganisation
from partners.services import CosignRefused, agreement_cosign, organisation_link_parties
from reports.selectors import agreement_document_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db: Any) -> Any:
    return adopted_round()


def zk() -> SubRegion:
    return SubRegion.objects.get(slug="zuid-kennemerland")


def _cosign_url(round_: Any, slug: str) -> str:
    return reverse("partners:cosign", args=[round_.pk, slug])


def test_corporation_cosigns_bound_to_the_approved_digest(round_, client_for, user_named) -> None:
    c = client_for("corporatie.kennemerland")
    page = c.get(reverse("partners:agreements"))
    assert page.status_code == 200
    assert _cosign_url(round_, "zuid-kennemerland") in page.content.decode()
    assert c.post(_cosign_url(round_, "zuid-kennemerland")).status_code == 302
    ack = Acknowledgement.objects.get()
    assert ack.digest == agreed_result(round_).digest
    assert ack.acknowledged_by == user_named("corporatie.kennemerland")
    assert ack.organisation.slug == "woonstichting-kennemerland"
    assert ack.subregion == zk()
    # Once per digest: a second post changes nothing.
    c.post(_cosign_url(round_, "zuid-kennemerland"))
    assert Acknowledgement.objects.count() == 1
    assert (
        _cosign_url(round_, "zuid-kennemerland")
        not in c.get(reverse("partners:agreements")).content.decode()
    )


@pytest.mark.parametrize(
    ("username", "slug", "status"),
    [
        ("corporatie.kennemerland", "amsterdam", 403),  # outside its working area
        ("zorg.zuid-kennemerland", "ijmond", 403),
        ("provincie.noord-holland", "zuid-kennemerland", 403),  # a province observes
        ("beleid.haarlem", "zuid-kennemerland", 403),
        ("programma", "zuid-kennemerland", 403),
    ],
)
def test_who_may_not_cosign(round_, client_for, username, slug, status) -> None:
    assert client_for(username).post(_cosign_url(round_, slug)).status_code == status
    assert not Acknowledgement.objects.exists()


def test_care_provider_cosigns_its_sub_region(round_, client_for) -> None:
    c = client_for("zorg.zuid-kennemerland")
    assert c.post(_cosign_url(round_, "zuid-kennemerland")).status_code == 302
    assert Acknowledgement.objects.get().organisation.slug == "zorg-zuid-kennemerland"


def test_a_round_not_adopted_cannot_be_cosigned(round_, user_named) -> None:
    draft = RoundFactory(name="Concept 2028", status="in_review")
    with pytest.raises(CosignRefused):
        agreement_cosign(round_=draft, subregion=zk(), user=user_named("corporatie.kennemerland"))
    assert not Acknowledgement.objects.exists()
    with pytest.raises(PermissionDenied):
        agreement_cosign(
            round_=round_,
            subregion=SubRegion.objects.get(slug="amsterdam"),
            user=user_named("corporatie.kennemerland"),
        )


def test_pdf_party_list_and_public_page_show_the_acknowledgement(
    round_, client, user_named
) -> None:
    corporation = PartnerOrganisation.objects.get(slug="woonstichting-kennemerland")
    organisation_link_parties(organisation=corporation)
    before = agreement_document_build(round_=round_, subregion=zk(), charts=False)
    party = next(p for p in before.partners if p.name == corporation.name)
    assert party.acknowledged == ""
    agreement_cosign(round_=round_, subregion=zk(), user=user_named("corporatie.kennemerland"))
    after = agreement_document_build(round_=round_, subregion=zk(), charts=False)
    party = next(p for p in after.partners if p.name == corporation.name)
    assert "medeondertekend door Ingrid Visser" in party.acknowledged
    assert agreed_result(round_).digest[:12] in party.acknowledged
    html = client.get(reverse("public:round_detail", args=[round_.pk])).content.decode()
    assert "Woonstichting Kennemerland (demo)" in html
    assert "Ingrid Visser" in html


def test_a_correction_asks_again(round_, user_named) -> None:
    corporation = user_named("corporatie.kennemerland")
    agreement_cosign(round_=round_, subregion=zk(), user=corporation)
    organisation = PartnerOrganisation.objects.get(slug="woonstichting-kennemerland")
    items = selectors.cosign_overview(
        organisation_id=organisation.pk, subregion_ids=frozenset({zk().pk})
    )
    assert [(i.round, i.acknowledgement is not None) for i in items] == [(round_, True)]
    new = agreement_services.round_correct(
        round_=round_, user=user_named("programma"), reason="Rekenfout in de invoer"
    )
    # The corrected round is superseded; once the new version is adopted, it has no
    # acknowledgement yet: the partner is asked again.
    new.status = "agreed"
    new.agreed_run = round_.agreed_run
    new.save()
    items = selectors.cosign_overview(
        organisation_id=organisation.pk, subregion_ids=frozenset({zk().pk})
    )
    assert [(i.round, i.acknowledgement) for i in items] == [(new, None)]
    assert selectors.acknowledgements_valid(new) == []


def test_an_acknowledgement_of_another_digest_does_not_count(round_, user_named) -> None:
    ack = agreement_cosign(
        round_=round_, subregion=zk(), user=user_named("corporatie.kennemerland")
    )
    Acknowledgement.objects.filter(pk=ack.pk).update(digest="0" * 64)
    assert selectors.acknowledgements_valid(round_) == []


def test_a_cosign_schedules_a_new_edition_of_the_pdfs_once(
    round_, user_named, django_capture_on_commit_callbacks
) -> None:
    import hashlib

    from django.utils import timezone

    from reports.models import AgreementDocument, DocumentStatus

    pdf = b"%PDF-1.7\n% stand-in\n%%EOF\n"
    for subregion in (zk(), None, SubRegion.objects.get(slug="amsterdam")):
        AgreementDocument.objects.create(
            round=round_,
            subregion=subregion,
            run_digest=round_.agreed_run.digest,
            digest=agreed_result(round_).digest,
            status=DocumentStatus.READY,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            finished_at=timezone.now(),
        )
    corporation = user_named("corporatie.kennemerland")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        agreement_cosign(round_=round_, subregion=zk(), user=corporation)
    assert len(callbacks) == 1  # sent to the queue once the co-sign commits
    second = AgreementDocument.objects.filter(round=round_, edition=2)
    assert {(d.subregion_id, d.status) for d in second} == {
        (zk().pk, DocumentStatus.PENDING),
        (None, DocumentStatus.PENDING),
    }
    # The same co-sign again changes nothing and makes no further edition.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        agreement_cosign(round_=round_, subregion=zk(), user=corporation)
    assert callbacks == []
    assert AgreementDocument.objects.filter(round=round_).count() == 5
