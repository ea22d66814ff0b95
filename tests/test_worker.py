"""A real Celery worker, started as its own process, round-trips a task through Redis."""

import uuid

import pytest

from core.tasks import ping


@pytest.mark.services
def test_real_worker_round_trips_a_task(loaded_transactional_db, celery_worker, capsys) -> None:
    token = uuid.uuid4().hex
    result = ping.delay(token)
    assert result.get(timeout=30) == f"pong:{token}"
    assert "core.ping" in celery_worker.log_path.read_text()
    with capsys.disabled():  # show in the CI log that a real worker answered
        print(
            f"\nreal Celery worker round trip ok: task {result.id} via {ping.app.conf.broker_url}"
        )
