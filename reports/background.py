"""In-process background work for the PDF agreements when there is no broker (`make run`).

Without REDIS_URL, Celery runs every task eagerly: inside the request that sends it. The
adoption would then wait for all eight PDFs (about 18 s) before the chair sees a page. With
eager jobs, the agreements are made instead by one worker thread of this process, after
the response; the round page polls their status (reports.views.round_documents_status).

Why this shape:

- One thread (``ThreadPoolExecutor(max_workers=1)``): making a PDF is CPU-bound Python, so
  more threads gain nothing under the GIL, and SQLite takes one writer at a time. Jobs run
  one after the other in the order they were sent.
- Each job closes the thread's database connections when it ends (Django opens one per
  thread), so no connection is left open between jobs.
- A job never raises: the service records a failed document itself and anything else is
  logged.
- The executor's thread is joined when the interpreter exits, so a management command that
  sends work (``manage.py resume_agreements``) finishes it before it ends. A development
  server stopped mid-job leaves the document "being made"; the reaper (reports.reaper)
  sends it again, and the page offers "Opnieuw proberen".

It is used when tasks run eagerly and the setting ``EAGER_JOBS_IN_THREAD`` is true, which
defaults to ``DEBUG`` (on in `make run`, off in tests, where pytest-django turns DEBUG off
and tasks must finish before the test goes on).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


_in_caller: ContextVar[bool] = ContextVar("eager_jobs_in_caller", default=False)


def enabled() -> bool:
    """Whether eager jobs go to the background thread instead of running in the caller."""
    from django.conf import settings

    if _in_caller.get():
        return False
    value = getattr(settings, "EAGER_JOBS_IN_THREAD", None)
    return bool(settings.DEBUG if value is None else value)


@contextmanager
def in_caller() -> Iterator[None]:
    """Within this block, eager jobs run in the caller: for batch commands (demo_data)
    that make documents themselves and must not race the background thread."""
    token = _in_caller.set(True)
    try:
        yield
    finally:
        _in_caller.reset(token)


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mra-jobs")
        return _executor


def _run(job: Callable[..., Any], args: tuple[Any, ...]) -> None:
    from django.db import connections

    try:
        job(*args)
    except Exception:
        logger.exception("background job %s failed", getattr(job, "__name__", job))
    finally:
        # This thread's connections only (Django keeps them per thread).
        connections.close_all()


def submit(job: Callable[..., Any], *args: Any) -> Future[None]:
    """Run ``job(*args)`` in the background thread; returns at once."""
    return _get_executor().submit(_run, job, args)
