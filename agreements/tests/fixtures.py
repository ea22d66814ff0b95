"""Shared set-up of the review tests: a round in review with a computed, proposed scenario."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agreements import services as review_services
from agreements.models import Proposal
from allocation import services
from allocation.models import Round, RoundStatus, ScenarioRun
from allocation.tests.factories import RoundFactory, scenario_for
from municipalities.models import SubRegion

STEERING = [
    "stuurgroep.amsterdam",
    "stuurgroep.amstelland-meerlanden",
    "stuurgroep.almere-lelystad",
    "stuurgroep.gooi-en-vechtstreek",
    "stuurgroep.ijmond",
    "stuurgroep.zaanstreek-waterland",
    "stuurgroep.zuid-kennemerland",
]
ALL_USERS = [
    "beleid.haarlem",
    "coordinator.zuid-kennemerland",
    "stuurgroep.zuid-kennemerland",
    "voorzitter",
    "programma",
    "beheer",
]


def computed_run(round_: Round, *, name: str = "Inwoners") -> ScenarioRun:
    """A scenario (urgent cases only, few draws: fast) with a succeeded computation."""
    scenario = scenario_for(round_, name=name, groups=("urgent", "homeless"))
    scenario.sensitivity_draws = 100
    scenario.save(update_fields=["sensitivity_draws"])
    run = services.run_enqueue(scenario=scenario, user=None)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    return run


def subregion_of(user: Any) -> SubRegion:
    return user.membership.subregion


def approve_all(proposal: Proposal, user_named: Callable[[str], Any]) -> None:
    for name in STEERING:
        user = user_named(name)
        review_services.approval_decide(
            proposal=proposal, subregion=subregion_of(user), user=user, decision="approve"
        )


@pytest.fixture
def review_round(db: Any, user_named: Callable[[str], Any]) -> Round:
    """A round in review with one computed scenario (not proposed yet)."""
    round_ = RoundFactory(name="Afspraken review", status=RoundStatus.COMPUTING)
    computed_run(round_)
    return review_services.round_transition(
        round_=round_, to_status=RoundStatus.IN_REVIEW, user=user_named("programma")
    )


@pytest.fixture
def proposal(review_round: Round, user_named: Callable[[str], Any]) -> Proposal:
    run = ScenarioRun.objects.get(scenario__round=review_round)
    return review_services.proposal_create(
        round_=review_round, run=run, user=user_named("programma")
    )
