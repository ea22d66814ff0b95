"""Background jobs of the allocation app. Thin: they take an id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from . import services

# Only errors that may pass by themselves are retried: a lost database connection or broker.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)


@shared_task(
    name="allocation.compute_run",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def compute_run(run_id: int) -> str:
    """Compute one scenario run; a second delivery of the same id does nothing."""
    run = services.run_execute(run_id=run_id)
    return "skipped" if run is None else run.status


@shared_task(
    name="allocation.send_deadline_reminders",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    max_retries=5,
)
def send_deadline_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): mail officers before a round's figures deadline.
    Idempotent: a reminder is claimed once per round and deadline."""
    from django.utils import timezone

    from .review_services import deadline_reminders_send

    return deadline_reminders_send(today=timezone.localdate())
