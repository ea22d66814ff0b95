"""Pure computational core of MRA Fair Share: the fair-share model, exact, without Django.

Main entry points:

- :func:`allocate` runs the model (DOMAIN.md 4) on an :class:`AllocationInput`.
- :func:`parse_scenario` / :func:`result_to_dict` are the batch JSON contract (DOMAIN.md 5).
- :func:`fairness` / :func:`fairness_groups` give the fairness read-outs.
- :func:`sensitivity` draws weights around the chosen ones (indicative, numpy).
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
from allocation.engine.io import explain, parse_scenario, result_to_dict, tie_to_dict
from allocation.engine.numbers import decimal_str, to_fraction
from allocation.engine.sensitivity import (
    MunicipalitySensitivity,
    SensitivityResult,
    sensitivity,
    sensitivity_to_dict,
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
    SubregionResult,
    Tie,
)

__all__ = [
    "DIVISOR_METHODS",
    "METHODS",
    "AllocationInput",
    "AllocationResult",
    "EngineError",
    "FairnessReport",
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
    "SubregionResult",
    "Tie",
    "TieRefused",
    "allocate",
    "decimal_str",
    "explain",
    "fairness",
    "fairness_groups",
    "fairness_to_dict",
    "parse_scenario",
    "result_to_dict",
    "sensitivity",
    "sensitivity_to_dict",
    "tie_to_dict",
    "to_fraction",
    "validate_input",
]
