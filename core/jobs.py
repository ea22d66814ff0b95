"""Background jobs: the one retry policy for tasks, enqueueing a task by its name, time
limits, and the registry of reapers that end or re-send jobs stuck past a limit.

Services enqueue through ``task_named`` (or ``publish``) so that they never import a tasks
module: tasks import services, never the reverse. Celery is imported inside the functions so
that web start-up does not pay for it.

The limits come from the settings (docs/security.md, "Jobs"): a task runs at most
``JOB_TIME_LIMIT`` seconds; the broker delivers an unacknowledged message again after
``JOB_VISIBILITY_TIMEOUT``; a job without progress for ``JOB_STUCK_AFTER`` is stuck. Each
app that has jobs registers a reaper (``reaper_register``, from its AppConfig.ready);
``reap_all`` (``manage.py reap_jobs``) runs them all, so this module never imports an app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

logger = logging.getLogger(__name__)


def transient_errors() -> tuple[type[BaseException], ...]:
    """Errors that may pass by themselves: a lost database connection or broker."""
    from django.db import InterfaceError, OperationalError
    from kombu.exceptions import OperationalError as BrokerError

    return (OperationalError, InterfaceError, BrokerError)


def retry_policy(*, late_ack: bool = True) -> dict[str, Any]:
    """Keyword arguments for ``shared_task``: retry only transient errors, with back-off.

    ``late_ack`` acknowledges a message after the task ran, so that a worker that dies
    mid-task leaves the message for another delivery (tasks are idempotent)."""
    policy: dict[str, Any] = {
        "autoretry_for": transient_errors(),
        "retry_backoff": 2,
        "retry_backoff_max": 60,
        "retry_jitter": True,
        "max_retries": 5,
    }
    if late_ack:
        policy["acks_late"] = True
    return policy


def project_app() -> Any:
    """The project's Celery app, configured from the Django settings.

    It lives in ``celery.py`` beside the settings module (Celery's Django layout) and is
    imported here, on first use: the project package no longer imports it at start-up, so
    a process that sends no task does not pay for Celery, and one that does must not fall
    back on Celery's unconfigured default app.
    """
    import os
    from importlib import import_module

    # Not settings.SETTINGS_MODULE: under override_settings (tests) that is None.
    package = os.environ.get("DJANGO_SETTINGS_MODULE", "mra_housing.settings").rpartition(".")[0]
    return import_module(f"{package}.celery").app


def task_named(name: str) -> Any:
    """The registered Celery task called ``name`` (each app's tasks.py is discovered)."""
    app = project_app()
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


class JobNotSent(Exception):
    """The broker (or anything on the way to it) refused or did not answer."""


def publish(name: str, *, args: tuple[Any, ...], task_id: str | None = None) -> None:
    """Send the task called ``name``; any failure on the way becomes ``JobNotSent``.

    The result store is not touched (``ignore_result``): callers follow the job through
    their own rows, and a result store that is down must not fail the send. Publishing
    gives up within seconds (CELERY_TASK_PUBLISH_RETRY_POLICY and the socket timeouts).
    """
    try:
        task_named(name).apply_async(args=args, task_id=task_id, ignore_result=True)
    except Exception as exc:  # kombu, redis-py, socket and Celery errors alike
        logger.warning("could not send %s%r to the queue: %r", name, args, exc)
        raise JobNotSent(str(exc)) from exc


def time_limits() -> dict[str, int]:
    """``time_limit`` and ``soft_time_limit`` for ``shared_task``: the soft limit raises
    SoftTimeLimitExceeded inside the task (so it can store a message) a little before the
    hard limit ends the process."""
    from django.conf import settings

    hard = int(settings.JOB_TIME_LIMIT)
    return {"time_limit": hard, "soft_time_limit": max(1, hard - min(30, hard // 5))}


def is_time_limit(exc: BaseException) -> bool:
    """Whether ``exc`` is Celery's soft time limit, raised inside a task that ran too long."""
    from celery.exceptions import SoftTimeLimitExceeded

    return isinstance(exc, SoftTimeLimitExceeded)


def stuck_after() -> timedelta:
    """How long a job may go without progress before a reaper treats it as stuck."""
    from django.conf import settings

    return timedelta(seconds=int(settings.JOB_STUCK_AFTER))


Reaper = Callable[[], Mapping[str, int]]
_reapers: dict[str, Reaper] = {}


def reaper_register(name: str, reap: Reaper) -> None:
    """Register an app's reaper: a callable that ends or re-sends its stuck jobs once and
    returns counts by outcome (for example ``{"sent again": 1, "failed": 0}``)."""
    _reapers[name] = reap


def reap_all() -> dict[str, Mapping[str, int]]:
    """Run every registered reaper once; one that fails is logged and the others still run."""
    outcomes: dict[str, Mapping[str, int]] = {}
    for name, reap in sorted(_reapers.items()):
        try:
            outcomes[name] = reap()
        except Exception:
            logger.exception("reaper %s failed", name)
            outcomes[name] = {"error": 1}
    return outcomes
