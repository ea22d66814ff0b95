"""Background jobs of the reports app. Thin: they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from core.jobs import retry_policy

from . import reaper, services


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


@shared_task(name="reports.reap_documents", **retry_policy(late_ack=False))
def reap_documents() -> str:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): schedule, send again or fail the agreement
    documents that got stuck (reports.reaper). Idempotent: rows are claimed first."""
    return reaper.reap_documents().summary()


@shared_task(name="reports.resume_stuck_agreements", **retry_policy(late_ack=False))
def resume_stuck_agreements() -> int:
    """The beat job's earlier name (messages or schedules that still carry it): one sweep
    of the reaper; returns how many documents it touched."""
    return reaper.reap_documents().total
