"""Writes of the reports app: scheduling and generating the PDF agreements of a round.

`agreements_schedule` is called by the adoption service (on commit of the adoption): it
makes sure the round has one document row per sub-region and one for the MRA, tied to the
digest of the agreed run, and sends the generation task once the transaction commits.
`agreements_generate` (the task's body) claims each waiting document with a conditional
UPDATE (pending -> generating), renders it from the agreed run's stored results and stores
the bytes with their SHA-256. A second delivery finds nothing to claim and does nothing.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allocation.models import Round
from core.jobs import task_named
from municipalities.models import SubRegion

from . import selectors
from .models import AgreementDocument, DocumentStatus
from .pdf import render_pdf_document

logger = logging.getLogger(__name__)

TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
# A document still "generating" this long after it started lost its worker; claim it again.
GENERATION_STALE_AFTER = timedelta(minutes=10)
TEMPLATE = "reports/agreement.html"


def agreements_schedule(*, round_id: int) -> None:
    """Prepare the documents of an adopted round and enqueue their generation on commit.

    Documents already made from the same agreed run stay as they are; documents of an older
    agreed run (a corrected version) or that failed are made again. Raises ValidationError
    (Dutch) when the round has no adopted computation.
    """
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        try:
            run = selectors.agreed_run_of(round_)
        except selectors.NotAdopted:
            raise ValidationError(
                _("This round has not been adopted: there are no agreements to make yet.")
            ) from None
        scopes: list[SubRegion | None] = [None, *SubRegion.objects.order_by("name")]
        existing = {d.subregion_id: d for d in AgreementDocument.objects.filter(round=round_)}
        for subregion in scopes:
            key = subregion.pk if subregion is not None else None
            doc = existing.get(key)
            if doc is None:
                doc = AgreementDocument(round=round_, subregion=subregion, run_digest=run.digest)
                doc.full_clean()
                doc.save()
            elif doc.run_digest != run.digest or doc.status == DocumentStatus.FAILED:
                AgreementDocument.objects.filter(pk=doc.pk).update(
                    status=DocumentStatus.PENDING,
                    run_digest=run.digest,
                    pdf=None,
                    sha256="",
                    page_count=None,
                    error_message="",
                    started_at=None,
                    finished_at=None,
                )
        logger.info("agreements of round %s scheduled (run %s)", round_.pk, run.pk)
        transaction.on_commit(lambda: _send(round_id=round_id))


def _send(*, round_id: int) -> None:
    from kombu.exceptions import OperationalError as BrokerError

    try:
        task_named("reports.generate_agreements").delay(round_id)
    except BrokerError:
        # The rows stay pending; scheduling again (or the next delivery) makes them.
        logger.exception("could not send the agreements of round %s to the queue", round_id)


def _claimable(now: datetime) -> Q:
    return Q(status=DocumentStatus.PENDING) | Q(
        status=DocumentStatus.GENERATING, started_at__lt=now - GENERATION_STALE_AFTER
    )


def agreement_render(*, document: AgreementDocument) -> tuple[bytes, int]:
    """The PDF bytes and page count of one document, from the round's agreed run."""
    round_ = document.round
    subregion = document.subregion
    with translation.override("nl"):
        content = selectors.agreement_document_build(round_=round_, subregion=subregion)
        rendered = render_pdf_document(
            TEMPLATE, {"doc": content}, title=f"{round_.pk}-{document.scope_slug}"
        )
    return rendered.content, rendered.pages


def agreement_generate(*, document_id: int) -> AgreementDocument | None:
    """Claim and make one document; None when there was nothing to do."""
    started = timezone.now()
    claimed = AgreementDocument.objects.filter(_claimable(started), pk=document_id).update(
        status=DocumentStatus.GENERATING, started_at=started, error_message=""
    )
    if not claimed:
        return None
    document = (
        AgreementDocument.objects.select_related("round", "subregion")
        .defer("pdf")
        .get(pk=document_id)
    )
    try:
        run = selectors.agreed_run_of(document.round)
        if run.digest != document.run_digest:
            raise selectors.NotAdopted(document.round_id)
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
            ).update(status=DocumentStatus.PENDING, started_at=None)
        except TRANSIENT_DB_ERRORS:
            logger.warning(
                "could not put agreement %s back; it is claimed again later", document_id
            )
        raise
    except selectors.NotAdopted:
        _fail(
            document_id=document_id,
            started=started,
            message_id="not_adopted",
        )
    except Exception:
        logger.exception("making agreement %s failed", document_id)
        _fail(document_id=document_id, started=started, message_id="unexpected")
    return AgreementDocument.objects.defer("pdf").get(pk=document_id)


def _fail(*, document_id: int, started: datetime, message_id: str) -> None:
    with translation.override("nl"):
        message = (
            _("The agreed computation of this round changed; schedule the agreements again.")
            if message_id == "not_adopted"
            else _("The PDF could not be made because of an unexpected error. Try again later.")
        )
    AgreementDocument.objects.filter(
        pk=document_id, status=DocumentStatus.GENERATING, started_at=started
    ).update(status=DocumentStatus.FAILED, error_message=message, finished_at=timezone.now())


def agreements_generate(*, round_id: int) -> int:
    """Make every waiting document of a round; returns how many this call made."""
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
