from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import skip_or_fail


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        skip_or_fail(f"{name} is not installed (apt-get install -y poppler-utils)")
    assert path is not None
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(  # noqa: S603 - fixed tool, our own file
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_info(path: Path) -> str:
    return subprocess.run(  # noqa: S603 - fixed tool, our own file
        [_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout


def delete_round(round_: Any) -> None:
    """Remove a round made outside a test transaction, with its runs and documents."""
    from conftest import delete_round_for_cleanup

    delete_round_for_cleanup(round_)


@pytest.fixture(scope="module")
def generated_round(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """An adopted round whose 8 agreements were made once for the whole module (committed)."""
    from mra_housing.celery import app
    from reports import services

    from .factories import adopted_round

    # Module fixtures start before the function-scoped eager switch in the root conftest:
    # run the task in-process here too, also when REDIS_URL is set.
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock():
        round_ = adopted_round(name="Afspraken rapportagetest")
        try:
            # Autocommit here: on_commit runs the (eager) task straight away.
            services.agreements_schedule(round_id=round_.pk)
        finally:
            app.conf.task_always_eager = previous
        try:
            yield round_
        finally:
            delete_round(round_)


FAKE_PDF = b"%PDF-1.7\n% a stand-in for the view tests\n%%EOF\n"


@pytest.fixture(scope="module")
def rounds_for_views(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """An adopted round with 7 ready (stand-in) documents and a failed one (IJmond), and a
    round in review. A ready row is append-only on PostgreSQL: tests change IJmond's."""
    import hashlib

    from django.utils import timezone

    from municipalities.models import SubRegion
    from reports.models import AgreementDocument, DocumentStatus

    from .factories import adopted_round, unadopted_round

    with django_db_blocker.unblock():
        adopted = adopted_round(name="Afspraken viewtest")
        in_review = unadopted_round(name="Afspraken viewtest concept")
        for subregion in [None, *SubRegion.objects.all()]:
            if subregion is not None and subregion.slug == "ijmond":
                AgreementDocument.objects.create(
                    round=adopted,
                    subregion=subregion,
                    run_digest=adopted.agreed_run.digest,
                    status=DocumentStatus.FAILED,
                    error_message="Het maken lukte niet.",
                    finished_at=timezone.now(),
                )
                continue
            AgreementDocument.objects.create(
                round=adopted,
                subregion=subregion,
                run_digest=adopted.agreed_run.digest,
                status=DocumentStatus.READY,
                pdf=FAKE_PDF,
                sha256=hashlib.sha256(FAKE_PDF).hexdigest(),
                page_count=1,
                finished_at=timezone.now(),
            )
        try:
            yield {"adopted": adopted, "in_review": in_review}
        finally:
            delete_round(adopted)
            delete_round(in_review)


class FakeQueue:
    """Stands in for the Celery task as with a broker: records the document ids sent, or
    refuses them all when ``down`` (as core.jobs.publish does when the broker is away)."""

    app = SimpleNamespace(conf=SimpleNamespace(task_always_eager=False))

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.tried: list[int] = []
        self.down = False

    def apply_async(self, *, args: tuple[int], **options: Any) -> None:
        self.tried.append(args[0])
        if self.down:
            from core.jobs import JobNotSent

            raise JobNotSent("Error 111 connecting to 127.0.0.1:1. Connection refused.")
        self.sent.append(args[0])


@pytest.fixture
def queue(monkeypatch: Any) -> FakeQueue:
    """The reports services send to a FakeQueue instead of Celery."""
    from reports import services

    stub = FakeQueue()
    monkeypatch.setattr(services, "task_named", lambda name: stub)
    monkeypatch.setattr(
        services, "publish", lambda name, *, args, task_id=None: stub.apply_async(args=args)
    )
    return stub
