"""The live what-if: a scenario with changed weights, credit or bounds, computed but not stored.

The programme team changes a setting in the browser and sees the numbers per municipality and
group, the fairness read-outs and the differences from a basis within a second. The preview
takes the same path as a background run (`allocation.services.run_execute`): the settings in
the shape of `selectors.scenario_settings_dict`, the engine input from
`selectors.run_inputs_from_settings` and the computation from `compute.compute_groups`. Only
the sensitivity draws are left out (they take about 0.1 s a group and are indicative). It
reads, and never writes.

The basis is the round's current proposal (the agreements app, above this one, tells which
run that is through `proposed_run_source_register`), else the scenario as it is stored,
computed the same way.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from municipalities.models import Indicator
from target_groups.models import AllocationMode, TargetGroup

from . import compute, run_errors, selectors
from .models import (
    Round,
    RunStatus,
    Scenario,
    ScenarioGroupSetting,
    ScenarioRun,
    ScenarioWeight,
    TaskSource,
)
from .services import GroupSettingInput, ScenarioOptions, group_setting_input

# --- port: which run the round proposes (filled by the agreements app) --------------------


ProposedRunSource = Callable[[Round], "int | None"]
"""The computation a round's current proposal puts forward, if any (by id)."""

_source: ProposedRunSource | None = None


def proposed_run_source_register(source: ProposedRunSource) -> None:
    global _source
    _source = source


def proposed_run_id(round_: Round) -> int | None:
    return _source(round_) if _source is not None else None


# --- the settings of a what-if ------------------------------------------------------------


def scenario_options_of(scenario: Scenario) -> ScenarioOptions:
    """The stored scenario's read-out options, as the services take them."""
    return ScenarioOptions(
        mutation_threshold_pct=scenario.mutation_threshold_pct,
        urgent_fallback_pct=scenario.urgent_fallback_pct,
        sensitivity_draws=scenario.sensitivity_draws,
        sensitivity_concentration=scenario.sensitivity_concentration,
        sensitivity_seed=scenario.sensitivity_seed,
    )


def stored_settings(scenario: Scenario) -> list[GroupSettingInput]:
    """The stored group settings (uses the prefetch of `selectors.scenario_get`)."""
    return [group_setting_input(s) for s in selectors.scenario_settings(scenario)]


def editable(setting: GroupSettingInput) -> bool:
    """A what-if changes weights, credit and bounds: only of included groups that are spread."""
    return setting.included and setting.mode == AllocationMode.SPREAD


def _places(model: type[Any], name: str) -> Decimal:
    """The exponent a model's decimal field stores, to give a value the same digits."""
    return Decimal(1).scaleb(-model._meta.get_field(name).decimal_places)


def _stored(value: Decimal | None, model: type[Any], name: str) -> str | None:
    """A decimal as `selectors.group_settings_dict` would read it back from the database."""
    return None if value is None else str(Decimal(value).quantize(_places(model, name)))


def group_settings_dict_of(group: TargetGroup, data: GroupSettingInput) -> dict[str, Any]:
    """One group's settings in the shape of `selectors.group_settings_dict`, as they would be
    after `services.scenario_create` stored `data` (a test checks the two agree)."""
    spread = data.mode == AllocationMode.SPREAD
    weights = {code: w for code, w in data.weights.items() if w > 0} if spread else {}
    inner = {
        name: {
            code: str(_stored(w, ScenarioWeight, "weight"))
            for code, w in sorted(values.items())
            if w > 0
        }
        for name, values in sorted((data.subregion_weights or {}).items())
    }
    inner = {name: values for name, values in inner.items() if values}
    return {
        "name": group.name_nl,
        "unit": group.unit,
        "household_size": str(group.household_size),
        "default_mode": group.allocation_mode,
        "spreading_suitable": group.spreading_suitable,
        "housed_from_mutations": group.housed_from_mutations,
        "included": data.included,
        "mode": data.mode,
        "task_source": data.task_source if spread else TaskSource.DEMAND,
        "entered_total": data.entered_total if spread else None,
        "entered_total_basis": data.entered_total_basis,
        "weights": {
            code: str(_stored(w, ScenarioWeight, "weight")) for code, w in sorted(weights.items())
        },
        "credit_factor": _stored(data.credit_factor, ScenarioGroupSetting, "credit_factor"),
        "max_credit_fraction": _stored(
            data.max_credit_fraction, ScenarioGroupSetting, "max_credit_fraction"
        ),
        "effort_indicator": data.effort_indicator if spread else None,
        "upper_bound_mutations_pct": _stored(
            data.upper_bound_mutations_pct, ScenarioGroupSetting, "upper_bound_mutations_pct"
        ),
        "method": data.method,
        "two_tier": data.two_tier,
        "carry_over": data.carry_over,
        "strict_ties": data.strict_ties,
        **({"subregion_weights": inner} if spread and data.two_tier and inner else {}),
    }


def settings_dict_of(
    scenario: Scenario, settings: Sequence[GroupSettingInput], groups: Sequence[TargetGroup]
) -> dict[str, Any]:
    """`selectors.scenario_settings_dict` of the scenario with these group settings instead of
    its stored ones."""
    by_code = {g.code: g for g in groups}
    stored = selectors.scenario_settings_dict(scenario)
    return {
        "round": stored["round"],
        "scenario": stored["scenario"],
        "groups": {
            s.group_code: group_settings_dict_of(by_code[s.group_code], s)
            for s in settings
            if s.group_code in by_code
        },
    }


# --- computing --------------------------------------------------------------------------


class PreviewError(Exception):
    """The settings cannot be computed; `message` says why, in plain Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def compute_settings(
    *,
    scenario: Scenario,
    settings: Sequence[GroupSettingInput],
    groups: Sequence[TargetGroup],
    scenario_name: str | None = None,
) -> dict[str, Any]:
    """What a run of the scenario with these settings would store as its results, without the
    sensitivity draws. Raises PreviewError. Reads only."""
    settings_dict = settings_dict_of(scenario, settings, groups)
    included = [
        g for g in groups if g.active and settings_dict["groups"].get(g.code, {}).get("included")
    ]
    if not included:
        raise PreviewError(_("Choose at least one target group to compute."))
    try:
        prepared = selectors.run_inputs_from_settings(
            round_=scenario.round,
            settings=settings_dict,
            groups=included,
            scenario_name=scenario_name or scenario.name,
        )
    except selectors.RunInputError as exc:
        raise PreviewError(exc.message) from exc
    options = compute.ReadOutOptions.from_settings(prepared.settings["scenario"], prepared.settings)
    try:
        return compute.compute_groups(prepared.groups, options, with_sensitivity=False)
    except compute.GroupComputeError as exc:
        names = {i.code: i.name for i in Indicator.objects.all()}
        raise PreviewError(
            run_errors.engine_error_message(
                exc.error,
                group_name=exc.group_name,
                scenario=exc.scenario,
                indicator_names=names,
            )
        ) from exc


# --- what the page shows ----------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    label: str
    results: dict[str, Any] | None
    run: ScenarioRun | None = None
    message: str = ""


def basis_of(
    scenario: Scenario,
    groups: Sequence[TargetGroup],
    *,
    stored_results: dict[str, Any] | None = None,
) -> Basis:
    """The round's current proposal (its stored results), else the stored scenario computed
    now (or `stored_results`, when the caller computed it already)."""
    run_id = proposed_run_id(scenario.round)
    if run_id is not None:
        run = (
            ScenarioRun.objects.filter(pk=run_id, status=RunStatus.SUCCEEDED)
            .select_related("scenario")
            .first()
        )
        if run is not None and run.results:
            return Basis(
                label=_("the proposal (scenario “%(name)s”, computation %(number)s)")
                % {"name": run.scenario.name, "number": run.pk},
                results=run.results,
                run=run,
            )
    label = _("scenario “%(name)s” as saved") % {"name": scenario.name}
    key = _basis_key(scenario)
    if stored_results is not None:
        cache.set(key, stored_results, BASIS_SECONDS)
        return Basis(label=label, results=stored_results)
    results = cache.get(key)
    if results is None:
        try:
            results = compute_settings(
                scenario=scenario, settings=stored_settings(scenario), groups=groups
            )
        except PreviewError as exc:
            return Basis(label=label, results=None, message=exc.message)
        cache.set(key, results, BASIS_SECONDS)
    return Basis(label=label, results=results)


BASIS_SECONDS = 120
"""How long the stored scenario's numbers are kept as the basis. A change of its settings
changes the key at once; confirmed figures that change show in the basis within this time."""


def _basis_key(scenario: Scenario) -> str:
    settings = json.dumps(selectors.scenario_settings_dict(scenario), sort_keys=True, default=str)
    digest = hashlib.sha256(settings.encode()).hexdigest()
    return f"allocation.whatif.basis:{scenario.pk}:{digest}"


def _number(allocation: Mapping[str, Any]) -> int:
    """What a computation gives a municipality for the period: n_i plus a carried backlog."""
    return int(allocation.get("total_with_backlog", allocation["allocation"]))


def _numbers(results: Mapping[str, Any] | None) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for code, data in ((results or {}).get("groups") or {}).items():
        out[code] = {a["code"]: _number(a) for a in data["result"]["allocations"]}
    return out


def _diff(value: Decimal | int | None, basis: Decimal | int | None) -> Decimal | int | None:
    if value is None or basis is None:
        return None
    return value - basis


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass
class Preview:
    """The what-if's numbers, shaped for the page, with the differences from the basis."""

    basis: Basis
    groups: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: list[dict[str, Any]] = field(default_factory=list)
    grand_total: dict[str, Any] = field(default_factory=dict)
    fairness: list[dict[str, Any]] = field(default_factory=list)
    over_threshold: dict[str, Any] = field(default_factory=dict)
    changed: int = 0
    results: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _fairness_row(name: str, report: Mapping[str, Any] | None, basis: Mapping[str, Any] | None):
    cv, ratio = _dec((report or {}).get("cv_per_1000")), _dec((report or {}).get("max_min_ratio"))
    basis_cv = _dec((basis or {}).get("cv_per_1000"))
    basis_ratio = _dec((basis or {}).get("max_min_ratio"))
    return {
        "name": name,
        "cv": cv,
        "cv_diff": _diff(cv, basis_cv),
        "ratio": ratio,
        "ratio_diff": _diff(ratio, basis_ratio),
    }


def _over(report: Mapping[str, Any] | None) -> list[str]:
    return [r["code"] for r in (report or {}).get("municipalities", []) if r.get("over_threshold")]


def preview_build(
    *,
    scenario: Scenario,
    settings: Sequence[GroupSettingInput],
    groups: Sequence[TargetGroup],
    unchanged: bool = False,
) -> Preview:
    """Compute the what-if and compare it with the basis. Raises PreviewError.

    `unchanged`: the settings are the stored ones, so the results are also the basis when the
    round proposes nothing."""
    started = time.perf_counter()
    results = compute_settings(scenario=scenario, settings=settings, groups=groups)
    basis = basis_of(scenario, groups, stored_results=results if unchanged else None)
    now, before = _numbers(results), _numbers(basis.results)
    group_names = {g.code: g.name for g in groups}
    codes = list(now)
    preview = Preview(basis=basis, results=results)
    preview.groups = [{"code": c, "name": group_names.get(c, c)} for c in codes]
    names: dict[str, tuple[str, str]] = {}
    for data in results["groups"].values():
        for a in data["result"]["allocations"]:
            names.setdefault(a["code"], (a["name"], a["subregion"]))
    for muni, (name, subregion) in sorted(names.items(), key=lambda item: item[1][0]):
        cells = []
        total = basis_total = 0
        basis_known = True
        for code in codes:
            value = now[code].get(muni, 0)
            old = before.get(code, {}).get(muni)
            total += value
            if old is None:
                basis_known = False
            else:
                basis_total += old
            diff = _diff(value, old)
            preview.changed += 1 if diff else 0
            cells.append({"value": value, "diff": diff})
        preview.rows.append(
            {
                "code": muni,
                "name": name,
                "subregion": subregion,
                "cells": cells,
                "total": total,
                "diff": total - basis_total if basis_known else None,
            }
        )
    for code in codes:
        value = sum(now[code].values())
        old = sum(before[code].values()) if code in before else None
        preview.totals.append({"value": value, "diff": _diff(value, old)})
    grand = sum(t["value"] for t in preview.totals)
    known = all(t["diff"] is not None for t in preview.totals)
    preview.grand_total = {
        "value": grand,
        "diff": sum(t["diff"] for t in preview.totals) if known else None,
    }
    basis_groups = (basis.results or {}).get("groups") or {}
    for code in codes:
        preview.fairness.append(
            _fairness_row(
                group_names.get(code, code),
                results["groups"][code]["fairness"],
                (basis_groups.get(code) or {}).get("fairness"),
            )
        )
    overall, basis_overall = results.get("overall"), (basis.results or {}).get("overall")
    preview.fairness.append(_fairness_row(_("All groups together"), overall, basis_overall))
    over, basis_over = _over(overall), _over(basis_overall)
    preview.over_threshold = {
        "count": len(over),
        "basis_count": len(basis_over) if basis.results else None,
        "names": sorted(names.get(c, (c, ""))[0] for c in over),
        "threshold": _dec((overall or {}).get("mutation_threshold")),
    }
    preview.seconds = time.perf_counter() - started
    return preview
