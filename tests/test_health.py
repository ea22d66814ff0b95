"""/healthz: 200 when the database (and the broker, if configured) answer, else 503."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthy(client, settings) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"
    expected = "ok" if settings.REDIS_URL else "not configured"
    assert body["broker"] == expected


def test_unreachable_broker_gives_503(client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_broken_database_gives_503(client, monkeypatch) -> None:
    # A real outage cannot be staged inside the test transaction; make the cursor fail instead.
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
