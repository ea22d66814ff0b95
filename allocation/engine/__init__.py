"""Pure computational core of MRA Fair Share: the fair-share model, exact, without Django.

Main entry points:

- :func:`allocate` runs the model (DOMAIN.md 4) on an :class:`AllocationInput`.
- :func:`parse_scenario` / :func:`result_to_dict` are the batch JSON contract (DOMAIN.md 5).
- :func:`fairness` / :func:`fairness_groups` give the fairness read-outs.
- :func:`sensitivity` draws weights around the chosen ones (indicative, numpy).
- :func:`fallback_rule` compares the fall-back rule (15% of mutations) with what was agreed.
- :func:`phase_over_years`, :func:`halfyears_in_period` and friends: the one time base.

Layers, bottom to top (a module imports only from layers below it): ``errors`` <-
``numbers`` <- ``types`` <- ``bounds``, ``credit``, ``key``, ``rounding``, ``timebase``,
``fallback`` <- ``core``, ``fairness`` <- ``io``, ``sensitivity`` <- this package.
"""

from allocation.engine.core import allocate, validate_input
from allocation.engine.errors import EngineError, Infeasible, InvalidInput, TieRefused
from allocation.engine.fairness import (
    FairnessReport,
    GroupResult,
    MunicipalityFairness,
    fairness,
    fairness_groups,
    fairness_to_dict,
)
from allocation.engine.fallback import (
    DEFAULT_FALLBACK_PCT,
    FallbackFigure,
    fallback_rule,
    fallback_to_dict,
)
from allocation.engine.io import explain, parse_scenario, result_to_dict, tie_to_dict
from allocation.engine.numbers import decimal_str, round_half_up, to_fraction
from allocation.engine.sensitivity import (
    MunicipalitySensitivity,
    SensitivityResult,
    sensitivity,
    sensitivity_to_dict,
)
from allocation.engine.timebase import (
    halfyear_label,
    halfyears_in_period,
    period_total_from_yearly,
    phase_over_years,
    phase_per_municipality,
    years_in_period,
)
from allocation.engine.types import (
    DIVISOR_METHODS,
    METHODS,
    AllocationInput,
    AllocationResult,
    Municipality,
    MunicipalityResult,
    RoundingInfo,
    StatutoryParams,
    StatutoryTask,
    SubregionResult,
    Tie,
)

__all__ = [
    "DEFAULT_FALLBACK_PCT",
    "DIVISOR_METHODS",
    "METHODS",
    "AllocationInput",
    "AllocationResult",
    "EngineError",
    "FairnessReport",
    "FallbackFigure",
    "GroupResult",
    "Infeasible",
    "InvalidInput",
    "Municipality",
    "MunicipalityFairness",
    "MunicipalityResult",
    "MunicipalitySensitivity",
    "RoundingInfo",
    "SensitivityResult",
    "StatutoryParams",
    "StatutoryTask",
    "SubregionResult",
    "Tie",
    "TieRefused",
    "allocate",
    "decimal_str",
    "explain",
    "fallback_rule",
    "fallback_to_dict",
    "fairness",
    "fairness_groups",
    "fairness_to_dict",
    "halfyear_label",
    "halfyears_in_period",
    "parse_scenario",
    "period_total_from_yearly",
    "phase_over_years",
    "phase_per_municipality",
    "result_to_dict",
    "round_half_up",
    "sensitivity",
    "sensitivity_to_dict",
    "tie_to_dict",
    "to_fraction",
    "validate_input",
    "years_in_period",
]
