"""One computation step per group: engine input (batch JSON) in, stored result out. Pure.

No Django here: `allocation.services.run_execute` calls these functions and stores what they
return. What is stored per group:

- ``result``: the engine's ``result_to_dict`` (DOMAIN.md 5 output, without its default
  fairness block), byte for byte what ``manage.py allocate`` prints for the same input;
- ``fairness``: the read-outs with the group's household size, the scenario's mutation
  threshold and, for urgent cases, the fall-back comparison;
- ``sensitivity``: p5/p50/p95 and rank range over Dirichlet draws of the weights (not for
  the statutory method, which has no weights to vary).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from allocation.engine import (
    AllocationResult,
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


@dataclass(frozen=True)
class ReadOutOptions:
    """The scenario-wide options of the read-outs, as exact fractions and plain numbers."""

    mutation_threshold: Fraction
    urgent_fallback: Fraction
    sensitivity_draws: int
    sensitivity_concentration: Fraction
    sensitivity_seed: int
    urgent_group: str = "urgent"

    @classmethod
    def from_settings(cls, scenario: Mapping[str, Any]) -> ReadOutOptions:
        """From the ``scenario`` part of `allocation.selectors.scenario_settings_dict`."""
        sens = scenario["sensitivity"]
        return cls(
            mutation_threshold=Fraction(scenario["mutation_threshold_pct"]) / 100,
            urgent_fallback=Fraction(scenario["urgent_fallback_pct"]) / 100,
            sensitivity_draws=int(sens["draws"]),
            sensitivity_concentration=Fraction(sens["concentration"]),
            sensitivity_seed=int(sens["seed"]),
        )


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
) -> tuple[dict[str, Any], AllocationResult]:
    """Run the engine on one group's batch JSON; return what is stored, and the result.

    Raises the engine's errors (EngineError and subclasses) unchanged.
    """
    inp = parse_scenario(dict(scenario))
    result = allocate(inp)
    report = fairness(
        result,
        group=group_code,
        household_size=household_size,
        mutation_threshold=options.mutation_threshold,
        urgent=group_code == options.urgent_group,
        urgent_fallback_pct=options.urgent_fallback,
    )
    sens: dict[str, Any] | None = None
    if inp.method != "statutory" and any(alpha > 0 for alpha in inp.weights.values()):
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
        {code: GroupResult(result, size) for code, (result, size) in results.items()},
        mutation_threshold=options.mutation_threshold,
        urgent_group=options.urgent_group if options.urgent_group in results else None,
        urgent_fallback_pct=options.urgent_fallback,
    )
    return fairness_to_dict(report)
