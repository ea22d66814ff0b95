"""Absolute links into the app, for e-mails (which have no request to build them from)."""

from __future__ import annotations

from django.conf import settings

LOCAL_SITE_URL = "http://127.0.0.1:8000"


def absolute_url(path: str) -> str:
    """The path (from `reverse`) behind SITE_URL: a link that works from an e-mail.

    Without SITE_URL (production must set it) the local address of `make run` is used.
    """
    base = (getattr(settings, "SITE_URL", "") or LOCAL_SITE_URL).rstrip("/")
    return f"{base}/{path.lstrip('/')}"
