"""Background jobs of the reports app. Thin: they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from core.jobs import retry_policy

from . import services


@shared_task(name="reports.generate_agreements", **retry_policy())
def generate_agreements(round_id: int) -> int:
    """Make the waiting PDF agreements of a round; a second delivery makes nothing."""
    return services.agreements_generate(round_id=round_id)
