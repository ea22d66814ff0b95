"""Adoption as a background job (issues 12, 13 and 14): the chair's click returns at once,
one task per document, a broker failure never undoes the adoption, the reaper, the retry
action and the status the round page polls."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from agreements import services as review_services
from agreements.tests.fixtures import approve_all, proposal, review_round  # noqa: F401
from allocation.models import RoundStatus
from municipalities.models import SubRegion
from reports import background, reaper, services
from reports.models import AgreementDocument, DocumentStatus

from .factories import adopted_round


def _english(client: Any) -> Any:
    """The client as a user who chose English with the language switch (new texts are
    checked in English; their Dutch comes with the merged catalogue)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _adopt(proposal, user_named, callbacks_fixture) -> Any:  # noqa: F811
    approve_all(proposal, user_named)
    with callbacks_fixture(execute=True):
        return review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))


# --- one task per document -------------------------------------------------------------------


@pytest.mark.django_db
def test_adoption_enqueues_one_task_per_document_after_commit(
    proposal,  # noqa: F811
    user_named,
    queue,
    django_capture_on_commit_callbacks,
) -> None:
    approve_all(proposal, user_named)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_ = review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))
    assert queue.sent == []  # nothing before the adoption is committed
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    docs = AgreementDocument.objects.filter(round=round_)
    assert docs.count() == SubRegion.objects.count() + 1 == 8
    # One task per document, each document once: 8 tasks that two workers share.
    assert sorted(queue.sent) == sorted(docs.values_list("pk", flat=True))
    assert len(set(queue.sent)) == 8
    assert set(docs.values_list("status", flat=True)) == {DocumentStatus.PENDING}


@pytest.mark.django_db
def test_a_broker_failure_at_adoption_keeps_the_adoption_and_leaves_the_documents_pending(
    proposal,  # noqa: F811
    user_named,
    queue,
    django_capture_on_commit_callbacks,
) -> None:
    queue.down = True
    round_ = _adopt(proposal, user_named, django_capture_on_commit_callbacks)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.AGREED
    assert round_.agreed_run_id == proposal.run_id
    docs = AgreementDocument.objects.filter(round=round_)
    assert docs.count() == 8
    assert set(docs.values_list("status", flat=True)) == {DocumentStatus.PENDING}
    assert not docs.filter(queued_at__isnull=True).exists()
    # The first refused send stops the others: an outage costs the click one attempt.
    assert len(queue.tried) == 1
    assert queue.sent == []

    # The broker is back; the reaper's next sweep (past the limit) sends all eight.
    queue.down = False
    with django_capture_on_commit_callbacks(execute=True):
        result = reaper.reap_documents(now=timezone.now() + services.PENDING_STALE_AFTER * 2)
    assert sorted(result.resent) == sorted(docs.values_list("pk", flat=True))
    assert sorted(queue.sent) == sorted(result.resent)


# --- in-process jobs without a broker (make run) ---------------------------------------------


@pytest.mark.django_db
def test_without_a_broker_the_documents_are_made_in_a_background_thread(
    queue, settings, monkeypatch
) -> None:
    settings.EAGER_JOBS_IN_THREAD = True
    queue.app.conf.task_always_eager = True
    release = threading.Event()
    seen: list[tuple[int, str]] = []

    def slow_generate(*, document_id: int) -> None:
        release.wait(10)
        seen.append((document_id, threading.current_thread().name))

    monkeypatch.setattr(services, "agreement_generate", slow_generate)
    try:
        start = time.monotonic()
        services._send([11, 12])
        returned_after = time.monotonic() - start
        assert returned_after < 1  # the caller (the request) does not wait for the PDFs
        assert seen == []
        assert queue.tried == []  # nothing went to a broker
        release.set()
        background.submit(lambda: None).result(timeout=10)  # the thread did the work before
    finally:
        queue.app.conf.task_always_eager = False
        release.set()
    assert [doc for doc, _ in seen] == [11, 12]
    assert all(name.startswith("mra-jobs") for _, name in seen)


def test_background_jobs_are_on_under_debug_unless_the_setting_says_otherwise(settings) -> None:
    settings.DEBUG = True
    assert background.enabled()
    settings.EAGER_JOBS_IN_THREAD = False
    assert not background.enabled()
    settings.DEBUG = False
    del settings.EAGER_JOBS_IN_THREAD
    assert not background.enabled()


def test_a_failing_background_job_is_logged_and_the_thread_goes_on(caplog) -> None:
    def broken() -> None:
        raise RuntimeError("kapot")

    background.submit(broken).result(timeout=10)
    assert "background job broken failed" in caplog.text
    assert background.submit(lambda: None).result(timeout=10) is None


@pytest.mark.django_db(transaction=True)
def test_a_real_document_is_made_in_the_background_thread_after_the_call_returns(
    loaded_transactional_db, settings
) -> None:
    from mra_housing.celery import app

    settings.EAGER_JOBS_IN_THREAD = True
    round_ = adopted_round(name="Afspraken achtergrond")
    doc = AgreementDocument.objects.create(
        round=round_,
        subregion=SubRegion.objects.get(slug="ijmond"),
        run_digest=round_.agreed_run.digest,
        digest=services.selectors.agreed_result(round_).digest,
        queued_at=timezone.now(),
    )
    assert app.conf.task_always_eager
    start = time.monotonic()
    services._send([doc.pk])
    assert time.monotonic() - start < 1
    background.submit(lambda: None).result(timeout=300)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY, doc.error_message
    assert bytes(doc.pdf).startswith(b"%PDF-")


# --- the reaper ------------------------------------------------------------------------------


def _scheduled(round_, django_capture_on_commit_callbacks) -> list[AgreementDocument]:
    with django_capture_on_commit_callbacks(execute=False):
        services.agreements_schedule(round_id=round_.pk)
    return list(
        AgreementDocument.objects.filter(round=round_).select_related("subregion").order_by("pk")
    )


@pytest.mark.django_db
def test_the_reaper_fails_a_document_started_three_times_and_sends_the_others_again(
    queue, django_capture_on_commit_callbacks
) -> None:
    round_ = adopted_round()
    docs = _scheduled(round_, django_capture_on_commit_callbacks)
    now = timezone.now()
    AgreementDocument.objects.filter(round=round_).update(queued_at=now)
    exhausted, once, never_sent = docs[0], docs[1], docs[2]
    AgreementDocument.objects.filter(pk=exhausted.pk).update(
        status=DocumentStatus.GENERATING,
        started_at=now - timedelta(minutes=11),
        attempts=services.MAX_ATTEMPTS,
    )
    AgreementDocument.objects.filter(pk=once.pk).update(
        status=DocumentStatus.GENERATING, started_at=now - timedelta(minutes=11), attempts=1
    )
    AgreementDocument.objects.filter(pk=never_sent.pk).update(
        queued_at=now - timedelta(hours=3), attempts=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = reaper.reap_documents(now=now)
    assert result.failed == [exhausted.pk]
    assert sorted(result.resent) == sorted([once.pk, never_sent.pk])
    assert sorted(queue.sent) == sorted(result.resent)
    failed = AgreementDocument.objects.get(pk=exhausted.pk)
    assert failed.status == DocumentStatus.FAILED
    assert f" {services.MAX_ATTEMPTS} " in failed.error_message
    assert failed.pdf is None
    # Nothing more to do right after: a second sweep touches nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert reaper.reap_documents(now=now).total == 0


@pytest.mark.django_db
def test_the_reaper_schedules_the_documents_of_an_agreed_round_that_has_none(
    queue, django_capture_on_commit_callbacks
) -> None:
    round_ = adopted_round()
    assert not AgreementDocument.objects.filter(round=round_).exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = reaper.reap_documents()
    docs = AgreementDocument.objects.filter(round=round_)
    assert docs.count() == 8
    assert sorted(result.scheduled) == sorted(docs.values_list("pk", flat=True))
    assert sorted(queue.sent) == sorted(result.scheduled)


@pytest.mark.django_db
def test_the_reaper_is_registered_with_the_jobs_of_the_project(queue) -> None:
    from core import jobs

    outcomes = jobs.reap_all()
    assert outcomes["reports"] == {"scheduled": 0, "sent again": 0, "failed": 0}


# --- "Opnieuw proberen": the retry action ----------------------------------------------------

RETRY_REFUSED = [
    "beleid.haarlem",
    "coordinator.zuid-kennemerland",
    "stuurgroep.zuid-kennemerland",
    "beheer",
]


def _failed_round(django_capture_on_commit_callbacks) -> tuple[Any, AgreementDocument]:
    """An adopted round whose Amsterdam document failed and the 7 others are ready (a
    ready row is append-only on PostgreSQL, so the failed one is set first)."""
    round_ = adopted_round()
    docs = _scheduled(round_, django_capture_on_commit_callbacks)
    failed = next(d for d in docs if d.subregion is not None and d.subregion.slug == "amsterdam")
    AgreementDocument.objects.filter(pk=failed.pk).update(
        status=DocumentStatus.FAILED,
        error_message="Het maken lukte niet na 3 pogingen.",
        attempts=3,
    )
    AgreementDocument.objects.filter(round=round_).exclude(pk=failed.pk).update(
        status=DocumentStatus.READY, pdf=b"%PDF-x", sha256="a" * 64, finished_at=timezone.now()
    )
    return round_, failed


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["programma", "voorzitter"])
def test_the_programme_team_and_the_chair_retry_failed_documents(
    username, client_for, queue, django_capture_on_commit_callbacks
) -> None:
    round_, failed = _failed_round(django_capture_on_commit_callbacks)
    url = reverse("reports:round_agreements_retry", kwargs={"pk": round_.pk})
    review = reverse("agreements:round_review", kwargs={"pk": round_.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(username).post(url, {"next": review})
    assert response.status_code == 302
    assert response["Location"] == review
    doc = AgreementDocument.objects.get(pk=failed.pk)
    assert (doc.status, doc.attempts, doc.error_message) == (DocumentStatus.PENDING, 0, "")
    assert queue.sent == [failed.pk]  # only the failed one; the ready ones stay as they are
    assert AgreementDocument.objects.filter(round=round_, status=DocumentStatus.READY).count() == 7


@pytest.mark.django_db
@pytest.mark.parametrize("username", RETRY_REFUSED)
def test_other_roles_cannot_retry_documents(
    username, client_for, queue, django_capture_on_commit_callbacks
) -> None:
    round_, failed = _failed_round(django_capture_on_commit_callbacks)
    url = reverse("reports:round_agreements_retry", kwargs={"pk": round_.pk})
    response = client_for(username).post(url)
    assert response.status_code == 403
    assert AgreementDocument.objects.get(pk=failed.pk).status == DocumentStatus.FAILED
    assert queue.sent == []
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    with pytest.raises(PermissionDenied):
        services.agreements_retry(round_=round_, user=user)


@pytest.mark.django_db
def test_retry_is_a_post_and_refuses_an_outside_next(
    client_for, queue, django_capture_on_commit_callbacks
) -> None:
    round_, _failed = _failed_round(django_capture_on_commit_callbacks)
    url = reverse("reports:round_agreements_retry", kwargs={"pk": round_.pk})
    client = client_for("programma")
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("reports:round_agreements", kwargs={"pk": round_.pk})


# --- the status on the page, polled with htmx ------------------------------------------------


@pytest.mark.django_db
def test_the_status_fragment_shows_each_document_in_dutch_and_polls_until_all_are_done(
    client_for, queue, django_capture_on_commit_callbacks
) -> None:
    round_ = adopted_round()
    docs = _scheduled(round_, django_capture_on_commit_callbacks)
    AgreementDocument.objects.filter(pk=docs[0].pk).update(
        status=DocumentStatus.GENERATING, started_at=timezone.now()
    )
    url = reverse("reports:round_documents_status", kwargs={"pk": round_.pk})
    client = client_for("voorzitter")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert html.count(">wacht<") == 7
    assert html.count(">wordt gemaakt<") == 1
    assert 'action="/rondes' not in html  # no retry button: nothing failed or stuck
    english = _english(client_for("voorzitter")).get(url).content.decode()
    assert "0 of 8 agreements are ready." in english
    assert ">being made<" in english

    # Nothing changed since the fragment the page has: 204, htmx keeps it.
    state = response.context["progress"].state
    assert client.get(url, {"seen": state}).status_code == 204

    # All made: the fragment says so and stops polling.
    AgreementDocument.objects.filter(round=round_).update(
        status=DocumentStatus.READY,
        pdf=b"%PDF-x",
        sha256="a" * 64,
        finished_at=timezone.now(),
        started_at=None,
    )
    done = client.get(url, {"seen": state}).content.decode()
    assert "hx-trigger" not in done
    assert done.count(">klaar<") == 8
    english = _english(client_for("voorzitter")).get(url).content.decode()
    assert "All agreements are ready." in english


@pytest.mark.django_db
def test_the_status_shows_failed_documents_and_the_retry_button_only_to_those_who_may(
    client_for, queue, django_capture_on_commit_callbacks
) -> None:
    round_, _failed = _failed_round(django_capture_on_commit_callbacks)
    url = reverse("reports:round_documents_status", kwargs={"pk": round_.pk})
    retry = reverse("reports:round_agreements_retry", kwargs={"pk": round_.pk})
    for username in ("programma", "voorzitter"):
        html = client_for(username).get(url).content.decode()
        assert ">mislukt<" in html
        assert f'action="{retry}"' in html
        assert "Try again" in _english(client_for(username)).get(url).content.decode()
    html = client_for("stuurgroep.zuid-kennemerland").get(url).content.decode()
    assert ">mislukt<" not in html  # the failed one is not theirs to see
    assert f'action="{retry}"' not in html
    # A steering member sees the MRA document and the own sub-region's only.
    assert html.count('class="document-status') == 2


@pytest.mark.django_db
def test_the_status_of_a_round_not_adopted_is_not_found_and_anonymous_users_log_in(
    client_for,
) -> None:
    from .factories import unadopted_round

    round_ = unadopted_round()
    url = reverse("reports:round_documents_status", kwargs={"pk": round_.pk})
    assert client_for("voorzitter").get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


@pytest.mark.django_db
def test_the_review_and_round_pages_of_an_adopted_round_show_the_documents_status(
    proposal,  # noqa: F811
    user_named,
    client_for,
    queue,
    django_capture_on_commit_callbacks,
) -> None:
    approve_all(proposal, user_named)
    client = _english(client_for("voorzitter"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agreements:round_review", kwargs={"pk": proposal.round_id}),
            {"action": "adopt"},
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The PDF agreements are being made in the background" in page
    assert 'id="agreement-documents"' in page
    assert "0 of 8 agreements are ready." in page
    assert "htmx" in page  # the script that polls
    round_page = client.get(reverse("allocation:round_detail", kwargs={"pk": proposal.round_id}))
    assert 'id="agreement-documents"' in round_page.content.decode()


@pytest.mark.django_db
def test_a_ready_document_is_kept_as_made_and_cannot_be_made_again(
    user_named, queue, django_capture_on_commit_callbacks
) -> None:
    from django.core.exceptions import ValidationError

    round_, failed = _failed_round(django_capture_on_commit_callbacks)
    ready = AgreementDocument.objects.filter(round=round_, status=DocumentStatus.READY).first()
    assert ready is not None
    with pytest.raises(ValidationError):
        services.agreement_regenerate(document=ready, user=user_named("programma"))
    assert AgreementDocument.objects.get(pk=ready.pk).status == DocumentStatus.READY
    assert queue.sent == []
