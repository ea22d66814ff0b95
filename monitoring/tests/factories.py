"""An adopted round for monitoring tests: computed eagerly, then agreed (as the chair would)."""

from __future__ import annotations

import datetime
from typing import Any

from allocation import services as allocation_services
from allocation.models import Round, RoundStatus, ScenarioRun, TaskSource
from allocation.tests.factories import RoundFactory, scenario_for

# With the population as the only indicator and a regional task of 1,000, a municipality's
# agreed number is its share of the MRA population (CBS 1-1-2024, 2,607,523 inhabitants)
# times 1,000, rounded by largest remainder: Haarlem 167,636 → 64.29 → 64; Bloemendaal
# 23,786 → 9.12 → 9; Heemstede 27,593 → 10.58 → 11; Zandvoort 17,469 → 6.70 → 7.
TASK = 1000


def adopted_round(
    *,
    name: str = "Afspraken 2026–2027",
    start: datetime.date = datetime.date(2026, 1, 1),
    end: datetime.date = datetime.date(2027, 12, 31),
    groups: tuple[str, ...] = ("urgent", "homeless"),
    **settings: Any,
) -> Round:
    round_ = RoundFactory(name=name, period_start=start, period_end=end, reference_year=2024)
    settings.setdefault("task_source", TaskSource.ENTERED)
    settings.setdefault("entered_total", TASK)
    scenario = scenario_for(round_, groups=groups, **settings)
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id="test")
    run = allocation_services.run_execute(run_id=run.pk)
    assert run is not None  # noqa: S101
    assert run.results, run.error_message  # noqa: S101
    round_.status = RoundStatus.AGREED
    round_.agreed_run = run
    round_.save()
    return round_


def agreed_of(round_: Round, group: str, code: str) -> int:
    assert round_.agreed_run is not None  # noqa: S101
    for a in round_.agreed_run.results["groups"][group]["result"]["allocations"]:
        if a["code"] == code:
            return int(a["total_with_backlog"])
    raise KeyError(code)
