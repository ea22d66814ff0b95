"""One computation step per group: engine input (batch JSON) in, stored result out. Pure.

No Django here: `allocation.services.run_execute` calls these functions and stores what they
return. What is stored per group:

- ``result``: the engine's ``result_to_dict`` (DOMAIN.md 5 output, without its default
  fairness block), byte for byte what ``manage.py allocate`` prints for the same input;
- ``fairness``: the read-outs with the group's household size, the scenario's mutation
  threshold and, for urgent cases, the fall-back comparison. One time base (DOMAIN.md 3):
  the numbers are for the round's whole period, so they are compared with the mutations of
  the period (yearly mutations times the years); a share of mutations is then the same as
  per year. Only groups housed from social-rental mutations count in that share;
- ``sensitivity``: p5/p50/p95 and rank range over Dirichlet draws of the weights (not for
  the statutory method, which has no weights to vary).

`compute_groups` runs every group and the read-outs over all groups: the one path that a
background run (`allocation.services.run_execute`) and the live what-if preview
(`allocation.preview`) share. The preview leaves the sensitivity draws out (they take about
0.1 s a group); everything else is the same computation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from allocation.engine import (
    AllocationResult,
    EngineError,
    GroupResult,
    allocate,
    fairness,
    fairness_groups,
    fairness_to_dict,
    parse_scenario,
    result_to_dict,
    sensitivity,
    sensitivity_to_dict,
)
from allocation.engine.types import MUTATIONS


@dataclass(frozen=True)
class ReadOutOptions:
    """The scenario-wide options of the read-outs, as exact fractions and plain numbers."""

    mutation_threshold: Fraction
    urgent_fallback: Fraction
    sensitivity_draws: int
    sensitivity_concentration: Fraction
    sensitivity_seed: int
    urgent_group: str = "urgent"
    years: int = 1
    """The number of years of the round's period: the read-outs use period mutations."""
    mutation_groups: tuple[str, ...] | None = None
    """The groups housed from social-rental mutations (None: every group)."""

    @classmethod
    def from_settings(
        cls, scenario: Mapping[str, Any], settings: Mapping[str, Any] | None = None
    ) -> ReadOutOptions:
        """From the ``scenario`` part of `allocation.selectors.scenario_settings_dict`, and
        with the whole dict (``settings``) the period's years and the groups housed from
        mutations."""
        sens = scenario["sensitivity"]
        years = 1
        mutation_groups = None
        if settings is not None:
            years = max(len(settings["round"].get("years") or ()), 1)
            mutation_groups = tuple(
                sorted(
                    code
                    for code, group in settings["groups"].items()
                    if group.get("housed_from_mutations", True)
                )
            )
        return cls(
            mutation_threshold=Fraction(scenario["mutation_threshold_pct"]) / 100,
            urgent_fallback=Fraction(scenario["urgent_fallback_pct"]) / 100,
            sensitivity_draws=int(sens["draws"]),
            sensitivity_concentration=Fraction(sens["concentration"]),
            sensitivity_seed=int(sens["seed"]),
            years=years,
            mutation_groups=mutation_groups,
        )

    def housed_from_mutations(self, group_code: str) -> bool:
        return self.mutation_groups is None or group_code in self.mutation_groups


def over_period(result: AllocationResult, years: int) -> AllocationResult:
    """The result with its yearly mutations turned into the mutations of the period.

    The read-outs compare a period's task with mutations: the municipalities' numbers are for
    the whole period, so the mutations are the yearly figure times the years. The share of
    mutations is then the share per year, and the fall-back figure is for the period.
    """
    if years == 1:
        return result
    municipalities = tuple(
        dataclasses.replace(
            m, indicators={**m.indicators, MUTATIONS: m.indicators[MUTATIONS] * years}
        )
        if MUTATIONS in m.indicators
        else m
        for m in result.municipalities
    )
    return dataclasses.replace(result, municipalities=municipalities)


def _no_floats(value: Any) -> Any:
    """Floats (the indicative sensitivity quotas) as 6-decimal strings: canonical JSON."""
    if isinstance(value, float):
        return format(value, ".6f")
    if isinstance(value, dict):
        return {k: _no_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_floats(v) for v in value]
    return value


def compute_group(
    scenario: Mapping[str, Any],
    *,
    group_code: str,
    household_size: Fraction,
    options: ReadOutOptions,
    with_sensitivity: bool = True,
) -> tuple[dict[str, Any], AllocationResult]:
    """Run the engine on one group's batch JSON; return what is stored, and the result.

    Without `with_sensitivity` the ``sensitivity`` entry is None. Raises the engine's errors
    (EngineError and subclasses) unchanged.
    """
    inp = parse_scenario(dict(scenario))
    result = allocate(inp)
    report = fairness(
        over_period(result, options.years),
        group=group_code,
        household_size=household_size,
        mutation_threshold=options.mutation_threshold,
        urgent=group_code == options.urgent_group,
        urgent_fallback_pct=options.urgent_fallback,
        from_mutations=options.housed_from_mutations(group_code),
    )
    sens: dict[str, Any] | None = None
    if (
        with_sensitivity
        and inp.method not in ("statutory", "local")
        and any(alpha > 0 for alpha in inp.weights.values())
    ):
        sens = sensitivity_to_dict(
            sensitivity(
                inp,
                draws=options.sensitivity_draws,
                concentration=float(options.sensitivity_concentration),
                seed=options.sensitivity_seed,
                exact=result,
            )
        )
        sens["concentration"] = str(options.sensitivity_concentration)
        sens = _no_floats(sens)
    stored = {
        "result": result_to_dict(result, include_fairness=False),
        "fairness": fairness_to_dict(report),
        "sensitivity": sens,
    }
    return stored, result


def overall_fairness(
    results: Mapping[str, tuple[AllocationResult, Fraction]], options: ReadOutOptions
) -> dict[str, Any]:
    """The read-outs over all computed groups together, in dwellings needed."""
    report = fairness_groups(
        {
            code: GroupResult(over_period(result, options.years), size)
            for code, (result, size) in results.items()
        },
        mutation_threshold=options.mutation_threshold,
        urgent_group=options.urgent_group if options.urgent_group in results else None,
        urgent_fallback_pct=options.urgent_fallback,
        mutation_groups=options.mutation_groups,
    )
    return fairness_to_dict(report)


class GroupJob(Protocol):
    """One group's engine input: `allocation.selectors.GroupInput` has these attributes."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def household_size(self) -> Decimal: ...
    @property
    def scenario(self) -> dict[str, Any]: ...


class GroupComputeError(Exception):
    """The engine refused a group's input; `error` is its EngineError."""

    def __init__(
        self, *, group_code: str, group_name: str, scenario: Mapping[str, Any], error: EngineError
    ) -> None:
        super().__init__(f"{group_code}: {error}")
        self.group_code = group_code
        self.group_name = group_name
        self.scenario = scenario
        self.error = error


def compute_groups(
    groups: Sequence[GroupJob],
    options: ReadOutOptions,
    *,
    with_sensitivity: bool = True,
    on_group_start: Callable[[GroupJob], None] | None = None,
    on_group_done: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Every group's stored result and the read-outs over all groups, as a run stores them:
    ``{"groups": {code: compute_group's dict}, "overall": overall_fairness}``.

    `on_group_start(group)` is called before and `on_group_done(index, count)` after each
    group (a run names the group of an unexpected error and writes its progress). An engine
    error raises GroupComputeError naming the group; anything else propagates unchanged.
    """
    results: dict[str, Any] = {}
    engine_results: dict[str, tuple[AllocationResult, Fraction]] = {}
    count = len(groups)
    for index, group in enumerate(groups):
        if on_group_start is not None:
            on_group_start(group)
        size = Fraction(group.household_size)
        try:
            stored, result = compute_group(
                group.scenario,
                group_code=group.code,
                household_size=size,
                options=options,
                with_sensitivity=with_sensitivity,
            )
        except EngineError as exc:
            raise GroupComputeError(
                group_code=group.code, group_name=group.name, scenario=group.scenario, error=exc
            ) from exc
        results[group.code] = stored
        engine_results[group.code] = (result, size)
        if on_group_done is not None:
            on_group_done(index, count)
    return {"groups": results, "overall": overall_fairness(engine_results, options)}
