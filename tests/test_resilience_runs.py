"""Scenario runs survive a broker outage and a killed worker (issue 12, acceptance 3).

Really done, against processes these tests start themselves on loopback: their own
``redis-server`` on a spare port (no persistence) and their own Celery worker processes
(conftest.start_celery_worker) on the PostgreSQL test database. The test process publishes to
that Redis as the web app would (``publishing_to``).

- Redis down at the click: a plain Dutch message within seconds and nothing queued; once Redis
  is up again, the same click computes the scenario through the worker.
- A worker killed (SIGKILL) mid-run: a new worker completes the run after the broker delivers
  the unacknowledged message again (short visibility timeout), or the reaper ends it failed
  and "Opnieuw proberen" computes it. Results are never half-stored.

Run as ``python -m tests.test_resilience_runs <celery args>``, this module is a worker whose
computation takes ``SLOW_GROUP_SECONDS`` per target group, so that it can be killed mid-run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import skip_or_fail, start_celery_worker, stop_celery_worker, worker_database_url

pytestmark = pytest.mark.services

NOT_STARTED = (
    "The computation could not be started: the job queue does not answer. Try again later."
)
# The longest a click may wait when Redis is away (publishing gives up within seconds).
CLICK_BUDGET_SECONDS = 10
SLOW_WORKER = [sys.executable, "-m", "tests.test_resilience_runs"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server of this test on a spare loopback port; not started until `start`."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=1).ping():
                    return
            except redis.RedisError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed: the resilience tests start their own")
    worker_database_url()  # PostgreSQL, or skip (fail in CI)
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Send tasks from this process to `url`, not to the eager in-process runner."""
    from mra_housing.celery import app as celery_app

    app: Any = celery_app

    def reset_pools() -> None:
        # kombu keeps its pools per connection URL: closing only the app's pool would leave
        # a closed pool behind for the next test that publishes to the usual URL.
        from kombu import pools

        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        reset_pools()


@contextmanager
def worker(redis_url: str, log_path: Path, **options: Any) -> Iterator[Any]:
    process = start_celery_worker(redis_url=redis_url, log_path=log_path, **options)
    try:
        yield process
    finally:
        stop_celery_worker(process)


def _wait_for(run_id: int, done: Any, timeout: float, what: str) -> Any:
    from allocation.models import ScenarioRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ScenarioRun.objects.get(pk=run_id)
        if done(run):
            return run
        time.sleep(0.2)
    pytest.fail(f"run {run_id} did not get {what} within {timeout} s")


def _assert_complete(run: Any, group_count: int) -> None:
    """Succeeded with every group's results and a digest that matches what is stored."""
    from allocation.digest import run_digest
    from allocation.models import RunStatus

    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.progress == 100
    assert len(run.results["groups"]) == group_count
    assert run.digest == run_digest(
        inputs=run.inputs, settings=run.scenario_settings, results=run.results
    )


def _assert_nothing_stored(run: Any) -> None:
    assert run.results is None
    assert run.inputs is None
    assert run.scenario_settings is None
    assert run.digest == ""


def _scenario(name: str) -> Any:
    from allocation.tests.factories import RoundFactory, scenario_for

    round_: Any = RoundFactory(name=name)
    return scenario_for(round_)


def _kill_mid_run(process: Any, run_id: int) -> Any:
    """SIGKILL the worker once the run has stored progress for at least one group."""
    from allocation.models import RunStatus

    running = _wait_for(
        run_id,
        lambda r: r.status == RunStatus.RUNNING and r.progress > 0,
        60,
        "running with progress",
    )
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    return running


def test_redis_down_at_the_click_then_up_the_scenario_computes(
    loaded_transactional_db, client_for, own_redis, tmp_path, capsys
) -> None:
    from django.contrib.messages import get_messages
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from allocation.models import ScenarioRun

    scenario = _scenario("Storing")
    c = client_for("programma")
    url = reverse("allocation:run_start", args=[scenario.pk])
    with publishing_to(own_redis.url):
        started = time.monotonic()
        response = c.post(url)
        waited = time.monotonic() - started
        assert response.status_code == 302
        assert response["Location"] == scenario.get_absolute_url()
        assert [str(m) for m in get_messages(response.wsgi_request)] == [_(NOT_STARTED)]
        assert not ScenarioRun.objects.exists()
        assert waited < CLICK_BUDGET_SECONDS

        own_redis.start()
        with worker(own_redis.url, tmp_path / "worker.log") as process:
            response = c.post(url)
            run = ScenarioRun.objects.get()
            assert response["Location"] == run.get_absolute_url()
            done = _wait_for(run.pk, lambda r: r.is_finished, 90, "finished")
            _assert_complete(done, group_count=7)
            assert f"allocation.compute_run[{run.celery_task_id}]" in process.log_path.read_text()
    with capsys.disabled():
        print(f"\nRedis down: the click answered in {waited:.2f} s; up again: run {run.pk} ok")


def test_a_worker_killed_mid_run_the_run_completes_after_redelivery(
    loaded_transactional_db, own_redis, tmp_path, capsys
) -> None:
    from allocation import services
    from allocation.models import RunStatus

    own_redis.start()
    # Short limits in the workers: the unacknowledged message comes back after 4 s and a
    # run without progress for 3 s counts as stuck, so the new worker may claim it.
    # (The solo pool of these workers does not enforce the time limit.)
    limits = {"JOB_TIME_LIMIT": "60", "JOB_STUCK_AFTER": "3", "JOB_VISIBILITY_TIMEOUT": "4"}
    scenario = _scenario("Onderbroken")
    with publishing_to(own_redis.url):
        with worker(
            own_redis.url,
            tmp_path / "slow.log",
            env={**limits, "SLOW_GROUP_SECONDS": "1.5"},
            program=SLOW_WORKER,
        ) as slow:
            run = services.run_enqueue(scenario=scenario, user=None)
            killed = _kill_mid_run(slow, run.pk)
        run.refresh_from_db()
        assert run.status == RunStatus.RUNNING
        _assert_nothing_stored(run)  # never half-stored
        started = time.monotonic()
        with worker(own_redis.url, tmp_path / "worker.log", env=limits) as process:
            done = _wait_for(run.pk, lambda r: r.is_finished, 120, "finished")
            log = process.log_path.read_text()
        _assert_complete(done, group_count=7)
        assert done.started_at > killed.started_at  # claimed again by the new worker
        assert f"allocation.compute_run[{run.celery_task_id}]" in log
    with capsys.disabled():
        print(
            f"\nworker killed at {killed.progress}%: redelivered and completed "
            f"{time.monotonic() - started:.1f} s after a new worker started"
        )


def test_a_worker_killed_mid_run_the_reaper_ends_it_and_retry_computes(
    loaded_transactional_db, client_for, own_redis, tmp_path, settings, capsys
) -> None:
    from django.core.management import call_command
    from django.urls import reverse

    from allocation import reaper, services
    from allocation.models import RunStatus, ScenarioRun

    own_redis.start()
    scenario = _scenario("Vastgelopen")
    with publishing_to(own_redis.url):
        # Default limits in the workers: no redelivery within this test.
        with worker(
            own_redis.url,
            tmp_path / "slow.log",
            env={"SLOW_GROUP_SECONDS": "1.5"},
            program=SLOW_WORKER,
        ) as slow:
            run = services.run_enqueue(scenario=scenario, user=None)
            _kill_mid_run(slow, run.pk)

        # The reaper, with a limit of 1 s here, gives up on it after 3 s.
        limit = settings.JOB_STUCK_AFTER
        settings.JOB_STUCK_AFTER = 1
        time.sleep(reaper.GIVE_UP_FACTOR * 1 + 0.5)
        call_command("reap_jobs")
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED
        assert run.error_message == reaper.stuck_message()
        _assert_nothing_stored(run)
        call_command("reap_jobs")  # idempotent
        assert ScenarioRun.objects.get(pk=run.pk).finished_at == run.finished_at

        settings.JOB_STUCK_AFTER = limit
        with worker(own_redis.url, tmp_path / "worker.log"):
            response = client_for("programma").post(reverse("allocation:run_retry", args=[run.pk]))
            new = ScenarioRun.objects.exclude(pk=run.pk).get()
            assert response["Location"] == new.get_absolute_url()
            done = _wait_for(new.pk, lambda r: r.is_finished, 90, "finished")
    _assert_complete(done, group_count=7)
    assert ScenarioRun.objects.get(pk=run.pk).status == RunStatus.FAILED
    with capsys.disabled():
        print(f"\nworker killed: the reaper ended run {run.pk}; the retry computed run {new.pk}")


def _slow_worker_main() -> int:
    """A Celery worker whose group computation sleeps first (to be killed mid-run)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mra_housing.settings")
    django.setup()
    from allocation import compute

    real = compute.compute_group
    delay = float(os.environ.get("SLOW_GROUP_SECONDS", "1"))

    def slow_compute_group(*args: Any, **kwargs: Any) -> Any:
        time.sleep(delay)
        return real(*args, **kwargs)

    compute.compute_group = slow_compute_group  # type: ignore[assignment]
    from celery.bin.celery import main

    return int(main() or 0)


if __name__ == "__main__":
    sys.exit(_slow_worker_main())
