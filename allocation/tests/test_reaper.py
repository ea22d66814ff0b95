"""Jobs that cannot get stuck (issue 12): enqueue failures roll back, stuck runs are sent
again or end failed, and the programme team can try a failed or stuck run again.

The real thing (own redis-server, own worker, SIGKILL) is in tests/test_resilience_runs.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO
from unittest import mock

import kombu.exceptions
import pytest
import redis.exceptions
from celery.exceptions import CeleryError, SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation import reaper, services
from allocation.models import RunStatus, Scenario, ScenarioRun
from allocation.tasks import compute_run
from core import jobs

from .factories import scenario_for

pytestmark = pytest.mark.django_db

SEND = "allocation.tasks.compute_run.apply_async"
NOT_STARTED = (
    "The computation could not be started: the job queue does not answer. Try again later."
)
READERS = [
    "voorzitter",
    "stuurgroep.amsterdam",
    "coordinator.zuid-kennemerland",
    "beleid.haarlem",
    "beheer",
]


@pytest.fixture
def scenario(round_) -> Scenario:
    return scenario_for(round_, groups=("urgent",))


@pytest.fixture
def commit_now() -> Iterator[None]:
    """Run on_commit callbacks at once, as after a real commit (tests run in a transaction)."""
    with mock.patch(
        "allocation.services.transaction.on_commit", side_effect=lambda func, *a, **k: func()
    ):
        yield


def _run(scenario: Scenario, *, status: str = RunStatus.QUEUED, age: float = 0) -> ScenarioRun:
    """A run of the scenario queued (and, when running, started) `age` seconds ago."""
    at = timezone.now() - datetime.timedelta(seconds=age)
    return ScenarioRun.objects.create(
        scenario=scenario,
        celery_task_id="t",
        status=status,
        queued_at=at,
        started_at=at if status == RunStatus.RUNNING else None,
        progress=35 if status == RunStatus.RUNNING else 0,
    )


LIMIT = settings.JOB_STUCK_AFTER


# --- enqueue failures roll back ---------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6399"),
        redis.exceptions.ConnectionError("result store gone"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        TimeoutError("timed out"),
        CeleryError("something in Celery"),
        RuntimeError("anything else"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_any_enqueue_failure_leaves_nothing_queued_and_a_later_click_works(
    scenario, commit_now, error
) -> None:
    with mock.patch(SEND, side_effect=error), pytest.raises(ValidationError) as caught:
        services.run_enqueue(scenario=scenario, user=None)
    assert caught.value.messages == [_(NOT_STARTED)]
    assert not ScenarioRun.objects.exists()
    with mock.patch(SEND) as send:
        run = services.run_enqueue(scenario=scenario, user=None)
    assert run.status == RunStatus.QUEUED
    send.assert_called_once_with(args=(run.pk,), task_id=run.celery_task_id, ignore_result=True)


def test_the_send_does_not_touch_the_result_store(scenario, commit_now) -> None:
    """The audit's 500 came from the result store; the send asks for no result."""
    from mra_housing.celery import app

    with (
        mock.patch.object(type(app), "backend", new_callable=mock.PropertyMock) as backend,
        mock.patch("kombu.messaging.Producer.publish"),
    ):
        app.conf.task_always_eager = False
        try:
            services.run_enqueue(scenario=scenario, user=None)
        finally:
            app.conf.task_always_eager = True
    backend.return_value.on_task_call.assert_not_called()


def test_the_click_shows_the_dutch_message_and_no_run(client_for, scenario, commit_now) -> None:
    c = client_for("programma")
    with mock.patch(SEND, side_effect=redis.exceptions.ConnectionError("down")):
        response = c.post(reverse("allocation:run_start", args=[scenario.pk]))
    assert response.status_code == 302
    assert response["Location"] == scenario.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [_(NOT_STARTED)]
    assert "wachtrij reageert niet" in _(NOT_STARTED)
    assert not ScenarioRun.objects.exists()


def test_a_message_a_worker_already_claimed_is_not_removed(scenario, commit_now) -> None:
    """The send failed late, after the broker had the message and a worker claimed it."""

    def claimed_then_fails(*, args, **kwargs):
        ScenarioRun.objects.filter(pk=args[0]).update(
            status=RunStatus.RUNNING, started_at=timezone.now()
        )
        raise redis.exceptions.TimeoutError("reply lost")

    with mock.patch(SEND, side_effect=claimed_then_fails):
        run = services.run_enqueue(scenario=scenario, user=None)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


# --- limits -----------------------------------------------------------------------------


def test_limits_fit_the_longest_job() -> None:
    """Late acknowledgement, time limits, and a visibility timeout above them: a message of
    a dead worker comes back only after the run counts as stuck, so it can be claimed."""
    assert compute_run.acks_late is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert compute_run.time_limit == settings.JOB_TIME_LIMIT
    assert 0 < compute_run.soft_time_limit < compute_run.time_limit
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.JOB_TIME_LIMIT < settings.JOB_STUCK_AFTER <= visibility
    assert "allocation.reap_stuck_runs" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_a_run_at_its_soft_time_limit_ends_failed_with_a_message(scenario) -> None:
    run = _run(scenario)
    with mock.patch("allocation.compute.compute_group", side_effect=SoftTimeLimitExceeded()):
        done = services.run_execute(run_id=run.pk)
    assert done is not None
    assert done.status == RunStatus.FAILED
    assert done.results is None
    minutes = round(settings.JOB_TIME_LIMIT / 60)
    assert str(minutes) in done.error_message
    assert done.error_message != reaper.stuck_message()


# --- the reaper -------------------------------------------------------------------------


def test_runs_under_way_are_left_alone(scenario) -> None:
    queued = _run(scenario, age=LIMIT - 30)
    running = _run(scenario, status=RunStatus.RUNNING, age=LIMIT - 30)
    with mock.patch(SEND) as send:
        assert reaper.runs_reap() == {"sent again": 0, "failed": 0}
    send.assert_not_called()
    assert {r.status for r in ScenarioRun.objects.filter(pk__in=[queued.pk, running.pk])} == {
        RunStatus.QUEUED,
        RunStatus.RUNNING,
    }


def test_a_stuck_running_run_goes_back_to_the_queue_and_is_sent_once(
    scenario, django_capture_on_commit_callbacks
) -> None:
    run = _run(scenario, status=RunStatus.RUNNING, age=LIMIT + 5)
    with mock.patch(SEND) as send, django_capture_on_commit_callbacks(execute=True):
        assert reaper.runs_reap() == {"sent again": 1, "failed": 0}
    run.refresh_from_db()
    assert (run.status, run.started_at, run.progress) == (RunStatus.QUEUED, None, 0)
    assert run.celery_task_id != "t"
    send.assert_called_once_with(args=(run.pk,), task_id=run.celery_task_id, ignore_result=True)
    # The worker computes it as usual, completely.
    done = services.run_execute(run_id=run.pk)
    assert done is not None
    assert done.status == RunStatus.SUCCEEDED
    assert set(done.results["groups"]) == {"urgent"}


def test_a_stuck_queued_run_is_sent_again(scenario, django_capture_on_commit_callbacks) -> None:
    run = _run(scenario, age=LIMIT + 5)
    with mock.patch(SEND) as send, django_capture_on_commit_callbacks(execute=True):
        assert reaper.runs_reap() == {"sent again": 1, "failed": 0}
    send.assert_called_once()
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED


def test_a_run_stuck_too_long_ends_failed_once(scenario) -> None:
    old = (reaper.GIVE_UP_FACTOR * LIMIT) + 5
    queued = _run(scenario, age=old)
    running = _run(scenario, status=RunStatus.RUNNING, age=old)
    with mock.patch(SEND) as send:
        assert reaper.runs_reap() == {"sent again": 0, "failed": 2}
        assert reaper.runs_reap() == {"sent again": 0, "failed": 0}  # idempotent
    send.assert_not_called()
    for run in (queued, running):
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED
        assert run.error_message == reaper.stuck_message()
        assert run.results is None
        assert run.digest == ""
        assert run.finished_at is not None
    assert running.duration is not None
    assert queued.duration is None


def test_a_claim_repeats_the_stuck_condition(scenario) -> None:
    """A worker that claimed the run in between wins: the reaper's update changes nothing."""
    run = _run(scenario, status=RunStatus.RUNNING, age=(reaper.GIVE_UP_FACTOR * LIMIT) + 5)
    ScenarioRun.objects.filter(pk=run.pk).update(started_at=timezone.now())
    assert reaper.run_end_stuck(run_id=run.pk, message="x") is False
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_a_send_that_fails_again_leaves_the_run_for_the_next_pass(
    scenario, django_capture_on_commit_callbacks
) -> None:
    run = _run(scenario, age=LIMIT + 5)
    with (
        mock.patch(SEND, side_effect=kombu.exceptions.OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reaper.runs_reap() == {"sent again": 1, "failed": 0}
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert reaper.is_stuck(run)


def test_reap_jobs_runs_the_registered_reapers(scenario) -> None:
    _run(scenario, status=RunStatus.RUNNING, age=(reaper.GIVE_UP_FACTOR * LIMIT) + 5)
    out = StringIO()
    call_command("reap_jobs", stdout=out)
    assert "allocation: sent again: 0, failed: 1" in out.getvalue()
    assert ScenarioRun.objects.get().status == RunStatus.FAILED


def test_a_failing_reaper_is_reported_and_the_others_still_run(monkeypatch) -> None:
    monkeypatch.setattr(jobs, "_reapers", {"a": mock.Mock(side_effect=RuntimeError("x"))})
    jobs.reaper_register("b", lambda: {"done": 1})
    assert jobs.reap_all() == {"a": {"error": 1}, "b": {"done": 1}}


# --- a new start and the retry action ---------------------------------------------------


def test_a_run_under_way_still_refuses_a_new_one(scenario) -> None:
    _run(scenario, status=RunStatus.RUNNING, age=LIMIT - 30)
    with pytest.raises(ValidationError, match="al een berekening"):
        services.run_enqueue(scenario=scenario, user=None)


def test_a_stuck_run_does_not_refuse_a_new_one(scenario) -> None:
    stuck = _run(scenario, status=RunStatus.RUNNING, age=LIMIT + 5)
    with mock.patch(SEND):
        new = services.run_enqueue(scenario=scenario, user=None)
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert stuck.error_message == reaper.stuck_message()
    assert new.status == RunStatus.QUEUED


def test_retry_makes_a_new_run_of_a_failed_one(scenario, commit_now) -> None:
    failed = _run(scenario, status=RunStatus.RUNNING, age=(reaper.GIVE_UP_FACTOR * LIMIT) + 5)
    reaper.runs_reap()
    new = services.run_retry(run=failed, user=None)  # eager in tests: computed at once
    new.refresh_from_db()
    assert new.pk != failed.pk
    assert new.status == RunStatus.SUCCEEDED


@pytest.mark.parametrize("status", [RunStatus.SUCCEEDED, RunStatus.QUEUED, RunStatus.RUNNING])
def test_retry_is_refused_for_a_run_that_is_fine(scenario, status) -> None:
    run = _run(scenario)
    if status == RunStatus.SUCCEEDED:
        run = services.run_execute(run_id=run.pk)
    elif status == RunStatus.RUNNING:
        ScenarioRun.objects.filter(pk=run.pk).update(status=status, started_at=timezone.now())
    with pytest.raises(ValidationError):
        services.run_retry(run=run, user=None)
    assert ScenarioRun.objects.count() == 1


def test_programme_team_retries_a_stuck_run_from_its_page(client_for, scenario, commit_now) -> None:
    stuck = _run(scenario, status=RunStatus.RUNNING, age=LIMIT + 5)
    c = client_for("programma")
    page = c.get(stuck.get_absolute_url()).content.decode()
    url = reverse("allocation:run_retry", args=[stuck.pk])
    assert f'action="{url}"' in page
    assert _("This computation is stuck") in page
    scenario_page = c.get(scenario.get_absolute_url()).content.decode()
    assert reverse("allocation:run_start", args=[scenario.pk]) in scenario_page
    response = c.post(url)
    new = ScenarioRun.objects.exclude(pk=stuck.pk).get()
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    new.refresh_from_db()
    assert new.status == RunStatus.SUCCEEDED  # eager in tests


def test_the_retry_button_is_not_shown_for_a_run_under_way(client_for, scenario) -> None:
    run = _run(scenario, status=RunStatus.RUNNING, age=5)
    page = client_for("programma").get(run.get_absolute_url()).content.decode()
    assert reverse("allocation:run_retry", args=[run.pk]) not in page


@pytest.mark.parametrize("username", READERS)
def test_other_roles_cannot_retry_and_see_no_button(client_for, username, scenario) -> None:
    failed = _run(scenario, status=RunStatus.RUNNING, age=(reaper.GIVE_UP_FACTOR * LIMIT) + 5)
    reaper.runs_reap()
    c = client_for(username)
    url = reverse("allocation:run_retry", args=[failed.pk])
    page = c.get(failed.get_absolute_url())
    if page.status_code == 200:
        assert url not in page.content.decode()
    assert c.post(url).status_code == 403
    assert ScenarioRun.objects.count() == 1


def test_anonymous_is_sent_to_login_and_get_is_not_allowed(client, client_for, scenario) -> None:
    failed = _run(scenario, status=RunStatus.RUNNING, age=(reaper.GIVE_UP_FACTOR * LIMIT) + 5)
    reaper.runs_reap()
    url = reverse("allocation:run_retry", args=[failed.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")
    assert client_for("programma").get(url).status_code == 405
    assert ScenarioRun.objects.count() == 1


def test_retry_needs_the_csrf_token(client_for, user_named, scenario) -> None:
    failed = _run(scenario, status=RunStatus.RUNNING, age=(reaper.GIVE_UP_FACTOR * LIMIT) + 5)
    reaper.runs_reap()
    c = Client(enforce_csrf_checks=True)
    c.cookies = client_for("programma").cookies
    assert c.post(reverse("allocation:run_retry", args=[failed.pk])).status_code == 403
    assert ScenarioRun.objects.count() == 1
