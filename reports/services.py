"""Writes of the reports app: scheduling, generating and re-generating the PDF agreements.

`agreements_schedule` is called when a round is adopted (agreements.signals.round_adopted):
it makes sure the round has one document row per sub-region and one for the MRA, tied to
the approved digest of `agreed_result`, and sends one generation task per waiting document
once the transaction commits. `agreement_generate` (the task's body) claims one document
with a conditional UPDATE (pending -> generating), renders it and stores the bytes with
their SHA-256; a second delivery finds nothing to claim and does nothing.

A document has editions: edition 1 is made at adoption; `agreement_edition_schedule` (called
when a partner co-signs, partners.services) adds a new edition of the sub-region's and the
MRA's document, with the same agreed numbers and approved digest, so that the new PDF lists
the acknowledgement. Earlier editions stay as made. Every function below that looks for
"the" document of a scope takes its newest edition.

Nothing stays "pending" silently: `agreements_resume_stuck` (a periodic Celery beat job and
`manage.py resume_agreements`) sends again every document that waited or was being made for
longer than a few minutes, and the programme team can make a document again
(`agreement_regenerate`). Tasks import this module, never the reverse: it enqueues by name
(core.jobs.task_named) inside transaction.on_commit.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from allocation.models import Round, RoundStatus
from core.jobs import JobNotSent, publish, task_named
from municipalities.models import SubRegion

from . import background, selectors
from . import wording as w
from .models import AgreementDocument, DocumentStatus
from .pdf import render_pdf_document

logger = logging.getLogger(__name__)

TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
# A document still "generating" this long after it started lost its worker; claim it again.
GENERATION_STALE_AFTER = timedelta(minutes=10)
# A document still "pending" this long after it was sent lost its message; send it again.
PENDING_STALE_AFTER = timedelta(minutes=5)
# A document that a worker started this often without finishing is marked failed.
MAX_ATTEMPTS = 3
TEMPLATE = "reports/agreement.html"
TASK = "reports.generate_agreement"


def _send(document_ids: list[int]) -> None:
    """Hand the documents to the queue, one task each; never raises.

    Without a broker (eager tasks) and with background jobs on (`make run`), they are made
    in this process's background thread instead, after the response (reports.background).
    With a broker, a failure to send (the broker or the result store is away) is logged and
    the remaining documents are not tried, so that an outage costs the request one refused
    send, not eight: they all stay pending with their queue time, and the reaper
    (reports.reaper) sends them again once the broker is back. core.jobs.publish asks for
    no result (the row is the result) and gives up within seconds.
    """
    try:
        if task_named(TASK).app.conf.task_always_eager and background.enabled():
            background.submit(_generate_each, list(document_ids))
            return
        for document_id in document_ids:
            publish(TASK, args=(document_id,))
    except JobNotSent as exc:
        logger.warning(
            "could not send agreements %s to the queue (%s); they stay pending for the reaper",
            document_ids,
            exc,
        )
    except Exception:
        logger.exception(
            "could not send agreements %s to the queue; they stay pending for the reaper",
            document_ids,
        )


def _generate_each(document_ids: list[int]) -> None:
    for document_id in document_ids:
        agreement_generate(document_id=document_id)


def _enqueue_on_commit(document_ids: list[int]) -> None:
    """Send one generation task per document once the transaction commits."""
    if not document_ids:
        return
    ids = list(document_ids)
    transaction.on_commit(lambda: _send(ids))


def agreements_schedule(*, round_id: int) -> list[int]:
    """Prepare the documents of an adopted round and enqueue their generation on commit.

    Documents already made with the same approved digest stay as they are; documents of an
    older agreement (a corrected version) or that failed are made again. Returns the ids
    sent. Raises ValidationError (Dutch) when the round has no adopted agreement.
    """
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        try:
            agreed = selectors.agreed_result(round_)
        except selectors.NotAdopted:
            raise ValidationError(
                _("This round has not been adopted: there are no agreements to make yet.")
            ) from None
        now = timezone.now()
        scopes: list[SubRegion | None] = [None, *SubRegion.objects.order_by("name")]
        existing = _latest_editions(round_)
        send: list[int] = []
        for subregion in scopes:
            key = subregion.pk if subregion is not None else None
            doc = existing.get(key)
            if doc is None:
                doc = AgreementDocument(
                    round=round_,
                    subregion=subregion,
                    run_digest=agreed.run_digest,
                    digest=agreed.digest,
                    queued_at=now,
                )
                doc.full_clean()
                doc.save()
                send.append(doc.pk)
            elif doc.status == DocumentStatus.READY:
                # Kept as made (append-only; on PostgreSQL a trigger too); an agreed
                # round's numbers cannot change there either.
                if doc.digest != agreed.digest:
                    logger.warning(
                        "ready agreement %s carries another digest than round %s; kept",
                        doc.pk,
                        round_.pk,
                    )
            elif doc.digest != agreed.digest or doc.status == DocumentStatus.FAILED:
                AgreementDocument.objects.filter(pk=doc.pk).update(
                    status=DocumentStatus.PENDING,
                    run_digest=agreed.run_digest,
                    digest=agreed.digest,
                    pdf=None,
                    sha256="",
                    page_count=None,
                    error_message="",
                    queued_at=now,
                    started_at=None,
                    finished_at=None,
                )
                send.append(doc.pk)
            elif doc.status == DocumentStatus.PENDING:
                AgreementDocument.objects.filter(pk=doc.pk).update(queued_at=now)
                send.append(doc.pk)
        logger.info("agreements of round %s scheduled (%s to make)", round_.pk, len(send))
        _enqueue_on_commit(send)
    return send


def _latest_editions(round_: Round) -> dict[int | None, AgreementDocument]:
    """Per sub-region id (None for the MRA) the newest edition of the round's document."""
    latest: dict[int | None, AgreementDocument] = {}
    for document in (
        AgreementDocument.objects.filter(round=round_).defer("pdf").order_by("edition", "pk")
    ):
        latest[document.subregion_id] = document
    return latest


def agreement_edition_schedule(*, round_id: int, subregion_id: int) -> list[int]:
    """A new edition of the sub-region's document and of the MRA's (which lists every
    partner), after a partner co-signed the adopted agreement: same numbers, same approved
    digest, made once the transaction commits. Returns the ids sent.

    Per scope: without any document yet nothing is added (edition 1, made at adoption or by
    the reaper, reads the acknowledgements when it is made); a newest edition that still
    waits is sent again and one that failed goes back to waiting, since either is made with
    the acknowledgements of that moment; a newest edition that is ready or being made gets
    a successor (edition + 1). Nothing happens for a round that is not adopted."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        if not selectors.round_is_adopted(round_):
            return []
        agreed = selectors.agreed_result(round_)
        latest = _latest_editions(round_)
        now = timezone.now()
        send: list[int] = []
        for key in (subregion_id, None):
            doc = latest.get(key)
            if doc is None:
                continue
            if doc.status in (DocumentStatus.PENDING, DocumentStatus.FAILED):
                changed = AgreementDocument.objects.filter(
                    pk=doc.pk, status__in=[DocumentStatus.PENDING, DocumentStatus.FAILED]
                ).update(
                    status=DocumentStatus.PENDING,
                    error_message="",
                    queued_at=now,
                    started_at=None,
                    finished_at=None,
                    attempts=0,
                )
                if changed:
                    send.append(doc.pk)
                    continue
            new = AgreementDocument(
                round=round_,
                subregion_id=key,
                edition=doc.edition + 1,
                run_digest=agreed.run_digest,
                digest=agreed.digest,
                queued_at=now,
            )
            new.full_clean()
            new.save()
            send.append(new.pk)
        if send:
            logger.info(
                "new editions of the agreements of round %s (sub-region %s): %s",
                round_.pk,
                subregion_id,
                send,
            )
        _enqueue_on_commit(send)
    return send


def agreement_regenerate(*, document: AgreementDocument, user: Any) -> AgreementDocument:
    """Make one document again (programme team or chair): back to waiting with its attempts
    counted from zero, sent to the queue on commit. Refused for a ready document (kept as
    made), while it is being made right now, and for a round not adopted."""
    if not access.can_retry_agreements(user):
        raise PermissionDenied
    with transaction.atomic():
        doc = (
            AgreementDocument.objects.select_for_update()
            .select_related("round")
            .get(pk=document.pk)
        )
        if not selectors.round_is_adopted(doc.round):
            raise ValidationError(
                _("This round has not been adopted: there are no agreements to make yet.")
            )
        agreed = selectors.agreed_result(doc.round)
        now = timezone.now()
        if doc.status == DocumentStatus.READY and doc.digest == agreed.digest:
            # A made agreement is kept as made (append-only; on PostgreSQL a trigger too).
            raise ValidationError(
                _("This agreement is made and is kept as it was made; it cannot be made again.")
            )
        if (
            doc.status == DocumentStatus.GENERATING
            and doc.started_at is not None
            and doc.started_at >= now - GENERATION_STALE_AFTER
        ):
            raise ValidationError(_("This agreement is being made right now. Try again shortly."))
        doc.status = DocumentStatus.PENDING
        doc.run_digest = agreed.run_digest
        doc.digest = agreed.digest
        doc.pdf = None
        doc.sha256 = ""
        doc.page_count = None
        doc.error_message = ""
        doc.queued_at = now
        doc.started_at = None
        doc.finished_at = None
        doc.attempts = 0
        doc.full_clean()
        doc._history_user = user  # type: ignore[attr-defined]
        doc._change_reason = "opnieuw maken"  # type: ignore[attr-defined]
        doc.save()
        _enqueue_on_commit([doc.pk])
    return doc


def agreements_retry(*, round_: Round, user: Any) -> list[int]:
    """ "Opnieuw proberen" on the round (programme team or chair): every document of the
    round that failed, or waits or is being made longer than the reaper's limits, goes
    back to waiting with its attempts counted from zero and is sent again on commit.
    Returns the ids sent; an empty list when nothing needed it."""
    if not access.can_retry_agreements(user):
        raise PermissionDenied
    if not selectors.round_is_adopted(round_):
        raise ValidationError(
            _("This round has not been adopted: there are no agreements to make yet.")
        )
    now = timezone.now()
    retry = Q(status=DocumentStatus.FAILED) | _stuck(now)
    with transaction.atomic():
        ids = list(
            AgreementDocument.objects.select_for_update()
            .filter(retry, round=round_)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for document_id in ids:
            doc = AgreementDocument.objects.defer("pdf").get(pk=document_id)
            doc.status = DocumentStatus.PENDING
            doc.error_message = ""
            doc.queued_at = now
            doc.started_at = None
            doc.finished_at = None
            doc.attempts = 0
            doc._history_user = user  # type: ignore[attr-defined]
            doc._change_reason = "opnieuw proberen"  # type: ignore[attr-defined]
            doc.save(
                update_fields=[
                    "status",
                    "error_message",
                    "queued_at",
                    "started_at",
                    "finished_at",
                    "attempts",
                ]
            )
        if ids:
            logger.info("agreements %s of round %s retried by %s", ids, round_.pk, user.pk)
        _enqueue_on_commit(ids)
    return ids


def _stuck(now: datetime) -> Q:
    """Documents waiting longer than PENDING_STALE_AFTER since they were sent, or "being
    made" longer than GENERATION_STALE_AFTER (their worker died or lost the message)."""
    pending_before = now - PENDING_STALE_AFTER
    waiting = Q(status=DocumentStatus.PENDING) & (
        Q(queued_at__lt=pending_before) | Q(queued_at__isnull=True, created_at__lt=pending_before)
    )
    stale = Q(status=DocumentStatus.GENERATING, started_at__lt=now - GENERATION_STALE_AFTER)
    return waiting | stale


def is_stuck(document: AgreementDocument, now: datetime) -> bool:
    """The same test as `_stuck`, on a loaded row (for the status on the page)."""
    if document.status == DocumentStatus.PENDING:
        since = document.queued_at or document.created_at
        return since is not None and since < now - PENDING_STALE_AFTER
    if document.status == DocumentStatus.GENERATING:
        return document.started_at is not None and (
            document.started_at < now - GENERATION_STALE_AFTER
        )
    return False


def agreements_fail_exhausted(*, now: datetime | None = None) -> list[int]:
    """Mark failed every stuck document that a worker already started MAX_ATTEMPTS times
    (a PDF that kills its worker must not loop for ever); the page then offers "Opnieuw
    proberen". Returns the ids marked failed."""
    now = now or timezone.now()
    exhausted = _stuck(now) & Q(attempts__gte=MAX_ATTEMPTS)
    with translation.override("nl"):
        message = _(
            "The PDF could not be made after %(n)s attempts. Try again; if it fails again, "
            "ask the system administrator."
        ) % {"n": MAX_ATTEMPTS}
    with transaction.atomic():
        ids = list(
            AgreementDocument.objects.filter(exhausted).order_by("pk").values_list("pk", flat=True)
        )
        failed = []
        for document_id in ids:
            changed = AgreementDocument.objects.filter(exhausted, pk=document_id).update(
                status=DocumentStatus.FAILED, error_message=message, finished_at=now
            )
            if changed:
                failed.append(document_id)
        if failed:
            logger.error("agreements %s failed after %s attempts", failed, MAX_ATTEMPTS)
    return failed


def agreements_resume_stuck(*, now: datetime | None = None) -> list[int]:
    """Send again every stuck document (see `_stuck`) that was started fewer than
    MAX_ATTEMPTS times. Returns the ids sent. Idempotent: a document is sent again at most
    once per stale window. A document that never reached a worker (the broker was away)
    is sent again at every sweep until it does; its attempts stay 0."""
    now = now or timezone.now()
    stuck = _stuck(now) & Q(attempts__lt=MAX_ATTEMPTS)
    with transaction.atomic():
        ids = list(
            AgreementDocument.objects.filter(stuck)
            .order_by("round_id", "pk")
            .values_list("pk", flat=True)
        )
        sent = []
        for document_id in ids:
            # Claim: only a row that is still stuck is sent, so two sweeps send it once.
            changed = AgreementDocument.objects.filter(stuck, pk=document_id).update(
                status=DocumentStatus.PENDING, started_at=None, queued_at=now
            )
            if changed:
                sent.append(document_id)
        if sent:
            logger.warning("agreements %s were stuck; sent to the queue again", sent)
        _enqueue_on_commit(sent)
    return sent


def agreements_schedule_missing() -> list[int]:
    """Schedule the documents of every agreed round that has fewer than one per sub-region
    plus the MRA (the adoption committed but its scheduling never ran, e.g. the process
    stopped in between). Every scope has an edition 1 once scheduled, so those are counted.
    Returns the ids sent."""
    expected = SubRegion.objects.count() + 1
    rounds = list(
        Round.objects.filter(status=RoundStatus.AGREED, agreed_run__isnull=False)
        .annotate(documents=Count("agreement_documents", filter=Q(agreement_documents__edition=1)))
        .filter(documents__lt=expected)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent: list[int] = []
    for round_id in rounds:
        logger.warning("agreed round %s misses agreement documents; scheduling them", round_id)
        sent += agreements_schedule(round_id=round_id)
    return sent


def _claimable(now: datetime) -> Q:
    return Q(status=DocumentStatus.PENDING) | Q(
        status=DocumentStatus.GENERATING, started_at__lt=now - GENERATION_STALE_AFTER
    )


def agreement_render(*, document: AgreementDocument) -> tuple[bytes, int]:
    """The PDF bytes and page count of one document, from the round's agreed numbers."""
    round_ = document.round
    subregion = document.subregion
    with translation.override("nl"):
        content = selectors.agreement_document_build(round_=round_, subregion=subregion)
        agreed = selectors.agreed_result(round_)
        scope = subregion.name if subregion is not None else None
        rendered = render_pdf_document(
            TEMPLATE,
            {
                "doc": content,
                "numbers_digest": selectors.scope_numbers_digest(agreed, scope),
                "edition": document.edition,
                "edition_line": edition_line(document.edition, content.partners),
            },
            title=f"{round_.pk}-{document.scope_slug}",
        )
    return rendered.content, rendered.pages


def edition_line(edition: int, partners: list[Any]) -> str:
    """What the PDF says of its edition (Dutch): "2 — met medeondertekening van A en B",
    naming the partners whose acknowledgement its party list shows."""
    names = [p.name for p in partners if getattr(p, "acknowledged", "")]
    line = str(edition)
    if names:
        line += f" — met medeondertekening van {w.nl_list(names)}"
    return line


class _ChangedAgreement(Exception):
    """The round's agreement is no longer the one this document was scheduled for."""


def agreement_generate(*, document_id: int) -> AgreementDocument | None:
    """Claim and make one document; None when there was nothing to do."""
    started = timezone.now()
    claimed = AgreementDocument.objects.filter(_claimable(started), pk=document_id).update(
        status=DocumentStatus.GENERATING,
        started_at=started,
        error_message="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    document = (
        AgreementDocument.objects.select_related("round", "subregion")
        .defer("pdf")
        .get(pk=document_id)
    )
    try:
        agreed = selectors.agreed_result(document.round)
        if not document.digest and document.run_digest == agreed.run_digest:
            # A row made before documents carried the approved digest: the same agreement.
            AgreementDocument.objects.filter(pk=document_id).update(digest=agreed.digest)
            document.digest = agreed.digest
        if agreed.digest != document.digest:
            raise _ChangedAgreement(document.round_id)
        pdf, pages = agreement_render(document=document)
        with transaction.atomic():
            AgreementDocument.objects.filter(
                pk=document_id, status=DocumentStatus.GENERATING, started_at=started
            ).update(
                status=DocumentStatus.READY,
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                page_count=pages,
                finished_at=timezone.now(),
            )
    except TRANSIENT_DB_ERRORS:
        logger.warning("database error making agreement %s; back to waiting", document_id)
        try:
            AgreementDocument.objects.filter(
                pk=document_id, status=DocumentStatus.GENERATING, started_at=started
            ).update(status=DocumentStatus.PENDING, started_at=None, queued_at=timezone.now())
        except TRANSIENT_DB_ERRORS:
            logger.warning(
                "could not put agreement %s back; it is claimed again later", document_id
            )
        raise
    except (selectors.NotAdopted, _ChangedAgreement):
        _fail(document_id=document_id, started=started, message_id="not_adopted")
    except Exception:
        logger.exception("making agreement %s failed", document_id)
        _fail(document_id=document_id, started=started, message_id="unexpected")
    return AgreementDocument.objects.defer("pdf").get(pk=document_id)


def _fail(*, document_id: int, started: datetime, message_id: str) -> None:
    with translation.override("nl"):
        message = (
            _("The agreement of this round changed; make the agreements again.")
            if message_id == "not_adopted"
            else _("The PDF could not be made because of an unexpected error. Try again later.")
        )
    AgreementDocument.objects.filter(
        pk=document_id, status=DocumentStatus.GENERATING, started_at=started
    ).update(status=DocumentStatus.FAILED, error_message=message, finished_at=timezone.now())


def agreements_generate(*, round_id: int) -> int:
    """Make every waiting document of a round in this process; returns how many it made."""
    ids = list(
        AgreementDocument.objects.filter(_claimable(timezone.now()), round_id=round_id)
        .order_by("subregion__name")
        .values_list("pk", flat=True)
    )
    made = 0
    for document_id in ids:
        document = agreement_generate(document_id=document_id)
        if document is not None and document.status == DocumentStatus.READY:
            made += 1
    return made
