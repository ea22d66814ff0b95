"""Editions of an agreement document (issue 15): a partner's co-sign after adoption adds a
new edition of the sub-region's and the MRA's document; earlier editions stay as made and
downloadable; pages, downloads and the reaper use the newest edition; a corrected round
starts again at edition 1."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from municipalities.models import SubRegion
from reports import selectors, services
from reports.models import AgreementDocument, DocumentStatus

from .conftest import FAKE_PDF
from .factories import adopted_round, unadopted_round

pytestmark = pytest.mark.django_db


def zk() -> SubRegion:
    return SubRegion.objects.get(slug="zuid-kennemerland")


def _ready(round_: Any, subregion: SubRegion | None, *, edition: int = 1, pdf: bytes = FAKE_PDF):
    return AgreementDocument.objects.create(
        round=round_,
        subregion=subregion,
        edition=edition,
        run_digest=round_.agreed_run.digest,
        digest=services.selectors.agreed_result(round_).digest,
        status=DocumentStatus.READY,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        page_count=1,
        finished_at=timezone.now(),
    )


@pytest.fixture
def round_(db: Any) -> Any:
    return adopted_round()


def test_a_new_edition_of_the_subregion_and_the_mra_after_a_cosign(
    round_, queue, django_capture_on_commit_callbacks
) -> None:
    first_zk, first_mra = _ready(round_, zk()), _ready(round_, None)
    _ready(round_, SubRegion.objects.get(slug="amsterdam"))
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.agreement_edition_schedule(round_id=round_.pk, subregion_id=zk().pk)
    new = AgreementDocument.objects.filter(round=round_, edition=2)
    assert sorted(sent) == sorted(new.values_list("pk", flat=True)) == sorted(queue.sent)
    assert {d.subregion_id for d in new} == {zk().pk, None}  # not Amsterdam
    assert {d.status for d in new} == {DocumentStatus.PENDING}
    # The same agreement: the approved digest and the computation do not change.
    assert {d.digest for d in new} == {first_zk.digest}
    assert {d.run_digest for d in new} == {first_zk.run_digest}
    # The first editions are kept as made.
    for first in (first_zk, first_mra):
        kept = AgreementDocument.objects.get(pk=first.pk)
        assert (kept.status, kept.sha256, bytes(kept.pdf)) == (
            DocumentStatus.READY,
            first.sha256,
            FAKE_PDF,
        )


def test_a_waiting_or_failed_newest_edition_is_sent_again_not_doubled(
    round_, queue, django_capture_on_commit_callbacks
) -> None:
    waiting = AgreementDocument.objects.create(
        round=round_, subregion=zk(), run_digest=round_.agreed_run.digest
    )
    failed = AgreementDocument.objects.create(
        round=round_,
        subregion=None,
        run_digest=round_.agreed_run.digest,
        status=DocumentStatus.FAILED,
        error_message="mislukt",
        attempts=3,
        finished_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.agreement_edition_schedule(round_id=round_.pk, subregion_id=zk().pk)
    assert sorted(sent) == sorted([waiting.pk, failed.pk]) == sorted(queue.sent)
    assert AgreementDocument.objects.filter(round=round_).count() == 2
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error_message) == (DocumentStatus.PENDING, 0, "")


def test_a_document_being_made_gets_a_successor(
    round_, queue, django_capture_on_commit_callbacks
) -> None:
    making = AgreementDocument.objects.create(
        round=round_,
        subregion=zk(),
        run_digest=round_.agreed_run.digest,
        status=DocumentStatus.GENERATING,
        started_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.agreement_edition_schedule(round_id=round_.pk, subregion_id=zk().pk)
    successor = AgreementDocument.objects.get(pk=sent[0])
    assert (successor.subregion_id, successor.edition) == (zk().pk, making.edition + 1)


def test_no_edition_without_documents_or_for_a_round_not_adopted(round_, queue) -> None:
    # No documents yet: edition 1, made at adoption or by the reaper, reads the
    # acknowledgements when it is made.
    assert services.agreement_edition_schedule(round_id=round_.pk, subregion_id=zk().pk) == []
    in_review = unadopted_round()
    AgreementDocument.objects.create(
        round=in_review, subregion=zk(), run_digest=round_.agreed_run.digest
    )
    assert services.agreement_edition_schedule(round_id=in_review.pk, subregion_id=zk().pk) == []
    assert AgreementDocument.objects.filter(round=in_review).count() == 1
    assert queue.sent == []


def test_one_document_per_round_scope_and_edition(round_) -> None:
    _ready(round_, zk())
    _ready(round_, None)
    for subregion in (zk(), None):
        with pytest.raises(IntegrityError), transaction.atomic():
            AgreementDocument.objects.create(
                round=round_, subregion=subregion, edition=1, run_digest=round_.agreed_run.digest
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementDocument.objects.create(
            round=round_, subregion=zk(), edition=0, run_digest=round_.agreed_run.digest
        )
    AgreementDocument.objects.create(
        round=round_, subregion=zk(), edition=2, run_digest=round_.agreed_run.digest
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_every_ready_edition_stays_frozen_on_postgresql(round_) -> None:
    from django.db import DatabaseError

    _ready(round_, zk())
    second = _ready(round_, zk(), edition=2, pdf=FAKE_PDF + b"%2\n")
    for change in (
        lambda: AgreementDocument.objects.filter(pk=second.pk).update(page_count=9),
        lambda: AgreementDocument.objects.filter(pk=second.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()


def test_downloads_give_the_newest_ready_edition_and_an_earlier_one_on_request(
    round_, client_for
) -> None:
    _ready(round_, zk(), pdf=FAKE_PDF + b"%1\n")
    second = _ready(round_, zk(), edition=2, pdf=FAKE_PDF + b"%2\n")
    AgreementDocument.objects.create(
        round=round_, subregion=zk(), edition=3, run_digest=round_.agreed_run.digest
    )
    c = client_for("coordinator.zuid-kennemerland")
    url = reverse("reports:agreement_download", args=[round_.pk, "zuid-kennemerland"])
    newest = c.get(url)  # edition 3 is still being made: edition 2 is served
    assert newest.status_code == 200
    assert newest.content.endswith(b"%2\n")
    assert newest["X-Agreement-Edition"] == "2"
    assert newest["X-Content-SHA256"] == second.sha256
    assert "editie-2.pdf" in newest["Content-Disposition"]
    first = c.get(url + "?editie=1")
    assert (first.status_code, first.content.endswith(b"%1\n")) == (200, True)
    assert first["X-Agreement-Edition"] == "1"
    assert c.get(url + "?editie=3").status_code == 404  # exists, not ready: says so
    assert "niet klaar" in c.get(url + "?editie=3").content.decode()
    assert c.get(url + "?editie=9").status_code == 404
    assert c.get(url + "?editie=abc").status_code == 404
    # Another sub-region's people get no edition at all.
    other = client_for("beleid.amsterdam")
    assert other.get(url + "?editie=1").status_code == 403


def test_the_agreements_page_shows_the_newest_edition_and_lists_the_earlier_ones(
    round_, client_for
) -> None:
    _ready(round_, zk(), pdf=FAKE_PDF + b"%1\n")
    _ready(round_, zk(), edition=2, pdf=FAKE_PDF + b"%2\n")
    c = client_for("coordinator.zuid-kennemerland")
    html = c.get(reverse("reports:round_agreements", args=[round_.pk])).content.decode()
    url = reverse("reports:agreement_download", args=[round_.pk, "zuid-kennemerland"])
    assert html.count('id="status-zuid-kennemerland"') == 1  # one row per scope
    assert f'href="{url}?editie=1"' in html
    assert f'href="{url}?editie=2"' not in html  # the newest is the plain link
    assert f'href="{url}"' in html
    rows = selectors.agreement_document_editions(round_=round_)
    assert [(e.latest.edition, e.ready.edition, [x.edition for x in e.earlier]) for e in rows] == [
        (2, 2, [1])
    ]


def test_the_status_fragment_follows_the_newest_edition(round_, client_for) -> None:
    _ready(round_, zk())
    AgreementDocument.objects.create(
        round=round_, subregion=zk(), edition=2, run_digest=round_.agreed_run.digest
    )
    c = client_for("coordinator.zuid-kennemerland")
    fragment = c.get(reverse("reports:round_documents_status", args=[round_.pk])).content.decode()
    assert "hx-trigger" in fragment  # edition 2 is waiting: the page polls
    assert "(editie 2)" in fragment or "(edition 2)" in fragment


def test_making_again_takes_the_newest_edition(
    round_, client_for, queue, django_capture_on_commit_callbacks
) -> None:
    _ready(round_, zk())
    failed = AgreementDocument.objects.create(
        round=round_,
        subregion=zk(),
        edition=2,
        run_digest=round_.agreed_run.digest,
        status=DocumentStatus.FAILED,
        finished_at=timezone.now(),
    )
    c = client_for("programma")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("reports:agreement_regenerate", args=[round_.pk, "zuid-kennemerland"]))
    failed.refresh_from_db()
    assert failed.status == DocumentStatus.PENDING
    assert queue.sent == [failed.pk]


def test_the_reaper_counts_scopes_not_editions(round_, queue) -> None:
    amsterdam = SubRegion.objects.get(slug="amsterdam")
    scopes = [None, *SubRegion.objects.exclude(pk=amsterdam.pk), amsterdam]
    for subregion in scopes[:-1]:
        _ready(round_, subregion)
    _ready(round_, zk(), edition=2)
    _ready(round_, None, edition=2)
    # 9 rows, but one scope has no document: it is scheduled (edition 1).
    assert AgreementDocument.objects.filter(round=round_).count() == len(scopes) + 1
    sent = services.agreements_schedule_missing()
    assert len(sent) == 1
    missing = AgreementDocument.objects.get(pk=sent[0])
    assert (missing.subregion, missing.edition) == (scopes[-1], 1)
    assert services.agreements_schedule_missing() == []


def test_scheduling_at_adoption_keeps_ready_editions_and_a_correction_starts_at_one(
    round_, queue, user_named, django_capture_on_commit_callbacks
) -> None:
    _ready(round_, zk())
    _ready(round_, zk(), edition=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.agreements_schedule(round_id=round_.pk)
    assert AgreementDocument.objects.filter(round=round_, subregion=zk()).count() == 2
    assert AgreementDocument.objects.filter(round=round_).count() == SubRegion.objects.count() + 2

    new = agreement_services.round_correct(
        round_=round_, user=user_named("programma"), reason="Rekenfout"
    )
    new.status = "agreed"
    new.agreed_run = round_.agreed_run
    new.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.agreements_schedule(round_id=new.pk)
    assert set(AgreementDocument.objects.filter(round=new).values_list("edition", flat=True)) == {1}
