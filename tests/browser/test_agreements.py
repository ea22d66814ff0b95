"""PDF agreements in a real browser: the Zuid-Kennemerland coordinator downloads the
agreement of Zuid-Kennemerland, and can download neither another sub-region's agreement
nor one of a round that was not adopted. axe checks the agreements page."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from agreements.selectors import agreed_result
from municipalities.models import SubRegion
from reports import services
from reports.models import AgreementDocument, DocumentStatus
from reports.tests.factories import adopted_round, unadopted_round

from .conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def rounds(loaded_transactional_db):
    adopted = adopted_round(name="Afspraken 2026–2027")
    # Only the two documents this test needs are made (a full round makes 8).
    for slug in ("zuid-kennemerland", "amsterdam"):
        AgreementDocument.objects.create(
            round=adopted,
            subregion=SubRegion.objects.get(slug=slug),
            run_digest=adopted.agreed_run.digest,
        )
    assert services.agreements_generate(round_id=adopted.pk) == 2
    return {"adopted": adopted, "in_review": unadopted_round(name="Afspraken 2028–2029")}


def test_coordinator_downloads_own_agreement_and_nothing_else(
    page, app_url, login, rounds, tmp_path
) -> None:
    adopted = rounds["adopted"]
    login("coordinator.zuid-kennemerland")
    page.goto(f"{app_url}{adopted.get_absolute_url()}")
    page.get_by_role("link", name="Afspraken per deelregio (pdf)").click()
    page.wait_for_url(re.compile(r"/afspraken/$"))
    assert page.get_by_role("heading", level=1).inner_text() == f"Afspraken van {adopted.name}"
    assert axe_violations(page) == [], "agreements page"
    # Only the own sub-region is offered.
    links = page.get_by_role("link", name=re.compile(r"^Afspraken .* \(pdf\)$"))
    assert links.all_inner_texts() == ["Afspraken Zuid-Kennemerland (pdf)"]

    with page.expect_download() as info:
        links.first.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF-")
    stored = AgreementDocument.objects.get(round=adopted, subregion__slug="zuid-kennemerland")
    assert stored.status == DocumentStatus.READY
    assert content == bytes(stored.pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(  # noqa: S603 - fixed tool, our own file
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Zuid-Kennemerland" in text
        # The controlecode: the digest the sub-regions approved (issue 11).
        assert agreed_result(adopted).digest in text

    # Another sub-region's agreement: refused, even with the address typed in.
    other = page.request.get(f"{app_url}/rondes/{adopted.pk}/afspraken/amsterdam.pdf")
    assert other.status == 403
    assert not other.body().startswith(b"%PDF")
    mra = page.request.get(f"{app_url}/rondes/{adopted.pk}/afspraken/mra.pdf")
    assert mra.status == 403

    # A round that was not adopted has no PDF, and says so in Dutch.
    in_review = rounds["in_review"]
    draft = page.request.get(f"{app_url}/rondes/{in_review.pk}/afspraken/zuid-kennemerland.pdf")
    assert draft.status == 404
    assert not draft.body().startswith(b"%PDF")
    page.goto(f"{app_url}/rondes/{in_review.pk}/afspraken/")
    assert page.get_by_role("heading", level=1).inner_text() == "Nog geen afspraken"
    assert "is nog niet vastgesteld" in page.get_by_role("status").inner_text()
    assert axe_violations(page) == [], "not adopted page"
