"""Logging filters, named in settings.LOGGING (imported while logging is configured, before
the apps are ready: no Django model or auth import here)."""

from __future__ import annotations

import logging


class ConciseForbiddenFilter(logging.Filter):
    """A refused request (403) is an expected answer, not an error.

    Django logs it on ``django.request`` with the PermissionDenied traceback; this filter
    keeps the one line ("Forbidden (Permission denied): /path") and drops the traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
