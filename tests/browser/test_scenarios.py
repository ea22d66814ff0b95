"""The programme team builds a scenario, computes it and reads a municipality's calculation.

Celery runs eagerly here (the task runs in the request after commit); the real worker is
tested in allocation/tests/test_tasks.py. axe checks every page of rounds and scenarios.
"""

from __future__ import annotations

import io
import json
import re
import threading

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from allocation import services
from allocation.models import Round, RunStatus, Scenario, ScenarioRun

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def _no_axe_violations(page, where: str) -> None:
    assert axe_violations(page) == [], where


def _batch(scenario_json: bytes, tmp_path) -> dict:
    path = tmp_path / "scenario.json"
    path.write_bytes(scenario_json)
    out = io.StringIO()
    call_command("allocate", "--input", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_programme_team_builds_runs_and_reads_a_scenario(page, app_url, login, tmp_path) -> None:
    login("programma")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rondes").click()
    page.wait_for_url(f"{app_url}/rondes/")
    _no_axe_violations(page, "round list")

    # A new round.
    page.get_by_role("link", name="Nieuwe ronde").click()
    _no_axe_violations(page, "round form")
    page.get_by_label("Naam").fill("Afspraken 2026–2027")
    page.get_by_label("Begin van de periode").fill("2026-01-01")
    page.get_by_label("Einde van de periode").fill("2027-12-31")
    page.get_by_label("Peiljaar").fill("2024")
    page.get_by_role("button", name="Ronde aanmaken").click()
    page.wait_for_url(re.compile(r"/rondes/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Afspraken 2026–2027"
    _no_axe_violations(page, "round detail")

    # The national figures of the statutory task, per half-year (estimates for now).
    for label in ("2026-H1", "2026-H2", "2027-H1", "2027-H2"):
        page.get_by_label(f"Landelijke taakstelling (vg) in {label}").fill("13.000")
    page.get_by_role("button", name="Instellingen van de ronde opslaan").click()
    page.wait_for_url(re.compile(r"/rondes/\d+/#instellingen$"))
    assert page.get_by_role("status").first.inner_text() == (
        "De instellingen van de ronde zijn opgeslagen."
    )
    _no_axe_violations(page, "round detail with settings")

    # A scenario: weights as percentages, the live check shows the sum.
    page.get_by_role("link", name="Nieuw scenario").click()
    _no_axe_violations(page, "scenario form")
    page.get_by_label("Naam", exact=True).fill("Gemengd")
    # The groups are collapsed sections; the summary shows the key, a click opens one.
    urgent = page.locator("#groep-urgent")
    assert urgent.locator("summary").inner_text().startswith("Sociaal en medisch urgenten")
    urgent.locator("summary").click()
    total = urgent.locator("output")
    assert total.inner_text() == "Samen: 100%. Dat klopt."  # the group's default key
    urgent.get_by_label("Mutaties sociale huur per jaar").fill("")
    urgent.get_by_label("Inwoners", exact=True).fill("50")
    assert total.inner_text() == "Samen: 50%. Nog 50% te verdelen."
    urgent.get_by_label("Sociale huurwoningen (corporatiebezit)").fill("60")
    assert total.inner_text() == "Samen: 110%. Dat is 10% te veel."
    urgent.get_by_label("Sociale huurwoningen (corporatiebezit)").fill("50")
    assert total.inner_text() == "Samen: 100%. Dat klopt."
    assert total.get_attribute("aria-live") == "polite"
    urgent.get_by_label("Verrekenfactor c (0 tot en met 1)").fill("0,5")
    # The entered total shows only when the task is entered.
    assert urgent.get_by_label("Ingevuld totaal").is_hidden()
    urgent.get_by_label("Regionale taak", exact=True).select_option("entered")
    assert urgent.get_by_label("Ingevuld totaal").is_visible()
    urgent.get_by_label("Regionale taak", exact=True).select_option("demand")

    # A group that spreading does not suit starts as its own demand.
    assert (
        page.locator("#groep-students")
        .get_by_label("eigen vraag (waar de vraag ontstaat)")
        .is_checked()
    )

    # The server checks the weights too: a wrong sum comes back with the message.
    homeless = page.locator("#groep-homeless")
    homeless.locator("summary").click()
    homeless.get_by_label("Sociale huurwoningen (corporatiebezit)").fill("")
    homeless.get_by_label("Mutaties sociale huur per jaar").fill("")
    page.locator("#groep-homeless").get_by_label("Inwoners", exact=True).fill("90")
    page.get_by_role("button", name="Scenario opslaan").click()
    assert page.get_by_role("alert").first.is_visible()
    assert "nu is het samen 90%" in page.locator("#weights-error-homeless").inner_text()
    _no_axe_violations(page, "scenario form with errors")
    page.locator("#groep-homeless").get_by_label("Inwoners", exact=True).fill("100")
    page.get_by_role("button", name="Scenario opslaan").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/$"))
    assert page.get_by_role("status").first.inner_text() == "Scenario “Gemengd” is opgeslagen."
    _no_axe_violations(page, "scenario detail")

    # Compute it and watch the progress bar reach done.
    page.get_by_role("button", name="Bereken dit scenario").click()
    page.wait_for_url(re.compile(r"/berekeningen/\d+/$"))
    bar = page.get_by_label("Voortgang van de berekening")
    assert bar.get_attribute("value") == "100"
    assert page.locator("#run-status-text").inner_text() == (
        "De berekening is klaar. De uitkomsten staan hieronder."
    )
    _no_axe_violations(page, "run detail")
    run = ScenarioRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED

    # Results of the urgent cases, then Haarlem's calculation.
    page.get_by_role("link", name="Sociaal en medisch urgenten", exact=True).click()
    page.wait_for_url(re.compile(r"/urgent/$"))
    _no_axe_violations(page, "results of a group")
    page.locator("#gemeente-GM0392").get_by_role("link", name="Haarlem").click()
    explanation = page.locator("#uitleg-GM0392")
    assert explanation.get_attribute("open") is not None
    assert explanation.get_by_text("Zo komt het aantal van Haarlem tot stand").is_visible()
    assert explanation.get_by_text("Verrekenfactor c = 0,5").is_visible()
    _no_axe_violations(page, "results with an explanation open")

    # The numbers on screen equal the batch interface's for the stored input.
    scenario_json = page.request.get(f"{app_url}/berekeningen/{run.pk}/urgent/scenario.json").body()
    batch = _batch(scenario_json, tmp_path)
    expected = {a["code"]: a for a in batch["allocations"]}
    shown = int(page.locator("#gemeente-GM0392 td strong").inner_text().replace(".", ""))
    assert shown == expected["GM0392"]["allocation"]
    assert explanation.locator("summary").inner_text() == (
        f"Haarlem: {expected['GM0392']['allocation']}"
    )
    quota = page.locator("#gemeente-GM0392 td.num").first.inner_text()
    assert quota == f"{float(expected['GM0392']['quota']):.4f}".replace(".", ",")
    for code, row in expected.items():
        cell = page.locator(f"#gemeente-{code} td strong").inner_text().replace(".", "")
        assert int(cell) == row["allocation"], code


def test_the_progress_bar_follows_a_run_computed_in_the_background(page, app_url, login) -> None:
    round_ = Round.objects.create(
        name="Afspraken 2030–2031",
        period_start="2030-01-01",
        period_end="2031-12-31",
        reference_year=2024,
    )
    scenario = services.scenario_create(
        round_=round_,
        name="Inwoners",
        settings=[
            services.GroupSettingInput(group_code=code, included=code == "urgent")
            for code in (
                "homeless",
                "status_holders",
                "urgent",
                "institution_leavers",
                "labour_migrants",
                "students",
                "caravan_dwellers",
            )
        ],
        user=None,
    )
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id="browser")
    login("stuurgroep.ijmond")
    page.goto(f"{app_url}/berekeningen/{run.pk}/")
    assert page.get_by_label("Voortgang van de berekening").get_attribute("value") == "0"
    assert page.locator("#run-status-text").inner_text() == "De berekening staat in de wachtrij."
    _no_axe_violations(page, "run detail while queued")
    worker = threading.Timer(1.5, lambda: services.run_execute(run_id=run.pk))
    worker.start()
    # A locator assertion, not wait_for_function: the strict CSP forbids evaluating strings.
    expect(page.locator("#run-progress-bar")).to_have_attribute("value", "100", timeout=15000)
    worker.join()
    assert page.locator("#run-status-text").inner_text().startswith("De berekening is klaar.")
    assert page.get_by_role("link", name="Sociaal en medisch urgenten", exact=True).is_visible()


def test_a_failed_run_page_is_accessible_and_says_why(page, app_url, login) -> None:
    from decimal import Decimal

    round_ = Round.objects.create(
        name="Krap", period_start="2030-01-01", period_end="2031-12-31", reference_year=2024
    )
    scenario = services.scenario_create(
        round_=round_,
        name="Krap",
        settings=[
            services.GroupSettingInput(
                group_code="students", upper_bound_mutations_pct=Decimal("0.5")
            ),
            *(
                services.GroupSettingInput(group_code=code, included=False)
                for code in (
                    "homeless",
                    "status_holders",
                    "urgent",
                    "institution_leavers",
                    "labour_migrants",
                    "caravan_dwellers",
                )
            ),
        ],
        user=None,
    )
    Scenario.objects.filter(pk=scenario.pk)  # only the students are computed
    run = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="x").pk
    )
    assert run.status == RunStatus.FAILED
    login("voorzitter")
    page.goto(f"{app_url}/berekeningen/{run.pk}/")
    assert page.get_by_text(
        "Doelgroep Studenten: de bovengrenzen laten te weinig ruimte"
    ).is_visible()
    _no_axe_violations(page, "failed run")
