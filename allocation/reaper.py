"""The reaper of scenario runs: no computation stays "queued" or "running" for good.

A run is *stuck* when it waited in the queue, or has been running, longer than
``core.jobs.stuck_after()`` (``JOB_STUCK_AFTER``, a minute above the task's hard time limit).
A running run that old cannot be alive: the hard time limit would have ended it, so its
worker died (progress is written by the worker that claimed the run, from ``started_at``).

``runs_reap`` (Celery beat every 5 minutes; ``manage.py reap_jobs``) handles every stuck run:

- while the run is younger than ``GIVE_UP_FACTOR`` times the limit (counted from when it was
  queued), it goes back to the queue and its task is sent again: attempts remain;
- after that it ends failed with a plain Dutch message, and the programme team can try again
  ("Opnieuw proberen" on the run page, ``services.run_retry``).

Every change claims its row with a conditional UPDATE that repeats the stuck condition, so
two reapers (or a reaper and a worker) never both act on one run; a second pass changes
nothing that the first one handled. Re-sending is harmless: the worker claims a run with a
conditional UPDATE too, so a duplicate message is skipped.

This module imports models and core only; services import it (never the reverse).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import jobs

from .models import RunStatus, ScenarioRun

logger = logging.getLogger(__name__)

TASK = "allocation.compute_run"
# A stuck run is sent again until it is this many limits old, then it ends failed.
GIVE_UP_FACTOR = 3


def stuck(now: datetime) -> Q:
    """Runs that waited or ran longer than the limit: the reaper would reclaim them."""
    before = now - jobs.stuck_after()
    return Q(status=RunStatus.QUEUED, queued_at__lt=before) | Q(
        status=RunStatus.RUNNING, started_at__lt=before
    )


def is_stuck(run: ScenarioRun, now: datetime | None = None) -> bool:
    """The same test as ``stuck`` for one run in memory (pages and the retry action)."""
    before = (now or timezone.now()) - jobs.stuck_after()
    if run.status == RunStatus.QUEUED:
        return run.queued_at < before
    if run.status == RunStatus.RUNNING:
        return run.started_at is not None and run.started_at < before
    return False


def stuck_message() -> str:
    """Why a stuck run ended (stored in Dutch)."""
    with translation.override("nl"):
        return _(
            "The computation did not finish: the job queue or the computing process stopped "
            "answering. Nothing of it was stored. Try again; if it happens again, tell the "
            "system administrator."
        )


def run_end_stuck(*, run_id: int, message: str, now: datetime | None = None) -> bool:
    """End one run failed if it is still stuck; True when this call ended it."""
    now = now or timezone.now()
    qs = ScenarioRun.objects.filter(stuck(now), pk=run_id)
    run = qs.only("pk", "started_at").first()
    if run is None:
        return False
    duration = (now - run.started_at) if run.started_at else None
    return bool(
        qs.update(
            status=RunStatus.FAILED,
            error_message=message,
            finished_at=now,
            duration=duration,
            inputs=None,
            results=None,
            digest="",
        )
    )


def runs_reap(*, now: datetime | None = None) -> dict[str, int]:
    """Send again, or end failed, every stuck run once. Returns counts by outcome."""
    now = now or timezone.now()
    give_up_before = now - GIVE_UP_FACTOR * jobs.stuck_after()
    message = stuck_message()
    resend: list[tuple[int, str]] = []
    failed = 0
    with transaction.atomic():
        rows = list(
            ScenarioRun.objects.filter(stuck(now)).order_by("pk").values_list("pk", "queued_at")
        )
        for run_id, queued_at in rows:
            if queued_at < give_up_before:
                failed += run_end_stuck(run_id=run_id, message=message, now=now)
                continue
            task_id = str(uuid.uuid4())
            # Claim: only a run that is still stuck goes back to the queue.
            if ScenarioRun.objects.filter(stuck(now), pk=run_id).update(
                status=RunStatus.QUEUED, started_at=None, progress=0, celery_task_id=task_id
            ):
                resend.append((run_id, task_id))
        transaction.on_commit(lambda: _send(resend))
    if resend or failed:
        logger.warning(
            "stuck computations: %s sent again, %d ended failed",
            [run_id for run_id, _task in resend],
            failed,
        )
    return {"sent again": len(resend), "failed": failed}


def _send(runs: list[tuple[int, str]]) -> None:
    for run_id, task_id in runs:
        try:
            jobs.publish(TASK, args=(run_id,), task_id=task_id)
        except jobs.JobNotSent:
            # The run stays queued with its old queue time: the next pass tries again, and
            # ends it failed once it is too old.
            logger.warning("could not send stuck computation %s again", run_id)
