"""An adopted round, as the adoption flow leaves it: a computed run, status agreed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from allocation import services
from allocation.models import Round, RoundStatus, RunStatus, ScenarioRun
from allocation.tests.factories import RoundFactory


def computed_run(round_: Round, *, name: str = "Gemengd", user: Any = None) -> ScenarioRun:
    """A succeeded run of a mixed scenario (population and social rent, credit 0.5)."""
    scenario = services.scenario_create(
        round_=round_,
        name=name,
        settings=[
            services.GroupSettingInput(
                group_code=code,
                weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
                credit_factor=Decimal("0.5"),
            )
            for code in _group_codes()
        ],
        options=services.ScenarioOptions(sensitivity_draws=100),
        user=user,
    )
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id=f"test-{scenario.pk}")
    done = services.run_execute(run_id=run.pk)
    if done is None or done.status != RunStatus.SUCCEEDED:
        raise AssertionError(done and done.error_message)
    return done


def _group_codes() -> list[str]:
    from target_groups.models import TargetGroup

    return list(TargetGroup.objects.filter(active=True).values_list("code", flat=True))


def adopted_round(*, name: str = "Afspraken 2026–2027", user: Any = None) -> Round:
    """A round with a computed scenario, adopted: status agreed with its agreed run set."""
    round_: Round = RoundFactory(name=name)
    run = computed_run(round_, user=user)
    round_.status = RoundStatus.AGREED
    round_.agreed_run = run
    round_.save()
    return round_


def unadopted_round(*, name: str = "Afspraken 2028–2029") -> Round:
    """A round in review with a computed run, not adopted."""
    round_: Round = RoundFactory(name=name)
    computed_run(round_)
    round_.status = RoundStatus.IN_REVIEW
    round_.save()
    return round_
