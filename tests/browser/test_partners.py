"""Partners in a real browser (issue 15): a corporation enters figures that the officer
confirms, co-signs the adopted Zuid-Kennemerland agreement (and is asked again after a
correction); the province page; axe on every new page.

The new interface texts may still be English until the Dutch catalogue is merged, so these
tests find elements by address and form action, not by their words."""

from __future__ import annotations

import re

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def _axe_clean(page, what: str) -> None:
    assert axe_violations(page) == [], what


def _logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))


@pytest.fixture
def adopted(app_url):
    from monitoring.tests.factories import adopted_round

    return adopted_round(groups=("urgent", "status_holders"))


def test_corporation_enters_figures_and_the_officer_confirms(page, app_url, login) -> None:
    from core.models import FigureStatus
    from figures.selectors import entry_year
    from municipalities.models import MunicipalFigure

    year = entry_year()
    login("corporatie.kennemerland")
    page.goto(f"{app_url}/corporatie/cijfers/")
    _axe_clean(page, "corporation figures overview")
    page.locator(f"a[href$='/corporatie/cijfers/GM0392/{year}/']").click()
    page.wait_for_url(re.compile(rf"/GM0392/{year}/$"))
    _axe_clean(page, "corporation entry form")
    page.locator("#id_social_rental").fill("26.100")
    page.locator("#id_mutations").fill("1.250")
    page.locator("#id_source").fill("Jaarverslag Woonstichting Kennemerland")
    page.locator("#id_reference_date").fill(f"{year}-01-01")
    page.get_by_role("button", name="Indienen ter bevestiging").click()
    page.wait_for_url(re.compile(r"/corporatie/cijfers/$"))
    _axe_clean(page, "corporation figures overview after submitting")
    figure = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", indicator__code="mutations", year=year
    )
    assert (figure.status, figure.value) == (FigureStatus.SUBMITTED, 1250)
    _logout(page)

    login("beleid.haarlem")
    page.goto(f"{app_url}/gemeenten/GM0392/cijfers/{year}/")
    page.get_by_role("button", name="Bevestig de ingediende cijfers").click()
    page.wait_for_load_state()
    assert "cijfer(s) bevestigd" in page.get_by_role("status").inner_text()
    figure.refresh_from_db()
    assert figure.status == FigureStatus.CONFIRMED
    assert figure.updated_by.username == "corporatie.kennemerland"
    assert figure.confirmed_by.username == "beleid.haarlem"


def test_corporation_cosigns_and_a_correction_asks_again(
    page, app_url, login, adopted, tmp_path
) -> None:
    import shutil
    import subprocess

    from django.contrib.auth import get_user_model

    from agreements import services as agreement_services
    from agreements.selectors import agreed_result
    from allocation.models import RoundStatus
    from municipalities.models import SubRegion
    from partners.models import Acknowledgement, PartnerOrganisation
    from partners.services import organisation_link_parties
    from reports import services as document_services
    from reports.models import AgreementDocument, DocumentStatus

    corporation = PartnerOrganisation.objects.get(slug="woonstichting-kennemerland")
    organisation_link_parties(organisation=corporation)
    zk = SubRegion.objects.get(slug="zuid-kennemerland")
    # Edition 1 of the Zuid-Kennemerland agreement, made at adoption (only this one; a
    # full round makes 8).
    first = AgreementDocument.objects.create(
        round=adopted, subregion=zk, run_digest=adopted.agreed_run.digest
    )
    assert document_services.agreements_generate(round_id=adopted.pk) == 1
    first.refresh_from_db()
    assert (first.status, first.edition) == (DocumentStatus.READY, 1)
    cosign = f"form[action$='/partner/afspraken/{adopted.pk}/zuid-kennemerland/medeondertekenen/']"

    login("corporatie.kennemerland")
    page.goto(f"{app_url}/partner/afspraken/")
    _axe_clean(page, "agreements to co-sign")
    page.locator(f"{cosign} button").click()
    page.wait_for_url(re.compile(r"/partner/afspraken/$"))
    assert page.locator(cosign).count() == 0
    _axe_clean(page, "agreements, co-signed")
    ack = Acknowledgement.objects.get()
    assert ack.acknowledged_by.username == "corporatie.kennemerland"

    # The co-sign made edition 2 (tasks run in-process in the tests, as a worker would);
    # edition 1 is kept as made.
    second = AgreementDocument.objects.get(round=adopted, subregion=zk, edition=2)
    assert second.status == DocumentStatus.READY, second.error_message
    assert second.digest == first.digest == agreed_result(adopted).digest
    kept = AgreementDocument.objects.get(pk=first.pk)
    assert (kept.status, kept.sha256) == (DocumentStatus.READY, first.sha256)

    # The corporation downloads the PDF through the app: the newest edition, whose party
    # list names the acknowledgement (who and when).
    response = page.request.get(f"{app_url}/rondes/{adopted.pk}/afspraken/zuid-kennemerland.pdf")
    assert response.status == 200
    content = response.body()
    assert content.startswith(b"%PDF-")
    assert content == bytes(second.pdf)
    assert response.headers["x-agreement-edition"] == "2"
    earlier = page.request.get(
        f"{app_url}/rondes/{adopted.pk}/afspraken/zuid-kennemerland.pdf?editie=1"
    )
    assert earlier.body() == bytes(kept.pdf)
    if shutil.which("pdftotext"):
        path = tmp_path / "editie-2.pdf"
        path.write_bytes(content)
        text = " ".join(
            subprocess.run(  # noqa: S603 - fixed tool, our own file
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        assert "Editie 2 — met medeondertekening van Woonstichting Kennemerland (demo)" in text
        assert "medeondertekend door Ingrid Visser" in text
        when = timezone_local_date(ack.acknowledged_at)
        assert when in text
        assert agreed_result(adopted).digest[:12] in text
    page.goto(f"{app_url}/openbaar/{adopted.pk}/")
    assert page.get_by_text("Woonstichting Kennemerland (demo)").first.is_visible()
    _axe_clean(page, "public page with the acknowledgement")

    # A correction: the new version, once adopted, asks the partner again, and its
    # documents start at edition 1.
    programme = get_user_model().objects.get(username="programma")
    new = agreement_services.round_correct(round_=adopted, user=programme, reason="Correctie")
    new.status = RoundStatus.AGREED
    new.agreed_run = adopted.agreed_run
    new.save()
    page.goto(f"{app_url}/partner/afspraken/")
    assert (
        page.locator(
            f"form[action$='/partner/afspraken/{new.pk}/zuid-kennemerland/medeondertekenen/']"
        ).count()
        == 1
    )
    assert not AgreementDocument.objects.filter(round=new).exclude(edition=1).exists()


def timezone_local_date(moment) -> str:
    """The acknowledgement's day as the PDF writes it (Dutch, e.g. "2 december 2026")."""
    from django.utils import formats, timezone, translation

    with translation.override("nl"):
        return formats.date_format(timezone.localtime(moment), "j F Y")


def test_province_page_and_partner_management_are_axe_clean(page, app_url, login, adopted) -> None:
    login("provincie.noord-holland")
    page.goto(f"{app_url}/provincie/")
    assert page.locator("#province-task").is_visible()
    assert page.locator("#province-task").get_by_text("Zandvoort").is_visible()
    _axe_clean(page, "province page")
    _logout(page)
    login("programma")
    page.goto(f"{app_url}/partners/")
    _axe_clean(page, "partner organisations")
    page.get_by_role("link", name="Woonstichting Kennemerland (demo)").click()
    page.wait_for_load_state()
    _axe_clean(page, "partner organisation form")
