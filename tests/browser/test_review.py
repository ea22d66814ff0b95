"""The whole review: propose, seven approvals, a changed figure voids them, compute and
propose again, a transfer, seven approvals again, the chair adopts, and the round is frozen.

Celery runs eagerly (the computation runs when its transaction commits); the real worker is
tested in allocation/tests/test_tasks.py. axe checks every page of this part on the way.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Approval, ApprovalState, Proposal, ProposalStatus
from agreements.tests.fixtures import STEERING, computed_run
from allocation import services
from allocation.models import Round, RoundStatus, Scenario, ScenarioRun
from municipalities.models import MunicipalFigure, Municipality

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def _no_axe_violations(page, where: str) -> None:
    assert axe_violations(page) == [], where


def _as(page, login, username: str):
    page.context.clear_cookies()
    return login(username)


def _approve_all(page, login, url: str, *, check_axe: bool) -> None:
    for index, username in enumerate(STEERING):
        _as(page, login, username)
        page.goto(url)
        form = page.locator("form", has=page.get_by_role("button", name="Besluit opslaan"))
        form.get_by_label("Stemt in").check()
        form.get_by_role("button", name="Besluit opslaan").click()
        page.wait_for_load_state()
        assert page.get_by_text("Uw besluit is opgeslagen.").is_visible()
        if check_axe and index == 0:
            _no_axe_violations(page, "review page with a decision")


def _change_haarlem_population() -> None:
    """An officer changes a locked figure after the programme team unlocked it; a second
    officer confirms it (the figures services, as the officers' form calls them)."""
    from django.contrib.auth import get_user_model

    from figures import services as figure_services
    from figures.entries import ChangeRequest, IndicatorInput

    users = get_user_model().objects
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    figure_services.figures_unlock(
        municipality=haarlem, year=2024, user=users.get(username="programma"), reason="correctie"
    )
    current = MunicipalFigure.objects.get(
        municipality=haarlem, year=2024, indicator__code="population"
    )
    figure_services.figures_save_draft(
        municipality=haarlem,
        year=2024,
        request=ChangeRequest(
            indicators=[
                IndicatorInput(
                    code="population",
                    value=current.value + 25,
                    source="CBS",
                    reference_date=datetime.date(2024, 1, 1),
                    expected_version=current.version,
                )
            ]
        ),
        user=users.get(username="beleid.haarlem"),
        origin="form",
    )
    figure_services.figures_submit(
        municipality=haarlem, year=2024, user=users.get(username="beleid.haarlem")
    )
    figure_services.figures_confirm(
        municipality=haarlem, year=2024, user=users.get(username="beleid2.haarlem")
    )


def test_review_from_proposal_to_adoption_and_freeze(page, app_url, login, monkeypatch) -> None:
    # The PDF agreements are the reports app's part (tested there); here we only check
    # that adoption asks for them, so that eager Celery does not render 8 PDFs in a request.
    import reports.services

    scheduled: list[int] = []
    monkeypatch.setattr(
        reports.services, "agreements_schedule", lambda *, round_id: scheduled.append(round_id)
    )
    round_ = Round.objects.create(
        name="Afspraken 2026–2027",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        reference_year=2024,
        status=RoundStatus.COMPUTING,
    )
    first_run = computed_run(round_)
    url = f"{app_url}/rondes/{round_.pk}/beoordeling/"

    # The programme team puts the round in review and proposes the computation.
    _as(page, login, "programma")
    page.goto(f"{app_url}/rondes/{round_.pk}/")
    page.get_by_role("link", name="Beoordeling en vaststelling").click()
    page.wait_for_url(url)
    _no_axe_violations(page, "review page, computing")
    page.get_by_role("button", name="Naar “ter beoordeling”").click()
    page.wait_for_load_state()
    assert page.locator("#round-status").inner_text() == "ter beoordeling"
    page.get_by_label("Berekening om voor te stellen").select_option(str(first_run.pk))
    page.get_by_role("button", name="Voorstellen ter beoordeling").click()
    page.wait_for_load_state()
    assert page.locator("#proposal-scenario").inner_text() == "Inwoners"
    _no_axe_violations(page, "review page with a proposal")

    # The chair cannot adopt yet: the button is disabled and says why.
    _as(page, login, "voorzitter")
    page.goto(url)
    adopt = page.get_by_role("button", name="Ronde vaststellen")
    assert adopt.is_disabled()
    assert "alle 7 deelregio" in page.locator("#adopt-help").inner_text()
    _no_axe_violations(page, "review page for the chair")

    # All seven sub-regions approve.
    _approve_all(page, login, url, check_axe=True)
    assert Approval.objects.filter(state=ApprovalState.ACTIVE, decision="approve").count() == 7

    # A figure changes: the approvals are voided, visibly.
    _change_haarlem_population()
    assert Proposal.objects.get(round=round_).status == ProposalStatus.VOIDED
    _as(page, login, "stuurgroep.amsterdam")
    page.goto(url)
    banner = page.locator("#void-banner")
    assert banner.is_visible()
    assert "Cijfers of instellingen zijn gewijzigd" in banner.inner_text()
    assert page.get_by_role("button", name="Besluit opslaan").count() == 0
    history = page.get_by_role("table", name="Besluiten die niet meer tellen, en waarom")
    assert history.locator("tbody tr").count() == 7
    _no_axe_violations(page, "review page after voiding")

    # The programme team computes again and proposes the new computation.
    _as(page, login, "programma")
    page.goto(url)
    page.get_by_label("Waarom terug naar “rekenen”?").fill("Bevolking Haarlem gecorrigeerd")
    page.get_by_role("button", name="Naar “rekenen”").click()
    page.wait_for_load_state()
    assert page.locator("#round-status").inner_text() == "rekenen"
    scenario = Scenario.objects.get(round=round_)
    page.goto(f"{app_url}/scenarios/{scenario.pk}/")
    page.get_by_role("button", name="Bereken dit scenario").click()
    page.wait_for_load_state()
    second_run = ScenarioRun.objects.filter(scenario=scenario).latest("queued_at")
    assert second_run.pk != first_run.pk
    second_run.refresh_from_db()
    assert second_run.status == "succeeded", second_run.error_message
    page.goto(url)
    page.get_by_role("button", name="Naar “ter beoordeling”").click()
    page.wait_for_load_state()
    page.get_by_label("Berekening om voor te stellen").select_option(str(second_run.pk))
    page.get_by_role("button", name="Voorstellen ter beoordeling").click()
    page.wait_for_load_state()
    assert page.get_by_text("De berekening is voorgesteld ter beoordeling.").is_visible()

    # Haarlem takes over one urgent household from Amsterdam; Amsterdam accepts.
    _as(page, login, "beleid.haarlem")
    page.goto(url)
    form = page.locator("form", has=page.get_by_role("button", name="Overdracht voorstellen"))
    form.get_by_label("neemt een deel van de taak over van de andere gemeente").check()
    form.get_by_role("combobox", name="Andere gemeente").select_option(label="Amsterdam")
    form.get_by_role("combobox", name="Doelgroep").select_option(
        label="Sociaal en medisch urgenten"
    )
    form.get_by_role("spinbutton", name="Aantal").fill("1")
    form.get_by_role("button", name="Overdracht voorstellen").click()
    page.wait_for_load_state()
    assert page.get_by_text("De overdracht is voorgesteld aan de andere gemeente.").is_visible()
    _no_axe_violations(page, "review page with a proposed transfer")
    page.get_by_role("link", name="Haarlem", exact=True).click()
    page.get_by_label("Uw bericht").fill("Wij nemen er een over van Amsterdam.")
    page.get_by_role("button", name="Bericht toevoegen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Wij nemen er een over van Amsterdam.").is_visible()
    _no_axe_violations(page, "municipality thread")
    _as(page, login, "beleid.amsterdam")
    page.goto(url)
    page.get_by_role("button", name="Aanvaarden").click()
    page.wait_for_load_state()
    net = page.get_by_role("table", name="Sociaal en medisch urgenten: aantallen na overdrachten")
    assert net.is_visible()
    _no_axe_violations(page, "review page with results after transfers")

    # All seven approve again, and the chair adopts.
    _approve_all(page, login, url, check_axe=False)
    _as(page, login, "voorzitter")
    page.goto(url)
    page.get_by_label("Uw bericht").fill("Dank allen, ik stel de ronde vast.")
    page.get_by_role("button", name="Bericht toevoegen").click()
    page.wait_for_load_state()
    adopt = page.get_by_role("button", name="Ronde vaststellen")
    assert adopt.is_enabled()
    adopt.click()
    page.wait_for_load_state()
    assert page.locator("#round-status").inner_text() == "vastgesteld"
    assert page.locator("#frozen-banner").is_visible()
    _no_axe_violations(page, "review page, agreed")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.AGREED
    assert round_.agreed_run_id == second_run.pk
    assert scheduled == [round_.pk]

    # Any later edit is refused: on the page and in the services.
    _as(page, login, "programma")
    page.goto(f"{app_url}/scenarios/{scenario.pk}/bewerken/")
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Scenario opslaan").count() == 0
    page.goto(url)
    assert page.get_by_role("button", name=re.compile("^Naar ")).count() == 0
    assert page.get_by_role("button", name="Correctie starten").is_visible()
    _as(page, login, "stuurgroep.ijmond")
    page.goto(url)
    assert page.get_by_role("button", name="Besluit opslaan").count() == 0
    with pytest.raises(ValidationError):
        services.scenario_update(
            scenario=scenario,
            name="Anders",
            description="",
            settings=[],
            options=services.ScenarioOptions(),
            user=None,
        )
    with pytest.raises(ValidationError):
        services.run_enqueue(scenario=scenario, user=None)
