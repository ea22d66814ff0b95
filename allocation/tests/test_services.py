"""Services: rounds, scenarios (validation in Dutch), and computing a run exactly once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from allocation import selectors, services
from allocation.digest import run_digest
from allocation.models import (
    Round,
    RoundStatus,
    RunStatus,
    Scenario,
    ScenarioGroupSetting,
    ScenarioRun,
    ScenarioWeight,
)
from allocation.services import GroupSettingInput
from core.jobs import stuck_after

from .factories import scenario_for

pytestmark = pytest.mark.django_db


# --- rounds -----------------------------------------------------------------------------


def test_round_create_makes_a_draft_round_with_history(user_named) -> None:
    user = user_named("programma")
    round_ = services.round_create(
        name="Afspraken 2028–2029",
        period_start=datetime.date(2028, 1, 1),
        period_end=datetime.date(2029, 12, 31),
        reference_year=2026,
        user=user,
    )
    assert round_.status == RoundStatus.DRAFT
    assert round_.created_by == user
    assert {h.history_user for h in round_.history.all()} == {user}
    assert round_.history.earliest().history_type == "+"


def test_round_create_refuses_a_period_that_ends_before_it_starts(round_) -> None:
    with pytest.raises(ValidationError) as info:
        services.round_create(
            name=round_.name,
            period_start=datetime.date(2028, 1, 1),
            period_end=datetime.date(2027, 1, 1),
            reference_year=1990,
            user=None,
        )
    errors = info.value.message_dict
    assert errors["name"] == ["Er is al een ronde met deze naam."]
    assert errors["period_end"] == ["Het einde van de periode moet na het begin liggen."]
    assert "reference_year" in errors


# --- scenarios --------------------------------------------------------------------------


def test_scenario_create_stores_settings_for_every_active_group(round_) -> None:
    scenario = scenario_for(
        round_,
        weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
        credit_factor=Decimal("0.5"),
    )
    settings = ScenarioGroupSetting.objects.filter(scenario=scenario)
    assert settings.count() == 7
    weights = ScenarioWeight.objects.filter(
        setting__scenario=scenario, setting__group__code="urgent"
    )
    assert {w.indicator.code: w.weight for w in weights} == {
        "population": Decimal("0.5"),
        "social_rental": Decimal("0.5"),
    }
    assert settings.get(group__code="urgent").credit_factor == Decimal("0.5")


def test_weights_must_add_up_to_exactly_100_percent(round_) -> None:
    with pytest.raises(ValidationError) as info:
        scenario_for(round_, weights={"population": Decimal("0.6"), "dwellings": Decimal("0.3")})
    message = info.value.message_dict["urgent.weights"][0]
    assert message == "De gewichten moeten samen precies 100% zijn; nu is het samen 90%."
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("weights", "text"),
    [
        ({"population": Decimal("-0.5"), "dwellings": Decimal("1.5")}, "onder 0"),
        ({"shoe_size": Decimal(1)}, "Onbekende indicator"),
    ],
)
def test_weights_must_be_known_and_not_negative(round_, weights, text) -> None:
    with pytest.raises(ValidationError) as info:
        scenario_for(round_, weights=weights)
    assert text in info.value.message_dict["homeless.weights"][0]


def test_an_entered_task_needs_a_total(round_) -> None:
    with pytest.raises(ValidationError) as info:
        scenario_for(round_, task_source="entered")
    assert info.value.message_dict["urgent.entered_total"] == [
        "Vul de regionale taak voor deze doelgroep in."
    ]


def test_the_statutory_mode_needs_no_weights_and_stores_none(round_) -> None:
    scenario = scenario_for(
        round_, groups=("status_holders",), mode="statutory", weights={"population": Decimal(1)}
    )
    setting = scenario.settings.get(group__code="status_holders")
    assert setting.mode == "statutory"
    assert not setting.weights.exists()


def test_the_statutory_rounding_method_is_no_longer_offered(round_) -> None:
    with pytest.raises(ValidationError) as info:
        scenario_for(round_, groups=("status_holders",), method="statutory")
    assert "status_holders.method" in info.value.message_dict


def test_at_least_one_group_is_computed(round_) -> None:
    with pytest.raises(ValidationError) as info:
        scenario_for(round_, groups=())
    assert "groups" in info.value.message_dict


def test_scenario_names_are_unique_per_round(round_) -> None:
    scenario_for(round_, name="Inwoners")
    with pytest.raises(ValidationError) as info:
        scenario_for(round_, name="Inwoners")
    assert info.value.message_dict["name"] == ["Deze ronde heeft al een scenario met deze naam."]


def test_scenario_update_changes_weights_and_keeps_history(round_, user_named) -> None:
    user = user_named("programma")
    scenario = scenario_for(round_, user=user)
    settings = [
        GroupSettingInput(
            group_code="urgent",
            weights={"social_rental": Decimal(1)},
            upper_bound_mutations_pct=Decimal(40),
        )
    ]
    services.scenario_update(
        scenario=scenario,
        name="Sociale huur",
        description="Alles naar sociale huur",
        settings=settings,
        options=services.ScenarioOptions(mutation_threshold_pct=Decimal(30)),
        user=user,
    )
    scenario.refresh_from_db()
    assert scenario.name == "Sociale huur"
    assert scenario.mutation_threshold_pct == Decimal(30)
    urgent = scenario.settings.get(group__code="urgent")
    assert [w.indicator.code for w in urgent.weights.all()] == ["social_rental"]
    assert urgent.upper_bound_mutations_pct == Decimal(40)
    assert urgent.history.count() == 2
    assert ScenarioWeight.history.filter(history_type="-").count() == 1


def test_scenarios_of_an_agreed_round_cannot_change(round_) -> None:
    scenario = scenario_for(round_)
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.AGREED)
    with pytest.raises(ValidationError, match="vastgesteld"):
        services.scenario_update(
            scenario=scenario,
            name="x",
            description="",
            settings=[],
            options=services.ScenarioOptions(),
            user=None,
        )
    with pytest.raises(ValidationError, match="vastgesteld"):
        services.run_enqueue(scenario=scenario, user=None)


def test_the_database_refuses_a_weight_above_one(round_) -> None:
    scenario = scenario_for(round_)
    setting = scenario.settings.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioWeight.objects.filter(setting=setting).update(weight=Decimal("1.5"))


# --- runs -------------------------------------------------------------------------------


def _queued(scenario: Scenario) -> ScenarioRun:
    return ScenarioRun.objects.create(scenario=scenario, celery_task_id="test")


def test_run_enqueue_sends_the_task_after_commit(
    round_, django_capture_on_commit_callbacks
) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    with mock.patch("allocation.tasks.compute_run.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            run = services.run_enqueue(scenario=scenario, user=None)
        assert run.status == RunStatus.QUEUED
        send.assert_not_called()
        for callback in callbacks:
            callback()
    send.assert_called_once_with(args=(run.pk,), task_id=run.celery_task_id, ignore_result=True)


def test_a_second_run_is_refused_while_one_is_queued(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    _queued(scenario)
    with pytest.raises(ValidationError, match="al een berekening van dit scenario in de wachtrij"):
        services.run_enqueue(scenario=scenario, user=None)


def test_run_execute_stores_inputs_results_and_digest(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent", "homeless"))
    run = services.run_execute(run_id=_queued(scenario).pk)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED
    assert run.progress == 100
    assert run.started_at <= run.finished_at
    assert run.duration == run.finished_at - run.started_at
    assert set(run.results["groups"]) == {"urgent", "homeless"}
    urgent = run.results["groups"]["urgent"]
    assert urgent["result"]["allocated_total"] == urgent["result"]["total"]
    assert urgent["fairness"]["urgent_fallback_pct"] == "0.1500000000"
    assert urgent["sensitivity"]["draws"] == 10000
    assert run.results["overall"]["groups"] == ["homeless", "urgent"]
    assert run.digest == run_digest(
        inputs=run.inputs, settings=run.scenario_settings, results=run.results
    )


def test_a_second_delivery_changes_nothing(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    first = services.run_execute(run_id=_queued(scenario).pk)
    assert first is not None
    assert services.run_execute(run_id=first.pk) is None
    again = ScenarioRun.objects.get(pk=first.pk)
    assert (again.digest, again.finished_at, again.results) == (
        first.digest,
        first.finished_at,
        first.results,
    )


def test_the_same_inputs_give_the_same_digest(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    one = services.run_execute(run_id=_queued(scenario).pk)
    two = services.run_execute(run_id=_queued(scenario).pk)
    assert one.digest == two.digest
    assert one.pk != two.pk


def test_an_infeasible_scenario_fails_in_plain_dutch_without_results(round_) -> None:
    scenario = scenario_for(round_, groups=("students",), upper_bound_mutations_pct=Decimal("0.5"))
    run = services.run_execute(run_id=_queued(scenario).pk)
    assert run.status == RunStatus.FAILED
    assert run.results is None
    assert run.inputs is None
    assert run.digest == ""
    assert run.finished_at is not None
    message = run.error_message
    assert message.startswith("Doelgroep Studenten: de bovengrenzen laten te weinig ruimte")
    assert "Veld: bovengrens (percentage van de jaarlijkse mutaties)" in message


def test_a_tie_in_strict_mode_fails_and_names_the_setting(round_) -> None:
    scenario = scenario_for(
        round_,
        groups=("caravan_dwellers",),
        strict_ties=True,
        task_source="entered",
        entered_total=1,
        weights={"mutations": Decimal(1)},
    )
    from municipalities.models import MunicipalFigure

    MunicipalFigure.objects.filter(indicator__code="mutations", year=2024).update(value=100)
    run = services.run_execute(run_id=_queued(scenario).pk)
    assert run.status == RunStatus.FAILED
    assert "Doelgroep Woonwagenbewoners" in run.error_message
    assert "Veld: gelijke standen weigeren" in run.error_message


def test_a_missing_confirmed_figure_fails_naming_group_and_municipality(round_) -> None:
    from municipalities.models import MunicipalFigure

    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0392", indicator__code="social_rental", year=2024
    ).update(status="submitted")
    scenario = scenario_for(round_, groups=("urgent",), weights={"social_rental": Decimal(1)})
    run = services.run_execute(run_id=_queued(scenario).pk)
    assert run.status == RunStatus.FAILED
    assert "Sociaal en medisch urgenten" in run.error_message
    assert "Haarlem" in run.error_message
    assert "Sociale huurwoningen" in run.error_message


def test_an_unexpected_error_fails_with_a_generic_message(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    with mock.patch("allocation.compute.allocate", side_effect=RuntimeError("boom")):
        run = services.run_execute(run_id=_queued(scenario).pk)
    assert run.status == RunStatus.FAILED
    assert "onverwachte fout" in run.error_message
    assert "Sociaal en medisch urgenten" in run.error_message
    assert run.results is None


def test_a_lost_database_connection_puts_the_run_back_in_the_queue(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    run = _queued(scenario)
    with (
        mock.patch("allocation.compute.allocate", side_effect=OperationalError("gone")),
        pytest.raises(OperationalError),
    ):
        services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert run.started_at is None
    assert services.run_execute(run_id=run.pk).status == RunStatus.SUCCEEDED


def test_a_run_stuck_in_running_is_claimed_again_after_a_while(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    run = _queued(scenario)
    ScenarioRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert services.run_execute(run_id=run.pk) is None
    ScenarioRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - stuck_after() - datetime.timedelta(seconds=1)
    )
    assert services.run_execute(run_id=run.pk).status == RunStatus.SUCCEEDED


def test_progress_is_written_per_group(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent", "homeless", "students"))
    run = _queued(scenario)
    seen: list[int] = []
    real = services._run_progress

    def spy(**kwargs):
        real(**kwargs)
        seen.append(ScenarioRun.objects.get(pk=run.pk).progress)

    with mock.patch("allocation.services._run_progress", side_effect=spy):
        services.run_execute(run_id=run.pk)
    assert seen == [23, 47, 71]


def test_the_database_refuses_results_on_a_run_that_did_not_succeed(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    run = _queued(scenario)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioRun.objects.filter(pk=run.pk).update(results={"groups": {}})
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)


def test_editing_a_scenario_leaves_an_earlier_run_as_it_was(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",))
    run = services.run_execute(run_id=_queued(scenario).pk)
    services.scenario_update(
        scenario=scenario,
        name=scenario.name,
        description="",
        settings=[GroupSettingInput(group_code="urgent", weights={"dwellings": Decimal(1)})],
        options=services.ScenarioOptions(),
        user=None,
    )
    again = ScenarioRun.objects.get(pk=run.pk)
    assert again.digest == run.digest
    assert again.scenario_settings["groups"]["urgent"]["weights"] == {"population": "1.000000"}
    assert selectors.run_settings_changed(again)


# --- demo -------------------------------------------------------------------------------


def test_demo_round_is_created_once_with_three_scenarios_not_computed() -> None:
    first = services.demo_round_ensure()
    second = services.demo_round_ensure()
    assert first.pk == second.pk
    assert first.name == "Afspraken 2026–2027"
    assert first.reference_year == 2024
    assert sorted(first.scenarios.values_list("name", flat=True)) == [
        "Gemengd",
        "Inwoners",
        "Standaard",
    ]
    assert [(h.label, h.national_total, h.estimate) for h in first.half_years.all()] == [
        ("2026-H1", 13000, True),
        ("2026-H2", 13000, True),
        ("2027-H1", 12000, True),
        ("2027-H2", 12000, True),
    ]
    standard = first.scenarios.get(name="Standaard")
    assert dict(standard.settings.values_list("group__code", "mode")) == {
        "homeless": "spread",
        "status_holders": "statutory",
        "urgent": "spread",
        "institution_leavers": "spread",
        "labour_migrants": "spread",
        "students": "local",
        "caravan_dwellers": "local",
    }
    assert not ScenarioRun.objects.exists()
    mixed = first.scenarios.get(name="Gemengd").settings.get(group__code="urgent")
    assert mixed.credit_factor == Decimal("0.5")
    assert {w.indicator.code: w.weight for w in mixed.weights.all()} == {
        "population": Decimal("0.5"),
        "social_rental": Decimal("0.5"),
    }


def test_demo_data_command_adds_the_demo_round_once(settings) -> None:
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_data")
    call_command("demo_data")
    round_ = Round.objects.get(name=services.DEMO_ROUND_NAME)
    assert round_.scenarios.count() == 3
    assert round_.created_by.username == "programma"
    assert not ScenarioRun.objects.filter(scenario__round=round_).exists()


def test_scenario_update_keeps_the_groups_it_is_not_given(round_) -> None:
    scenario = scenario_for(round_, credit_factor=Decimal("0.25"))
    services.scenario_update(
        scenario=scenario,
        name=scenario.name,
        description="",
        settings=[GroupSettingInput(group_code="urgent", credit_factor=Decimal(1))],
        options=services.ScenarioOptions(),
        user=None,
    )
    factors = dict(scenario.settings.values_list("group__code", "credit_factor"))
    assert factors["urgent"] == Decimal(1)
    assert factors["homeless"] == Decimal("0.25")
