"""Background jobs: the one retry policy for tasks, and enqueueing a task by its name.

Services enqueue through ``task_named`` so that they never import a tasks module: tasks
import services, never the reverse. Celery is imported inside the functions so that web
start-up does not pay for it.
"""

from __future__ import annotations

from typing import Any


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


def task_named(name: str) -> Any:
    """The registered Celery task called ``name`` (each app's tasks.py is discovered)."""
    from celery import current_app

    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
