"""Background jobs of the allocation app. Thin: they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from core.jobs import retry_policy

from . import services


@shared_task(name="allocation.compute_run", **retry_policy())
def compute_run(run_id: int) -> str:
    """Compute one scenario run; a second delivery of the same id does nothing."""
    run = services.run_execute(run_id=run_id)
    return "skipped" if run is None else run.status
