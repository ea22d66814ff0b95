"""Batch interface (DOMAIN.md section 5): JSON-like dict in, JSON-serialisable dict out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from allocation.engine.core import validate_input
from allocation.engine.errors import InvalidInput
from allocation.engine.fairness import fairness, fairness_to_dict
from allocation.engine.numbers import decimal_str, fraction_str, to_fraction, to_int
from allocation.engine.rounding import claim_str
from allocation.engine.types import (
    METHODS,
    AllocationInput,
    AllocationResult,
    Municipality,
    MunicipalityResult,
    RoundingInfo,
    StatutoryParams,
    Tie,
)

TOP_LEVEL_FIELDS = frozenset(
    {
        "total",
        "method",
        "two_tier",
        "strict_ties",
        "weights",
        "credit_factor",
        "max_credit_fraction",
        "statutory",
        "municipalities",
        "household_size",
        "description",
        "subregion_weights",
    }
)
MUNICIPALITY_FIELDS = frozenset(
    {
        "code",
        "name",
        "subregion",
        "indicators",
        "existing_effort",
        "lower",
        "upper",
        "backlog",
        "demand",
    }
)
STATUTORY_FIELDS = frozenset({"national_total", "national_population", "label", "estimate"})
STATUTORY_REQUIRED = ("national_population", "national_total")
NO_TOTAL_METHODS = ("statutory", "local")
"""Methods for which ``total`` may be left out (null or absent)."""


def _number(value: Any, field: str) -> Fraction:
    if value is None:
        raise InvalidInput("a number is required, got null", field=field)
    if not isinstance(value, int | float | str):
        raise InvalidInput(f"expected a number, got {type(value).__name__}", field=field)
    return to_fraction(value, field=field)


def _whole(value: Any, field: str) -> int:
    if value is None:
        raise InvalidInput("a whole number is required, got null", field=field)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(f"expected a whole number, got {type(value).__name__}", field=field)
    return to_int(value, field=field)


def _optional_number(value: Any, field: str) -> Fraction | None:
    return None if value is None else _number(value, field)


def _bool(data: Mapping[str, Any], key: str, prefix: str = "") -> bool:
    value = data.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        field = f"{prefix}.{key}" if prefix else key
        raise InvalidInput(f"expected true or false, got {value!r}", field=field)
    return value


def _string(value: Any, field: str, *, required: bool = True) -> str:
    if value is None:
        if required:
            raise InvalidInput("is required", field=field)
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"expected a string, got {type(value).__name__}", field=field)
    return value


def _unknown(data: Mapping[str, Any], allowed: frozenset[str], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            where = f"{prefix}.{key}" if prefix else str(key)
            raise InvalidInput(
                f"unknown field; allowed are {', '.join(sorted(allowed))}", field=where
            )


def _negative(value: Fraction | None, field: str) -> None:
    if value is not None and value < 0:
        raise InvalidInput("cannot be negative", field=field)


def parse_scenario(data: Any) -> AllocationInput:
    """Validate a scenario dict (DOMAIN.md 5) and build an :class:`AllocationInput`.

    Raises :class:`InvalidInput` with ``field`` set to the JSON path of the problem,
    e.g. ``"municipalities[3].indicators.population"``.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput("the scenario must be a JSON object", field="(root)")
    _unknown(data, TOP_LEVEL_FIELDS, "")

    method = data.get("method", "hamilton")
    if not isinstance(method, str):
        raise InvalidInput(f"expected a string, got {type(method).__name__}", field="method")
    if method not in METHODS:
        raise InvalidInput(
            f"unknown method {method!r}; use one of {', '.join(METHODS)}", field="method"
        )
    statutory_method = method == "statutory"
    local_method = method == "local"

    raw_total = data.get("total")
    if raw_total is None and method not in NO_TOTAL_METHODS:
        raise InvalidInput("is required", field="total")
    total = None if raw_total is None else _whole(raw_total, "total")
    if total is not None and total < 0:
        raise InvalidInput("cannot be negative", field="total")

    raw_weights = data.get("weights")
    if raw_weights is None:
        if not (statutory_method or local_method):
            raise InvalidInput("is required", field="weights")
        raw_weights = {}
    if not isinstance(raw_weights, Mapping):
        raise InvalidInput("expected an object of indicator: weight", field="weights")
    weights: dict[str, Fraction] = {}
    for name, value in raw_weights.items():
        weights[str(name)] = _number(value, f"weights.{name}")
        _negative(weights[str(name)], f"weights.{name}")
    if local_method:
        weights = {}  # method local uses no weights; well-formed ones are accepted and ignored

    raw_credit = data.get("credit_factor")
    credit_factor = Fraction(0) if raw_credit is None else _number(raw_credit, "credit_factor")
    max_credit = _optional_number(data.get("max_credit_fraction"), "max_credit_fraction")
    household = _optional_number(data.get("household_size"), "household_size")
    if "description" in data and data["description"] is not None:
        _string(data["description"], "description")

    statutory: StatutoryParams | Sequence[StatutoryParams] | None = None
    raw_stat = data.get("statutory")
    if isinstance(raw_stat, list):
        if not raw_stat:
            raise InvalidInput("give at least one half-year, or null", field="statutory")
        statutory = tuple(
            _statutory(item, f"statutory[{index}]") for index, item in enumerate(raw_stat)
        )
    elif raw_stat is not None:
        if not isinstance(raw_stat, Mapping):
            raise InvalidInput(
                "expected an object, a list of objects (one per half-year) or null",
                field="statutory",
            )
        statutory = _statutory(raw_stat, "statutory")
    elif statutory_method:
        raise InvalidInput(
            "method statutory needs national_total and national_population", field="statutory"
        )

    raw_munis = data.get("municipalities")
    if raw_munis is None:
        raise InvalidInput("is required", field="municipalities")
    if not isinstance(raw_munis, list):
        raise InvalidInput("expected a list", field="municipalities")
    municipalities = [
        _municipality(raw, index, local=local_method) for index, raw in enumerate(raw_munis)
    ]

    subregion_weights = _subregion_weights(data.get("subregion_weights"))

    inp = AllocationInput(
        total=total,
        municipalities=tuple(municipalities),
        weights=weights,
        method=method,
        two_tier=_bool(data, "two_tier"),
        strict_ties=_bool(data, "strict_ties"),
        credit_factor=credit_factor,
        max_credit_fraction=max_credit,
        statutory=statutory,
        household_size=household,
        subregion_weights=subregion_weights,
    )
    validate_input(inp)
    return inp


def _subregion_weights(raw: Any) -> dict[str, dict[str, Fraction]]:
    """``subregion_weights``: {sub-region: {indicator: weight}} (two-tier maatwerk) or null."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            "expected an object of sub-region: {indicator: weight}", field="subregion_weights"
        )
    out: dict[str, dict[str, Fraction]] = {}
    for region, weights in raw.items():
        prefix = f"subregion_weights.{region}"
        if not isinstance(weights, Mapping):
            raise InvalidInput("expected an object of indicator: weight", field=prefix)
        out[str(region)] = {}
        for name, value in weights.items():
            out[str(region)][str(name)] = _number(value, f"{prefix}.{name}")
            _negative(out[str(region)][str(name)], f"{prefix}.{name}")
    return out


def _statutory(raw: Any, prefix: str) -> StatutoryParams:
    """One half-year's statutory parameters; ``prefix`` is ``statutory`` or ``statutory[h]``."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("expected an object", field=prefix)
    _unknown(raw, STATUTORY_FIELDS, prefix)
    for key in STATUTORY_REQUIRED:
        if raw.get(key) is None:
            raise InvalidInput("is required", field=f"{prefix}.{key}")
    national_total = _whole(raw["national_total"], f"{prefix}.national_total")
    national_population = _whole(raw["national_population"], f"{prefix}.national_population")
    label = _string(raw.get("label"), f"{prefix}.label", required=False) or None
    return StatutoryParams(
        national_total=national_total,
        national_population=national_population,
        label=label,
        estimate=_bool(raw, "estimate", prefix),
    )


def _municipality(raw: Any, index: int, *, local: bool = False) -> Municipality:
    prefix = f"municipalities[{index}]"
    if not isinstance(raw, Mapping):
        raise InvalidInput("expected an object", field=prefix)
    _unknown(raw, MUNICIPALITY_FIELDS, prefix)
    code = _string(raw.get("code"), f"{prefix}.code")
    if not code.strip():
        raise InvalidInput("is required", field=f"{prefix}.code")
    name = _string(raw.get("name"), f"{prefix}.name", required=False) or code
    subregion = _string(raw.get("subregion"), f"{prefix}.subregion", required=False)
    raw_ind = raw.get("indicators")
    if raw_ind is None and local:
        raw_ind = {}  # method local needs no indicators (population only for per 1,000)
    if raw_ind is None:
        raise InvalidInput("is required", field=f"{prefix}.indicators")
    if not isinstance(raw_ind, Mapping):
        raise InvalidInput("expected an object of indicator: value", field=f"{prefix}.indicators")
    indicators: dict[str, Fraction] = {}
    for key, value in raw_ind.items():
        field = f"{prefix}.indicators.{key}"
        indicators[str(key)] = _number(value, field)
        _negative(indicators[str(key)], field)
    raw_effort = raw.get("existing_effort")
    effort = Fraction(0) if raw_effort is None else _number(raw_effort, f"{prefix}.existing_effort")
    _negative(effort, f"{prefix}.existing_effort")
    lower = _optional_number(raw.get("lower"), f"{prefix}.lower")
    upper = _optional_number(raw.get("upper"), f"{prefix}.upper")
    _negative(lower, f"{prefix}.lower")
    _negative(upper, f"{prefix}.upper")
    raw_backlog = raw.get("backlog")
    backlog = 0 if raw_backlog is None else _whole(raw_backlog, f"{prefix}.backlog")
    raw_demand = raw.get("demand")
    demand = None if raw_demand is None else _whole(raw_demand, f"{prefix}.demand")
    if demand is not None and demand < 0:
        raise InvalidInput("cannot be negative", field=f"{prefix}.demand")
    if local and demand is None:
        raise InvalidInput(
            "is required for method local (the municipality's own demand)",
            field=f"{prefix}.demand",
        )
    return Municipality(
        code=code,
        name=name,
        subregion=subregion,
        indicators=indicators,
        existing_effort=effort,
        lower=lower,
        upper=upper,
        backlog=backlog,
        demand=demand,
    )


def _dec(value: Fraction | int | None) -> str | None:
    return None if value is None else decimal_str(value)


def rounding_to_dict(method: str, info: RoundingInfo) -> dict[str, Any]:
    """The rounding step as plain JSON values."""
    return {
        "method": method,
        "floor": info.floor,
        "remainder": decimal_str(info.remainder),
        "last_claim": claim_str(method, info.last_priority),
        "next_claim": claim_str(method, info.next_priority),
        "rank": info.rank,
        "forced_by_bound": info.forced,
        "decision": info.decision,
        **(
            {}
            if info.reason is None
            else {
                "decision_code": info.reason.code,
                "decision_params": info.reason.to_dict()["params"],
            }
        ),
    }


def explain(result: AllocationResult, muni: MunicipalityResult) -> dict[str, Any]:
    """Every step for one municipality as decimal strings (10 decimals) a person can redo."""
    indicators: dict[str, Any] = {}
    for name in sorted(muni.indicators):
        regional = result.indicator_totals.get(name)
        weight = result.weights.get(name)
        value = muni.indicators[name]
        indicators[name] = {
            "value": _dec(value),
            "regional_total": _dec(regional),
            "share": _dec(value / regional) if regional else None,
            "weight": _dec(weight),
        }
    for name in sorted(result.weights):
        if name not in indicators:
            indicators[name] = {
                "value": None,
                "regional_total": _dec(result.indicator_totals.get(name)),
                "share": None,
                "weight": _dec(result.weights[name]),
            }
    credit_factor = result.input.credit_factor
    steps: dict[str, Any] = {
        "indicators": indicators,
        "key": decimal_str(muni.key),
        "uncorrected_share": decimal_str(muni.uncorrected),
        "credit": {
            "factor": decimal_str(credit_factor),
            "existing_effort": decimal_str(muni.existing_effort),
            "credit": decimal_str(muni.credit),
            "corrected_quota": decimal_str(muni.corrected),
            "already_does_more_than_its_share": muni.zeroed,
            "respread_round": muni.respread_round,
            "rounds": result.credit_rounds,
        },
        "bounds": {
            "lower": _dec(muni.lower),
            "upper": _dec(muni.upper),
            "bound_hit": muni.bound_hit,
            "lambda": _dec(result.lambda_),
        },
        "region_quota": decimal_str(muni.region_quota),
        "quota": decimal_str(muni.quota),
        "quota_exact": fraction_str(muni.quota),
        "rounding": rounding_to_dict(result.method, muni.rounding),
        "within_quota": muni.within_quota,
        "allocation": muni.allocation,
        "backlog": muni.backlog,
        "total_with_backlog": muni.total_with_backlog,
        "per_1000_inhabitants": _dec(muni.per_1000),
        "population_share": _dec(muni.population_share),
        "difference_from_population_share": _dec(muni.difference_from_population_share),
    }
    if result.two_tier:
        sub = next(s for s in result.subregions if s.name == muni.subregion)
        steps["subregion"] = {
            "name": sub.name,
            "quota": decimal_str(sub.quota),
            "allocation": sub.allocation,
            "lambda": _dec(sub.lambda_),
            "bound_hit": muni.subregion_bound_hit,
        }
        if sub.weights is not None:
            own_totals = sub.indicator_totals or {}
            steps["subregion"]["own_key"] = {
                "weights": {k: decimal_str(v) for k, v in sorted(sub.weights.items())},
                "indicator_totals": {k: decimal_str(v) for k, v in sorted(own_totals.items())},
                "key": _dec(muni.inner_key),
                "corrected_quota": _dec(muni.inner_credit),
                "credit_rounds": sub.credit_rounds,
            }
    if result.method == "statutory" and muni.statutory_tasks:
        single = muni.statutory_tasks[0] if not result.input.statutory_is_list else None
        steps["statutory"] = {
            # One half-year: its figures; a list of half-years: see half_years.
            "national_total": None if single is None else single.national_total,
            "national_population": None if single is None else single.national_population,
            "population": _dec(muni.population),
            "half_years": [
                {
                    "label": task.label,
                    "estimate": task.estimate,
                    "national_total": task.national_total,
                    "national_population": task.national_population,
                    "quota": decimal_str(task.quota),
                    "quota_exact": fraction_str(task.quota),
                    "task": task.task,
                }
                for task in muni.statutory_tasks
            ],
            "task": muni.allocation,
        }
    if result.method == "local":
        steps["local"] = {
            "mode": "local",
            "rule": "own demand: n_i = the municipality's own demand, no redistribution",
            "demand": muni.demand,
            "regional_demand": result.allocated_total,
        }
    return steps


def tie_to_dict(tie: Tie) -> dict[str, Any]:
    """A listed tie as plain JSON values."""
    return {
        "stage": tie.stage,
        "subregion": tie.subregion,
        "method": tie.method,
        "measure": tie.measure,
        "value": claim_str(tie.method, tie.value),
        "tied": list(tie.tied),
        "winners": list(tie.winners),
        "losers": list(tie.losers),
        "seats": tie.seats,
        "rule": tie.rule,
    }


def result_to_dict(result: AllocationResult, *, include_fairness: bool = True) -> dict[str, Any]:
    """The DOMAIN.md 5 output shape; JSON-serialisable and deterministic."""
    out: dict[str, Any] = {
        "total": result.total,
        "method": result.method,
        "two_tier": result.two_tier,
        "allocated_total": result.allocated_total,
        "weights": {k: decimal_str(v) for k, v in sorted(result.weights.items())},
        "indicator_totals": {k: decimal_str(v) for k, v in sorted(result.indicator_totals.items())},
        "lambda": _dec(result.lambda_),
        "allocations": [
            {
                "code": m.code,
                "name": m.name,
                "subregion": m.subregion,
                "quota": decimal_str(m.quota),
                "allocation": m.allocation,
                "backlog": m.backlog,
                "total_with_backlog": m.total_with_backlog,
                "steps": explain(result, m),
            }
            for m in result.municipalities
        ],
        "subregions": [
            {
                "name": s.name,
                "quota": decimal_str(s.quota),
                "allocation": s.allocation,
                "municipalities": list(s.codes),
                "lower": s.lower,
                "upper": s.upper,
                "lambda": _dec(s.lambda_),
                "rounding": None
                if s.rounding is None
                else rounding_to_dict(result.method, s.rounding),
            }
            for s in result.subregions
        ],
        "ties": [tie_to_dict(t) for t in result.ties],
        "warnings": list(result.warnings),
        "messages": [note.to_dict() for note in result.notes],
    }
    for sub, row in zip(result.subregions, out["subregions"], strict=True):
        if sub.weights is not None:  # two-tier maatwerk: the sub-region's own key
            row["weights"] = {k: decimal_str(v) for k, v in sorted(sub.weights.items())}
    if include_fairness:
        out["fairness"] = fairness_to_dict(fairness(result))
    return out
