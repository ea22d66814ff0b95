"""A 403 writes one concise log line, without a traceback, and only once (issue 13)."""

from __future__ import annotations

import io
import logging

import pytest

pytestmark = pytest.mark.django_db


def test_django_records_are_written_once_by_the_root_handler() -> None:
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate


def test_a_forbidden_page_logs_one_line_without_traceback(client_for) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        # An officer may not create rounds: the view raises PermissionDenied.
        response = client_for("beleid.haarlem").get("/rondes/nieuw/")
    finally:
        root.removeHandler(handler)
    assert response.status_code == 403
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert lines == ["WARNING django.request Forbidden (Permission denied): /rondes/nieuw/"]
