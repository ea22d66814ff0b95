"""Regions for the dashboard tests: the real 30 municipalities computed through the
services, and a synthetic region of 342 municipalities in 40 sub-regions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone

from allocation import services
from allocation.compute import ReadOutOptions, compute_group, overall_fairness
from allocation.digest import run_digest
from allocation.models import Round, RunStatus, Scenario, ScenarioRun
from allocation.selectors import scenario_settings_dict
from allocation.tests.factories import RoundFactory, scenario_for
from municipalities.models import Municipality, SubRegion

GROUPS = ("urgent", "homeless")


@dataclass
class Region:
    round: Round
    scenarios: list[Scenario]
    runs: list[ScenarioRun]
    municipality: str
    count: int


def computed(scenario: Scenario) -> ScenarioRun:
    queued = ScenarioRun.objects.create(scenario=scenario, celery_task_id="t")
    done = services.run_execute(run_id=queued.pk)
    assert done is not None
    assert done.status == RunStatus.SUCCEEDED, done.error_message
    return done


def mra_region() -> Region:
    """The 30 MRA municipalities with their (illustrative) figures, two computed scenarios."""
    round_ = RoundFactory(name="Afspraken 2026–2027")
    inwoners = scenario_for(round_, name="Inwoners", groups=GROUPS)
    gemengd = scenario_for(
        round_,
        name="Gemengd",
        groups=GROUPS,
        weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
        credit_factor=Decimal("0.5"),
    )
    runs = [computed(inwoners), computed(gemengd)]
    return Region(round_, [inwoners, gemengd], runs, municipality="GM0392", count=30)


def _square(x: float, y: float, size: float = 1000.0) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def synthetic_region(count: int = 342, subregions: int = 40) -> Region:
    """`count` municipalities in `subregions` sub-regions, with outlines, and two scenarios
    whose runs the engine computed from synthetic figures (stored as a worker would)."""
    subs = SubRegion.objects.bulk_create(
        SubRegion(name=f"Synthetische deelregio {i:02d}", slug=f"synth-{i:02d}")
        for i in range(subregions)
    )
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            cbs_code=f"GM{5000 + i}",
            name=f"Synthetische gemeente {i:03d}",
            subregion=subs[i % subregions],
        )
        for i in range(count)
    )
    from dashboards.models import MunicipalityBoundary

    MunicipalityBoundary.objects.bulk_create(
        MunicipalityBoundary(
            municipality=m,
            geometry=_square(100000 + 1000 * (i % 20), 400000 + 1000 * (i // 20)),
            source="synthetisch.geojson",
        )
        for i, m in enumerate(municipalities)
    )
    round_ = RoundFactory(name="Synthetische ronde")
    scenarios = [
        scenario_for(round_, name="Inwoners", groups=GROUPS),
        scenario_for(
            round_,
            name="Gemengd",
            groups=GROUPS,
            weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
            credit_factor=Decimal("0.5"),
        ),
    ]
    runs = [_store_run(s, municipalities, subs) for s in scenarios]
    return Region(round_, scenarios, runs, municipality=municipalities[7].cbs_code, count=count)


def _store_run(
    scenario: Scenario, municipalities: list[Municipality], subs: list[SubRegion]
) -> ScenarioRun:
    from allocation.selectors import scenario_get

    settings = scenario_settings_dict(scenario_get(pk=scenario.pk))
    sub_name = {s.pk: s.name for s in subs}
    options = ReadOutOptions(
        mutation_threshold=Fraction(1, 2),
        urgent_fallback=Fraction(15, 100),
        sensitivity_draws=200,
        sensitivity_concentration=Fraction(100),
        sensitivity_seed=0,
    )
    inputs: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    engine_results = {}
    for code in GROUPS:
        group = settings["groups"][code]
        batch = {
            "total": 5 * len(municipalities),
            "method": "hamilton",
            "two_tier": False,
            "strict_ties": False,
            "weights": group["weights"],
            "credit_factor": group["credit_factor"],
            "max_credit_fraction": None,
            "statutory": None,
            "municipalities": [
                {
                    "code": m.cbs_code,
                    "name": m.name,
                    "subregion": sub_name[m.subregion_id],
                    "indicators": {
                        "population": 5000 + 97 * i,
                        "social_rental": 800 + 13 * (i % 50),
                        "mutations": 40 + i % 30,
                    },
                    "existing_effort": i % 7,
                    "lower": None,
                    "upper": None,
                }
                for i, m in enumerate(municipalities)
            ],
        }
        size = Fraction(group["household_size"])
        stored, result = compute_group(batch, group_code=code, household_size=size, options=options)
        inputs[code] = {"scenario": batch, "provenance": {"illustrative": True}}
        groups[code] = stored
        engine_results[code] = (result, size)
    results = {"groups": groups, "overall": overall_fairness(engine_results, options)}
    now = timezone.now()
    return ScenarioRun.objects.create(
        scenario=scenario,
        status=RunStatus.SUCCEEDED,
        progress=100,
        started_at=now - datetime.timedelta(seconds=5),
        finished_at=now,
        duration=datetime.timedelta(seconds=5),
        scenario_settings=settings,
        inputs=inputs,
        results=results,
        digest=run_digest(inputs=inputs, settings=settings, results=results),
    )
