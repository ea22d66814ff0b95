"""Scheduling and generating agreements: one row per scope, claimed once, never twice."""

from __future__ import annotations

import hashlib
import time

import pytest
from django.core.exceptions import ValidationError

from municipalities.models import SubRegion
from reports import services
from reports.models import AgreementDocument, DocumentStatus
from reports.tasks import generate_agreement, generate_agreements

from .factories import adopted_round, unadopted_round


@pytest.mark.django_db
def test_scheduling_an_unadopted_round_is_refused_with_a_clear_message() -> None:
    round_ = unadopted_round()
    with pytest.raises(ValidationError, match="nog niet vastgesteld"):
        services.agreements_schedule(round_id=round_.pk)
    assert not AgreementDocument.objects.filter(round=round_).exists()


@pytest.mark.django_db
def test_scheduling_makes_a_waiting_row_per_subregion_and_one_for_the_mra_and_enqueues_on_commit(
    django_capture_on_commit_callbacks,
) -> None:
    round_ = adopted_round()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.agreements_schedule(round_id=round_.pk)
    assert len(callbacks) == 1
    docs = AgreementDocument.objects.filter(round=round_)
    assert docs.count() == SubRegion.objects.count() + 1 == 8
    assert set(docs.values_list("status", flat=True)) == {DocumentStatus.PENDING}
    assert set(docs.values_list("run_digest", flat=True)) == {round_.agreed_run.digest}


@pytest.mark.django_db
def test_documents_of_another_approved_digest_are_reset_to_the_agreed_one(
    django_capture_on_commit_callbacks,
) -> None:
    round_ = adopted_round()
    with django_capture_on_commit_callbacks(execute=False):
        services.agreements_schedule(round_id=round_.pk)
    # Documents left from another agreement (waiting or failed; a ready one is append-only
    # on PostgreSQL, and an agreed round's run cannot change there: issue 12).
    AgreementDocument.objects.filter(round=round_).update(
        status=DocumentStatus.FAILED,
        error_message="oud",
        digest="b" * 64,
        run_digest="c" * 64,
        finished_at="2026-11-01T10:00Z",
    )
    with django_capture_on_commit_callbacks(execute=False):
        sent = services.agreements_schedule(round_id=round_.pk)
    docs = AgreementDocument.objects.filter(round=round_)
    assert len(sent) == 8
    assert set(docs.values_list("status", flat=True)) == {DocumentStatus.PENDING}
    assert set(docs.values_list("run_digest", flat=True)) == {round_.agreed_run.digest}
    assert "b" * 64 not in set(docs.values_list("digest", flat=True))
    assert not docs.filter(pdf__isnull=False).exists()


@pytest.mark.django_db
def test_the_task_makes_a_waiting_document_once_and_a_second_delivery_changes_nothing(
    django_capture_on_commit_callbacks,
) -> None:
    round_ = adopted_round()
    with django_capture_on_commit_callbacks(execute=False):
        services.agreements_schedule(round_id=round_.pk)
    # Keep the test quick: only the Zuid-Kennemerland document waits.
    AgreementDocument.objects.filter(round=round_).exclude(
        subregion__slug="zuid-kennemerland"
    ).delete()
    assert generate_agreements.apply(args=(round_.pk,)).get() == 1
    first = AgreementDocument.objects.get(round=round_)
    assert first.status == DocumentStatus.READY
    assert bytes(first.pdf).startswith(b"%PDF-")
    assert first.page_count is not None
    assert first.page_count >= 3
    assert generate_agreements.apply(args=(round_.pk,)).get() == 0
    again = AgreementDocument.objects.get(round=round_)
    assert (again.sha256, again.finished_at, bytes(again.pdf)) == (
        first.sha256,
        first.finished_at,
        bytes(first.pdf),
    )


@pytest.mark.django_db
def test_a_document_of_a_round_whose_agreed_run_changed_fails_with_a_dutch_message() -> None:
    round_ = adopted_round()
    doc = AgreementDocument.objects.create(round=round_, subregion=None, run_digest="b" * 64)
    done = services.agreement_generate(document_id=doc.pk)
    assert done is not None
    assert done.status == DocumentStatus.FAILED
    assert "opnieuw" in done.error_message
    assert done.pdf is None


@pytest.mark.django_db
def test_the_task_of_an_unknown_round_does_nothing() -> None:
    assert generate_agreements.apply(args=(987654,)).get() == 0


def _wait_until_ready(round_id: int, count: int, timeout: float = 240) -> list[AgreementDocument]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        docs = list(AgreementDocument.objects.filter(round_id=round_id).defer("pdf"))
        if len(docs) == count and all(
            d.status in (DocumentStatus.READY, DocumentStatus.FAILED) for d in docs
        ):
            return docs
        time.sleep(0.5)
    pytest.fail(f"the agreements of round {round_id} were not made within {timeout} s")


@pytest.mark.services
def test_a_real_worker_makes_and_stores_the_pdfs_and_a_second_delivery_changes_nothing(
    loaded_transactional_db, celery_worker
) -> None:
    round_ = adopted_round()
    services.agreements_schedule(round_id=round_.pk)  # autocommit: sent to the worker now
    docs = _wait_until_ready(round_.pk, 8)
    assert all(d.status == DocumentStatus.READY for d in docs), [d.error_message for d in docs]
    before = {d.pk: (d.sha256, d.finished_at, d.page_count) for d in docs}
    log = celery_worker.log_path.read_text()
    assert "reports.generate_agreement" in log  # one task per document

    # A second delivery of the same tasks: the worker finds nothing to claim.
    for doc in docs:
        assert generate_agreement.delay(doc.pk).get(timeout=60) is None
    assert generate_agreements.delay(round_.pk).get(timeout=60) == 0
    after = {
        d.pk: (d.sha256, d.finished_at, d.page_count)
        for d in AgreementDocument.objects.filter(round=round_).defer("pdf")
    }
    assert after == before
    stored = AgreementDocument.objects.get(round=round_, subregion__slug="zuid-kennemerland")
    assert hashlib.sha256(bytes(stored.pdf)).hexdigest() == stored.sha256


# --- one task per document, stuck documents, making one again (issue 11) --------------------


@pytest.mark.django_db
def test_scheduling_sends_one_task_per_document_after_commit(
    queue, django_capture_on_commit_callbacks
) -> None:
    round_ = adopted_round()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.agreements_schedule(round_id=round_.pk)
    assert queue.sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    docs = AgreementDocument.objects.filter(round=round_)
    assert sorted(queue.sent) == sorted(docs.values_list("pk", flat=True))
    assert len(queue.sent) == 8
    assert not docs.filter(queued_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_document_task_makes_it_once_and_a_second_delivery_changes_nothing(
    queue, django_capture_on_commit_callbacks
) -> None:
    round_ = adopted_round()
    with django_capture_on_commit_callbacks(execute=True):
        services.agreements_schedule(round_id=round_.pk)
    doc = AgreementDocument.objects.get(round=round_, subregion__slug="zuid-kennemerland")
    assert generate_agreement.apply(args=(doc.pk,)).get() == DocumentStatus.READY
    first = AgreementDocument.objects.get(pk=doc.pk)
    assert first.attempts == 1
    assert generate_agreement.apply(args=(doc.pk,)).get() is None
    again = AgreementDocument.objects.get(pk=doc.pk)
    assert (again.sha256, again.finished_at, again.attempts) == (
        first.sha256,
        first.finished_at,
        1,
    )


@pytest.mark.django_db
def test_documents_stuck_waiting_or_generating_are_sent_again_once(
    queue, django_capture_on_commit_callbacks
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    round_ = adopted_round()
    with django_capture_on_commit_callbacks(execute=False):
        services.agreements_schedule(round_id=round_.pk)
    now = timezone.now()
    docs = list(AgreementDocument.objects.filter(round=round_).order_by("pk"))
    waiting, generating, fresh, made = docs[0], docs[1], docs[2], docs[3]
    AgreementDocument.objects.filter(round=round_).update(queued_at=now)
    AgreementDocument.objects.filter(pk=waiting.pk).update(queued_at=now - timedelta(minutes=6))
    AgreementDocument.objects.filter(pk=generating.pk).update(
        status=DocumentStatus.GENERATING, started_at=now - timedelta(minutes=11)
    )
    AgreementDocument.objects.filter(pk=made.pk).update(
        status=DocumentStatus.READY, pdf=b"%PDF-x", sha256="a" * 64, finished_at=now
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.agreements_resume_stuck(now=now)
    assert sorted(sent) == sorted([waiting.pk, generating.pk])
    assert sorted(queue.sent) == sorted(sent)
    assert fresh.pk not in sent
    assert AgreementDocument.objects.get(pk=generating.pk).status == DocumentStatus.PENDING
    # A second sweep right after finds nothing stuck: each document is sent once.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.agreements_resume_stuck(now=now) == []
    assert len(queue.sent) == 2


@pytest.mark.django_db
def test_the_command_and_the_beat_job_sweep_stuck_documents(queue, settings) -> None:
    from io import StringIO

    from django.core.management import call_command

    from reports.tasks import reap_documents, resume_stuck_agreements

    assert any(
        job["task"] == "reports.reap_documents" and job["schedule"] <= 5 * 60
        for job in settings.CELERY_BEAT_SCHEDULE.values()
    )
    out = StringIO()
    call_command("resume_agreements", stdout=out)
    assert "No agreement is stuck" in out.getvalue()
    assert reap_documents.apply().get() == ("agreements: 0 scheduled, 0 sent again, 0 failed")
    assert resume_stuck_agreements.apply().get() == 0


@pytest.mark.django_db
def test_the_programme_team_makes_a_document_again(
    queue, user_named, django_capture_on_commit_callbacks
) -> None:
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    round_ = adopted_round()
    with django_capture_on_commit_callbacks(execute=False):
        services.agreements_schedule(round_id=round_.pk)
    doc = AgreementDocument.objects.get(round=round_, subregion__isnull=True)
    AgreementDocument.objects.filter(pk=doc.pk).update(
        status=DocumentStatus.FAILED, error_message="kapot", finished_at=timezone.now()
    )
    for username in ("beheer", "beleid.haarlem", "stuurgroep.ijmond"):
        with pytest.raises(PermissionDenied):
            services.agreement_regenerate(document=doc, user=user_named(username))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.agreement_regenerate(document=doc, user=user_named("programma"))
    assert again.status == DocumentStatus.PENDING
    assert again.error_message == ""
    assert queue.sent == [doc.pk]
    history = doc.history.first()
    assert history.history_user.username == "programma"
    # While it is being made, it cannot be made again.
    AgreementDocument.objects.filter(pk=doc.pk).update(
        status=DocumentStatus.GENERATING, started_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.agreement_regenerate(document=doc, user=user_named("programma"))
