"""Background jobs of the agreements app. Thin: they call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.jobs import retry_policy

from . import services


@shared_task(name="agreements.send_deadline_reminders", **retry_policy(late_ack=False))
def send_deadline_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): mail officers before a round's figures deadline.
    Idempotent: a reminder is claimed once per round and deadline."""
    return services.deadline_reminders_send(today=timezone.localdate())
