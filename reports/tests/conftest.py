from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
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
    from allocation.models import Round, ScenarioRun
    from reports.models import AgreementDocument

    AgreementDocument.objects.filter(round=round_).delete()
    # The round row is not frozen (PostgreSQL triggers freeze its scenarios and runs while
    # it is agreed): back to draft first, then its runs and scenarios may go.
    Round.objects.filter(pk=round_.pk).update(agreed_run=None, status="draft")
    ScenarioRun.objects.filter(scenario__round=round_).delete()
    Round.objects.filter(pk=round_.pk).delete()


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
    """An adopted round with 8 ready (stand-in) documents, and a round in review."""
    import hashlib

    from django.utils import timezone

    from municipalities.models import SubRegion
    from reports.models import AgreementDocument, DocumentStatus

    from .factories import adopted_round, unadopted_round

    with django_db_blocker.unblock():
        adopted = adopted_round(name="Afspraken viewtest")
        in_review = unadopted_round(name="Afspraken viewtest concept")
        for subregion in [None, *SubRegion.objects.all()]:
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
