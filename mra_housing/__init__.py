"""MRA Fair Share project package: settings, URLs, WSGI/ASGI and the Celery app.

The Celery app (``mra_housing.celery.app``) is imported when it is first needed, not with
the package: every process imports this package for its settings, and Celery costs a
process a few tenths of a second at start. ``celery -A mra_housing`` finds the app in
``mra_housing.celery`` by itself; whoever sends a task gets it through
``core.jobs.task_named``, which imports it.
"""

from typing import Any

__all__ = ["celery_app"]


def __getattr__(name: str) -> Any:
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
