"""The Celery task: thin, idempotent; computed by a real worker process through Redis."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from allocation import services
from allocation.models import Round, RunStatus, ScenarioRun
from allocation.tasks import compute_run

from .factories import RoundFactory, scenario_for


@pytest.mark.django_db
def test_the_task_computes_once_and_then_skips(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id="t")
    assert compute_run.apply(args=(run.pk,)).get() == RunStatus.SUCCEEDED
    first = ScenarioRun.objects.get(pk=run.pk)
    assert compute_run.apply(args=(run.pk,)).get() == "skipped"
    again = ScenarioRun.objects.get(pk=run.pk)
    assert (again.digest, again.finished_at, again.results) == (
        first.digest,
        first.finished_at,
        first.results,
    )


@pytest.mark.django_db
def test_the_task_of_an_unknown_run_does_nothing() -> None:
    assert compute_run.apply(args=(987654,)).get() == "skipped"


def _wait_until_finished(run_id: int, timeout: float = 60) -> ScenarioRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ScenarioRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.2)
    pytest.fail(f"run {run_id} did not finish within {timeout} s")


@pytest.mark.services
def test_a_real_worker_computes_a_run_and_a_second_delivery_changes_nothing(
    loaded_transactional_db, celery_worker, user_named
) -> None:
    round_: Round = RoundFactory(name="Afspraken 2026–2027")
    scenario = scenario_for(
        round_,
        name="Gemengd",
        weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
        credit_factor=Decimal("0.5"),
    )
    run = services.run_enqueue(scenario=scenario, user=user_named("programma"))
    done = _wait_until_finished(run.pk)
    assert done.status == RunStatus.SUCCEEDED, done.error_message
    assert done.progress == 100
    assert len(done.results["groups"]) == 7
    assert done.started_at is not None
    assert done.duration == done.finished_at - done.started_at
    log = celery_worker.log_path.read_text()
    assert f"allocation.compute_run[{run.celery_task_id}]" in log

    # A second delivery of the same task: the worker skips it, nothing changes.
    second = compute_run.delay(run.pk)
    assert second.get(timeout=30) == "skipped"
    again = ScenarioRun.objects.get(pk=run.pk)
    assert again.status == RunStatus.SUCCEEDED
    assert again.digest == done.digest
    assert again.finished_at == done.finished_at
    assert again.results == done.results
    # The stored JSON (jsonb on PostgreSQL) still gives the stored digest.
    from allocation.digest import run_digest

    assert (
        run_digest(inputs=again.inputs, settings=again.scenario_settings, results=again.results)
        == again.digest
    )
    print(f"worker computed run {run.pk}: digest {done.digest}, duration {done.duration}")


@pytest.mark.services
def test_a_real_worker_stores_a_failure_without_results(
    loaded_transactional_db, celery_worker
) -> None:
    round_ = RoundFactory(name="Krap")
    scenario = scenario_for(round_, groups=("students",), upper_bound_mutations_pct=Decimal("0.5"))
    run = services.run_enqueue(scenario=scenario, user=None)
    done = _wait_until_finished(run.pk)
    assert done.status == RunStatus.FAILED
    assert done.results is None
    assert done.error_message.startswith("Doelgroep Studenten:")
