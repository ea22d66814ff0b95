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
