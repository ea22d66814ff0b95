"""A run keeps where its figures came from beside its inputs, outside the digest (issue 15).

The snapshot (`ScenarioRun.input_provenance`) holds, for every figure the run used, its
source and reference date and, for a figure a person entered, who entered and who confirmed
it and when, as it was at the time of the run. The explanation of a number shows it.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from allocation import selectors, services
from allocation.digest import run_digest
from allocation.models import RunStatus, Scenario, ScenarioRun
from figures import services as figure_services
from figures.entries import ChangeRequest, IndicatorInput
from municipalities.models import MunicipalFigure, Municipality

from .factories import scenario_for

pytestmark = pytest.mark.django_db

SOURCE = "Registratie gemeente Haarlem 2024"


def _execute(scenario: Scenario) -> ScenarioRun:
    run = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="test").pk
    )
    assert run is not None
    return run


@pytest.fixture
def officer_entered(round_, user_named) -> None:
    """Haarlem's officer enters its mutations; the second officer confirms them."""
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    figure_services.figures_save_draft(
        municipality=haarlem,
        year=round_.reference_year,
        request=ChangeRequest(
            indicators=[
                IndicatorInput(
                    code="mutations",
                    value=Decimal(1300),
                    source=SOURCE,
                    reference_date=datetime.date(2024, 6, 30),
                )
            ]
        ),
        user=user_named("beleid.haarlem"),
        origin="form",
    )
    figure_services.figures_submit(
        municipality=haarlem, year=round_.reference_year, user=user_named("beleid.haarlem")
    )
    figure_services.figures_confirm(
        municipality=haarlem, year=round_.reference_year, user=user_named("beleid2.haarlem")
    )


def test_the_digest_is_that_of_the_inputs_without_provenance(round_, officer_entered) -> None:
    scenario = scenario_for(round_, groups=("urgent",), weights={"mutations": Decimal(1)})
    run = _execute(scenario)
    plain = selectors.run_inputs_build(scenario=scenario)
    assert plain.figure_provenance is None  # the what-if preview builds no provenance
    assert run.inputs == plain.inputs_dict()
    assert run.digest == run_digest(
        inputs=plain.inputs_dict(), settings=run.scenario_settings, results=run.results
    )
    assert "Fatima" not in json.dumps(run.inputs)


def test_an_officers_figure_names_who_entered_and_who_confirmed(round_, officer_entered) -> None:
    scenario = scenario_for(round_, groups=("urgent",), weights={"mutations": Decimal(1)})
    run = _execute(scenario)
    entry = run.input_provenance["indicators"]["GM0392"]["mutations"]
    figure = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", indicator__code="mutations", year=2024
    )
    assert entry["value"] == 1300
    assert (entry["source"], entry["reference_date"]) == (SOURCE, "2024-06-30")
    assert (entry["entered_by"], entry["organisation"]) == ("Fatima el Amrani", None)
    assert entry["confirmed_by"] == "Joost de Vries"
    assert entry["confirmed_at"] == figure.confirmed_at.isoformat()
    assert datetime.datetime.fromisoformat(entry["submitted_at"]) <= figure.confirmed_at


def test_only_the_figures_the_run_used_are_recorded(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",), weights={"population": Decimal(1)})
    run = _execute(scenario)
    recorded = run.input_provenance["indicators"]
    assert len(recorded) == Municipality.objects.count()
    # Population (the key, per 1,000) and mutations (read-outs) are used; dwellings not.
    assert set(recorded["GM0363"]) == {"population", "mutations"}
    seed = recorded["GM0363"]["mutations"]
    assert seed["illustrative"] is True
    assert seed["entered_by"] is seed["confirmed_by"] is None
    # The group's own figures (demand, existing effort) of the computed group only.
    assert set(run.input_provenance["groups"]) == {"urgent"}
    assert run.input_provenance["groups"]["urgent"]["GM0363"]["demand"] is not None


def test_the_explanation_lists_the_sources_of_a_municipality(
    client_for, round_, officer_entered
) -> None:
    scenario = scenario_for(round_, groups=("urgent",), weights={"mutations": Decimal(1)})
    run = _execute(scenario)
    view = selectors.run_group_view(run, "urgent")
    row = next(r for r in view["rows"] if r["code"] == "GM0392")
    kinds = [(s["kind"], s["code"]) for s in row["sources"]]
    assert kinds[-1] == ("group", "urgent")
    assert ("indicator", "mutations") in kinds
    mutations = next(s for s in row["sources"] if s["code"] == "mutations")
    assert mutations["reference_date"] == datetime.date(2024, 6, 30)
    assert isinstance(mutations["confirmed_at"], datetime.datetime)

    html = client_for("voorzitter").get(reverse("allocation:run_group", args=[run.pk, "urgent"]))
    text = html.content.decode()
    assert 'id="bronnen-GM0392"' in text
    for shown in (SOURCE, "30 juni 2024", "Fatima el Amrani", "Joost de Vries"):
        assert shown in text, shown


def test_the_snapshot_does_not_follow_later_changes(round_, officer_entered, user_named) -> None:
    scenario = scenario_for(round_, groups=("urgent",), weights={"mutations": Decimal(1)})
    run = _execute(scenario)
    before = run.input_provenance
    officer = get_user_model().objects.get(username="beleid2.haarlem")
    officer.last_name = "Anders"
    officer.save()
    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0392", indicator__code="mutations", year=2024
    ).update(source="Iets anders")
    run.refresh_from_db()
    assert run.input_provenance == before
    row = next(r for r in selectors.run_group_view(run, "urgent")["rows"] if r["code"] == "GM0392")
    mutations = next(s for s in row["sources"] if s["code"] == "mutations")
    assert (mutations["source"], mutations["confirmed_by"]) == (SOURCE, "Joost de Vries")


def test_a_run_from_before_provenance_shows_no_sources(client_for, round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    run = _execute(scenario)
    ScenarioRun.objects.filter(pk=run.pk).update(input_provenance=None)
    run.refresh_from_db()
    view = selectors.run_group_view(run, "urgent")
    assert all(row["sources"] == [] for row in view["rows"])
    response = client_for("voorzitter").get(
        reverse("allocation:run_group", args=[run.pk, "urgent"])
    )
    assert response.status_code == 200
    assert 'id="bronnen-' not in response.content.decode()


def test_a_failed_run_records_no_provenance(round_) -> None:
    scenario = scenario_for(round_, groups=("students",), upper_bound_mutations_pct=Decimal("0.5"))
    run = _execute(scenario)
    assert run.status == RunStatus.FAILED
    assert run.input_provenance is None
