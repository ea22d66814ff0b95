"""Background jobs of the reports app. Thin: they take an id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from . import services

# Only errors that may pass by themselves are retried: a lost database connection or broker.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)


@shared_task(
    name="reports.generate_agreements",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def generate_agreements(round_id: int) -> int:
    """Make the waiting PDF agreements of a round; a second delivery makes nothing."""
    return services.agreements_generate(round_id=round_id)
