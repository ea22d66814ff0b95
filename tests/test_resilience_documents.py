"""PDF agreements pending at a broker failure are made after all (issue 12, acceptance 3).

Really done, against processes this test starts itself on loopback: its own ``redis-server``
on a spare port and its own Celery worker process on the PostgreSQL test database (the
helpers of tests/test_resilience_runs.py). The chair adopts while that Redis is not running:
the adoption stands, at once, with its eight documents waiting. Redis comes up, the reaper
sweeps, and the worker makes every PDF.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pytest

from tests.test_resilience_runs import (  # noqa: F401 - own_redis is a fixture
    CLICK_BUDGET_SECONDS,
    own_redis,
    publishing_to,
    worker,
)

pytestmark = pytest.mark.services


def _round_ready_for_adoption(user_named: Any) -> Any:
    from agreements import services as review_services
    from agreements.tests.fixtures import approve_all, computed_run
    from allocation.models import RoundStatus
    from allocation.tests.factories import RoundFactory

    round_: Any = RoundFactory(name="Afspraken storingstest", status=RoundStatus.COMPUTING)
    run = computed_run(round_)
    review_services.round_transition(
        round_=round_, to_status=RoundStatus.IN_REVIEW, user=user_named("programma")
    )
    proposal = review_services.proposal_create(round_=round_, run=run, user=user_named("programma"))
    approve_all(proposal, user_named)
    return round_


def _wait_until_made(round_id: int, timeout: float) -> list[Any]:
    from reports.models import AgreementDocument, DocumentStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        docs = list(AgreementDocument.objects.filter(round_id=round_id).defer("pdf"))
        if docs and all(d.status in (DocumentStatus.READY, DocumentStatus.FAILED) for d in docs):
            return docs
        time.sleep(0.5)
    pytest.fail(f"the agreements of round {round_id} were not made within {timeout} s")


def test_pdfs_pending_at_a_broker_failure_are_made_after_the_reaper_sweeps(
    loaded_transactional_db,
    own_redis,  # noqa: F811
    user_named,
    tmp_path,
    capsys,
) -> None:
    import redis
    from django.utils import timezone

    from agreements import services as review_services
    from allocation.models import RoundStatus
    from reports import reaper, services
    from reports.models import AgreementDocument, DocumentStatus
    from reports.pdf import read_digest

    round_ = _round_ready_for_adoption(user_named)

    # One publishing process throughout, as the web app keeps its connection pool.
    with publishing_to(own_redis.url):
        # Redis is down at the click: the adoption stands, at once; the documents wait.
        start = time.monotonic()
        adopted = review_services.round_adopt(round_=round_, user=user_named("voorzitter"))
        click = time.monotonic() - start
        assert click < CLICK_BUDGET_SECONDS, f"the adoption took {click:.1f} s with Redis down"
        adopted.refresh_from_db()
        assert adopted.status == RoundStatus.AGREED
        docs = AgreementDocument.objects.filter(round=adopted)
        assert docs.count() == 8
        assert set(docs.values_list("status", flat=True)) == {DocumentStatus.PENDING}

        # Redis is back. The reaper's sweep past the limit sends the eight documents again.
        own_redis.start()
        result = reaper.reap_documents(now=timezone.now() + services.PENDING_STALE_AFTER * 2)
        assert sorted(result.resent) == sorted(docs.values_list("pk", flat=True))
        assert result.failed == []
        queued = redis.Redis.from_url(own_redis.url).llen("mra")
    assert queued == 8  # one message per document, waiting for a worker

    # A real worker makes them.
    with worker(own_redis.url, tmp_path / "worker.log") as process:
        made = _wait_until_made(adopted.pk, timeout=900)
        log = process.log_path.read_text()
    assert all(d.status == DocumentStatus.READY for d in made), [d.error_message for d in made]
    assert log.count("reports.generate_agreement") >= 8  # one task per document
    approved = services.selectors.agreed_result(adopted).digest
    for doc in AgreementDocument.objects.filter(round=adopted):
        assert doc.pdf is not None
        pdf = bytes(doc.pdf)
        assert hashlib.sha256(pdf).hexdigest() == doc.sha256
        assert read_digest(pdf) == approved
    with capsys.disabled():
        print(
            f"\nadoption with Redis down took {click:.2f} s; after the reaper a real worker "
            f"made {len(made)} PDFs via {own_redis.url}"
        )
