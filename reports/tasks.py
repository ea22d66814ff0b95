"""Background jobs of the reports app. Thin: they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from core.jobs import retry_policy

from . import services


@shared_task(name="reports.generate_agreement", **retry_policy())
def generate_agreement(document_id: int) -> str | None:
    """Make one waiting PDF agreement; a second delivery makes nothing."""
    document = services.agreement_generate(document_id=document_id)
    return document.status if document is not None else None


@shared_task(name="reports.generate_agreements", **retry_policy())
def generate_agreements(round_id: int) -> int:
    """Make the waiting PDF agreements of a round in this worker (kept for messages sent
    before one task per document existed); a second delivery makes nothing."""
    return services.agreements_generate(round_id=round_id)


@shared_task(name="reports.resume_stuck_agreements", **retry_policy(late_ack=False))
def resume_stuck_agreements() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): send again the documents that wait or are
    being made for too long. Idempotent: a document is claimed before it is sent."""
    return len(services.agreements_resume_stuck())
