"""A scenario run uses the corporation's figures once the officer confirmed them (issue 15)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from allocation.selectors import RunInputError, run_inputs_build
from allocation.tests.factories import RoundFactory, scenario_for
from figures import services as figure_services
from figures.entries import ChangeRequest, IndicatorInput
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def _haarlem_mutations(scenario) -> object:
    inputs = run_inputs_build(scenario=scenario).inputs_dict()
    haarlem = next(
        m for m in inputs["urgent"]["scenario"]["municipalities"] if m["code"] == "GM0392"
    )
    return haarlem["indicators"]["mutations"]


def test_run_uses_confirmed_corporation_figures_only(user_named) -> None:
    round_ = RoundFactory(reference_year=2024)
    scenario = scenario_for(round_, groups=("urgent",), weights={"mutations": Decimal(1)})
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    figure_services.partner_figures_submit(
        municipality=haarlem,
        year=2024,
        request=ChangeRequest(
            indicators=[
                IndicatorInput(
                    code="mutations",
                    value=Decimal(1250),
                    source="Jaarverslag 2024 Woonstichting Kennemerland",
                    reference_date=datetime.date(2024, 12, 31),
                )
            ]
        ),
        user=user_named("corporatie.kennemerland"),
    )
    # Submitted, not confirmed: the run refuses rather than use it.
    with pytest.raises(RunInputError, match="Haarlem"):
        run_inputs_build(scenario=scenario)
    figure_services.figures_confirm(
        municipality=haarlem, year=2024, user=user_named("beleid.haarlem")
    )
    # Confirmed by Haarlem's officer: the run's input holds the corporation's number.
    assert _haarlem_mutations(scenario) == 1250
