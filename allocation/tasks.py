"""Background jobs of the allocation app. Thin: they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from core.jobs import retry_policy, time_limits

from . import reaper, services


@shared_task(name="allocation.compute_run", **{**retry_policy(), **time_limits()})
def compute_run(run_id: int) -> str:
    """Compute one scenario run; a second delivery of the same id does nothing.

    Acknowledged late (a worker that dies leaves the message for another delivery, after
    the broker's visibility timeout) and limited in time (core.jobs.time_limits)."""
    run = services.run_execute(run_id=run_id)
    return "skipped" if run is None else run.status


@shared_task(name="allocation.reap_stuck_runs", **retry_policy(late_ack=False))
def reap_stuck_runs() -> dict[str, int]:
    """Celery beat: send again, or end failed, the computations stuck past the limit."""
    return reaper.runs_reap()
