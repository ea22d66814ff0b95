"""Reads of rounds, scenarios and results, and the engine input built from the database.

`run_inputs_build` turns a scenario into one engine scenario per target group (the batch
JSON of DOMAIN.md 5): the confirmed figures of the round's reference year, the group's
demand and existing effort, bounds from the yearly mutations and the backlog of the
previous agreed round. The conversion itself (`group_scenario`) is plain Python.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from core.models import FigureStatus
from figures.rounds import RoundInfo
from municipalities.models import Indicator, MunicipalFigure, Municipality
from target_groups.models import GroupFigure, TargetGroup

from . import carry_over
from .models import (
    EDITABLE_ROUND_STATUSES,
    FIGURE_LOCKING_STATUSES,
    Round,
    RoundingMethod,
    RoundStatus,
    RunStatus,
    Scenario,
    ScenarioGroupSetting,
    ScenarioRun,
    ScenarioWeight,
    TaskSource,
)

POPULATION = "population"
MUTATIONS = "mutations"


class RunInputError(Exception):
    """The database does not hold what a group's computation needs (Dutch message)."""

    def __init__(self, message: str, *, group: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.group = group
        self.field = field


def locked_reference_years() -> set[int]:
    """Reference years whose confirmed figures are locked: a round is computing or in review."""
    return set(
        Round.objects.filter(status__in=FIGURE_LOCKING_STATUSES).values_list(
            "reference_year", flat=True
        )
    )


def current_round_info() -> RoundInfo | None:
    """The round collecting figures now (the newest), else the newest round at all."""
    chosen = (
        Round.objects.only("name", "reference_year", "deadline", "status", "period_start")
        .exclude(status=RoundStatus.SUPERSEDED)
        .order_by(
            Case(When(status=RoundStatus.COLLECTING, then=Value(0)), default=Value(1)),
            "-period_start",
        )
        .first()
    )
    if chosen is None:
        return None
    return RoundInfo(
        chosen.name,
        chosen.reference_year,
        chosen.deadline,
        chosen.status,
        str(chosen.get_status_display()),
    )


class FiguresCalendar:
    """The figures app's view of rounds (figures.rounds.RoundCalendar), plugged in at start."""

    def locked_years(self) -> set[int]:
        return locked_reference_years()

    def current_round(self) -> RoundInfo | None:
        return current_round_info()


# --- rounds and scenarios ---------------------------------------------------------------


def round_list() -> QuerySet[Round]:
    return Round.objects.order_by("-period_start", "name")


def round_get(*, pk: int) -> Round:
    return Round.objects.get(pk=pk)


def round_is_editable(round_: Round) -> bool:
    return round_.status in EDITABLE_ROUND_STATUSES


def scenarios_of_round(*, round_: Round) -> list[dict[str, Any]]:
    """The round's scenarios with their included groups and latest run (2 queries)."""
    scenarios = list(
        Scenario.objects.filter(round=round_)
        .prefetch_related(
            Prefetch(
                "settings",
                queryset=ScenarioGroupSetting.objects.filter(included=True).select_related("group"),
            )
        )
        .order_by("name")
    )
    latest: dict[int, ScenarioRun] = {}
    for run in ScenarioRun.objects.filter(scenario__round=round_).only(
        "id", "scenario_id", "status", "progress", "queued_at", "finished_at", "digest"
    ):
        current = latest.get(run.scenario_id)
        if current is None or (run.queued_at, run.pk) > (current.queued_at, current.pk):
            latest[run.scenario_id] = run
    return [
        {"scenario": s, "groups": [st.group for st in s.settings.all()], "run": latest.get(s.pk)}
        for s in scenarios
    ]


def _settings_queryset() -> QuerySet[ScenarioGroupSetting]:
    return ScenarioGroupSetting.objects.select_related("group").prefetch_related(
        Prefetch("weights", queryset=ScenarioWeight.objects.select_related("indicator"))
    )


def scenario_get(*, pk: int) -> Scenario:
    """A scenario with its round, group settings and weights (3 queries)."""
    return (
        Scenario.objects.select_related("round", "created_by")
        .prefetch_related(Prefetch("settings", queryset=_settings_queryset()))
        .get(pk=pk)
    )


def scenario_settings(scenario: Scenario) -> list[ScenarioGroupSetting]:
    """The group settings in group order (uses the prefetch of `scenario_get`)."""
    return sorted(scenario.settings.all(), key=lambda s: (s.group.position, s.group.code))


def scenario_runs(*, scenario: Scenario) -> QuerySet[ScenarioRun]:
    return (
        ScenarioRun.objects.filter(scenario=scenario)
        .select_related("created_by")
        .defer("inputs", "results", "scenario_settings")
        .order_by("-queued_at", "-pk")
    )


def run_get(*, pk: int, with_data: bool = True) -> ScenarioRun:
    qs = ScenarioRun.objects.select_related("scenario__round", "created_by")
    if not with_data:
        qs = qs.defer("inputs", "results", "scenario_settings")
    return qs.get(pk=pk)


def run_active_for_scenario(*, scenario: Scenario) -> ScenarioRun | None:
    return (
        ScenarioRun.objects.filter(
            scenario=scenario, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        )
        .defer("inputs", "results", "scenario_settings")
        .first()
    )


def indicator_list() -> list[Indicator]:
    return list(Indicator.objects.order_by("position", "code"))


def active_groups() -> list[TargetGroup]:
    return list(TargetGroup.objects.filter(active=True).order_by("position", "code"))


# --- settings snapshot ------------------------------------------------------------------


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def group_settings_dict(setting: ScenarioGroupSetting) -> dict[str, Any]:
    """One group's settings as canonical JSON values (decimals as strings)."""
    group = setting.group
    weights = sorted(setting.weights.all(), key=lambda w: w.indicator.code)
    return {
        "name": group.name_nl,
        "unit": group.unit,
        "household_size": str(group.household_size),
        "included": setting.included,
        "task_source": setting.task_source,
        "entered_total": setting.entered_total,
        "national_total": setting.national_total,
        "national_population": setting.national_population,
        "weights": {w.indicator.code: str(w.weight) for w in weights},
        "credit_factor": str(setting.credit_factor),
        "max_credit_fraction": _dec(setting.max_credit_fraction),
        "upper_bound_mutations_pct": _dec(setting.upper_bound_mutations_pct),
        "method": setting.method,
        "two_tier": setting.two_tier,
        "carry_over": setting.carry_over,
        "strict_ties": setting.strict_ties,
    }


def scenario_settings_dict(scenario: Scenario) -> dict[str, Any]:
    """Everything the user chose for this computation, as canonical JSON values."""
    round_ = scenario.round
    return {
        "round": {
            "id": round_.pk,
            "name": round_.name,
            "reference_year": round_.reference_year,
            "period_start": round_.period_start.isoformat(),
            "period_end": round_.period_end.isoformat(),
            "version": round_.version,
        },
        "scenario": {
            "id": scenario.pk,
            "name": scenario.name,
            "description": scenario.description,
            "mutation_threshold_pct": str(scenario.mutation_threshold_pct),
            "urgent_fallback_pct": str(scenario.urgent_fallback_pct),
            "sensitivity": {
                "draws": scenario.sensitivity_draws,
                "concentration": str(scenario.sensitivity_concentration),
                "seed": scenario.sensitivity_seed,
            },
        },
        "groups": {s.group.code: group_settings_dict(s) for s in scenario_settings(scenario)},
    }


# --- engine input -----------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityData:
    """What the database holds for one municipality, group and reference year."""

    code: str
    name: str
    subregion: str
    indicators: Mapping[str, Decimal]
    demand: int | None = None
    existing_effort: int | None = None
    agreed: int | None = None
    """n_i of the previous agreed round (carry-over), None when unknown."""
    realised: int | None = None
    """Realised in the previous round's period (carry-over), None when not entered."""


@dataclass(frozen=True)
class GroupInput:
    """One group's engine scenario (batch JSON) and where its numbers came from."""

    code: str
    name: str
    household_size: Decimal
    scenario: dict[str, Any]
    provenance: dict[str, Any]


@dataclass(frozen=True)
class RunInputs:
    settings: dict[str, Any]
    groups: list[GroupInput] = field(default_factory=list)

    def inputs_dict(self) -> dict[str, Any]:
        """What a run stores as its inputs: per group the engine scenario and provenance."""
        return {g.code: {"scenario": g.scenario, "provenance": g.provenance} for g in self.groups}


def _number(value: Decimal) -> int | str:
    """A figure as JSON: a whole number as int, else an exact decimal string."""
    if value == value.to_integral_value():
        return int(value)
    return str(value.normalize())


def _exact_str(value: Decimal) -> str:
    return format(value.normalize(), "f")


def statutory_task(population: Decimal, national_total: int, national_population: int) -> int:
    """Huisvestingswet 2014 art. 29: ceil(vg * p_i / P_NL), exactly."""
    return math.ceil(Fraction(national_total) * Fraction(population) / national_population)


def group_scenario(
    *,
    group_code: str,
    group_name: str,
    household_size: Decimal,
    settings: Mapping[str, Any],
    municipalities: Sequence[MunicipalityData],
    indicator_names: Mapping[str, str],
    description: str,
    reference_year: int,
    backlog_source: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build one group's engine scenario (DOMAIN.md 5) and its provenance. Pure.

    `settings` is `group_settings_dict`. Raises RunInputError (Dutch) when a figure the
    settings need is missing.
    """
    weights: dict[str, str] = dict(settings["weights"])
    method = settings["method"]
    statutory_needed = (
        method == RoundingMethod.STATUTORY or settings["task_source"] == TaskSource.STATUTORY
    )
    upper_pct = settings["upper_bound_mutations_pct"]
    needed = set(weights)
    if statutory_needed:
        needed.add(POPULATION)
    if upper_pct is not None:
        needed.add(MUTATIONS)

    for code in sorted(needed):
        missing = [m.name for m in municipalities if code not in m.indicators]
        if missing:
            raise RunInputError(
                _(
                    "Target group %(group)s: there is no confirmed figure for %(indicator)s of "
                    "%(year)s for %(municipalities)s. Have it confirmed, or choose other weights."
                )
                % {
                    "group": group_name,
                    "indicator": indicator_names.get(code, code),
                    "year": reference_year,
                    "municipalities": ", ".join(missing),
                },
                group=group_code,
                field=f"indicators.{code}",
            )

    statutory_params = None
    if statutory_needed:
        statutory_params = {
            "national_total": settings["national_total"],
            "national_population": settings["national_population"],
        }

    source = settings["task_source"]
    demand_missing: list[str] = []
    if source == TaskSource.ENTERED:
        total = int(settings["entered_total"])
    elif source == TaskSource.DEMAND:
        total = 0
        for m in municipalities:
            if m.demand is None:
                demand_missing.append(m.code)
            else:
                total += m.demand
    else:
        assert statutory_params is not None  # noqa: S101 - statutory_needed is true here
        total = sum(
            statutory_task(
                m.indicators[POPULATION],
                statutory_params["national_total"],
                statutory_params["national_population"],
            )
            for m in municipalities
        )

    # Keep the indicators the model and the read-outs use: the weighted ones, population
    # (per 1,000, statutory) and mutations (bounds, share of mutations).
    keep = needed | {POPULATION, MUTATIONS}
    rows = []
    backlog_missing: list[str] = []
    for m in municipalities:
        upper = None
        if upper_pct is not None:
            with localcontext() as ctx:
                ctx.prec = 60
                upper = _exact_str(
                    Decimal(upper_pct) / 100 * m.indicators[MUTATIONS] * household_size
                )
        backlog = 0
        if settings["carry_over"] and backlog_source is not None:
            if m.agreed is None or m.realised is None:
                backlog_missing.append(m.code)
            else:
                backlog = m.agreed - m.realised
        rows.append(
            {
                "code": m.code,
                "name": m.name,
                "subregion": m.subregion,
                "indicators": {k: _number(v) for k, v in sorted(m.indicators.items()) if k in keep},
                "existing_effort": m.existing_effort or 0,
                "lower": None,
                "upper": upper,
                "backlog": backlog,
            }
        )
    scenario = {
        "description": description,
        "total": total,
        "method": method,
        "two_tier": settings["two_tier"],
        "strict_ties": settings["strict_ties"],
        "weights": weights,
        "credit_factor": settings["credit_factor"],
        "max_credit_fraction": settings["max_credit_fraction"],
        "statutory": statutory_params if method == RoundingMethod.STATUTORY else None,
        "household_size": str(household_size),
        "municipalities": rows,
    }
    provenance = {
        "reference_year": reference_year,
        "task_source": source,
        "total": total,
        "demand_missing": demand_missing,
        "upper_bound": (
            None
            if upper_pct is None
            else {"mutations_pct": upper_pct, "household_size": str(household_size)}
        ),
        "carry_over": settings["carry_over"],
        "backlog_source": backlog_source if settings["carry_over"] else None,
        "backlog_missing": backlog_missing,
    }
    return scenario, provenance


def previous_agreed_round(round_: Round) -> Round | None:
    """The latest agreed round that ended before this one starts."""
    return (
        Round.objects.filter(status=RoundStatus.AGREED, period_end__lt=round_.period_start)
        .exclude(pk=round_.pk)
        .select_related("agreed_run")
        .order_by("-period_end", "-pk")
        .first()
    )


def _agreed_numbers(previous: Round | None) -> dict[str, dict[str, int]]:
    """Per group code and municipality code, the agreed number of the previous round's
    agreed run (n_i plus a backlog it carried itself; see monitoring.selectors)."""
    if previous is None:
        return {}
    return carry_over.agreed_numbers(previous)


def _realised_numbers(previous: Round | None) -> dict[tuple[str, str], int]:
    """Confirmed realised numbers per (group code, municipality code) over the period:
    the monitoring app's quarterly realisations (see monitoring.selectors)."""
    if previous is None:
        return {}
    return carry_over.realised_numbers(previous)


def run_inputs_build(*, scenario: Scenario) -> RunInputs:
    """The engine input of every included group of a scenario (about 8 queries)."""
    round_ = scenario.round
    year = round_.reference_year
    settings = scenario_settings_dict(scenario)
    included = [s for s in scenario_settings(scenario) if s.included and s.group.active]
    municipalities = list(Municipality.objects.select_related("subregion").order_by("cbs_code"))
    indicators: dict[int, dict[str, Decimal]] = {m.pk: {} for m in municipalities}
    illustrative: set[str] = set()
    for muni_id, code, value, is_illustrative in MunicipalFigure.objects.filter(
        year=year, status=FigureStatus.CONFIRMED
    ).values_list("municipality_id", "indicator__code", "value", "illustrative"):
        indicators[muni_id][code] = value
        if is_illustrative:
            illustrative.add(code)
    group_figures: dict[tuple[int, int], tuple[int | None, int | None]] = {}
    illustrative_groups: set[int] = set()
    for muni_id, group_id, demand, effort, is_illustrative in GroupFigure.objects.filter(
        year=year, status=FigureStatus.CONFIRMED
    ).values_list("municipality_id", "group_id", "demand", "existing_effort", "illustrative"):
        group_figures[(muni_id, group_id)] = (demand, effort)
        if is_illustrative:
            illustrative_groups.add(group_id)
    indicator_names = {i.code: i.name for i in Indicator.objects.all()}

    carry = any(s.carry_over for s in included)
    previous = previous_agreed_round(round_) if carry else None
    agreed = _agreed_numbers(previous)
    realised = _realised_numbers(previous) if agreed else {}
    backlog_source = (
        None
        if previous is None or not agreed
        else f"{previous.name} (computation {previous.agreed_run_id})"
    )

    groups = []
    for setting in included:
        group = setting.group
        rows = []
        group_agreed = agreed.get(group.code, {})
        for m in municipalities:
            demand, effort = group_figures.get((m.pk, group.pk), (None, None))
            rows.append(
                MunicipalityData(
                    code=m.cbs_code,
                    name=m.name,
                    subregion=m.subregion.name,
                    indicators=indicators[m.pk],
                    demand=demand,
                    existing_effort=effort,
                    agreed=group_agreed.get(m.cbs_code),
                    realised=realised.get((group.code, m.cbs_code)),
                )
            )
        scenario_dict, provenance = group_scenario(
            group_code=group.code,
            group_name=group.name_nl,
            household_size=group.household_size,
            settings=settings["groups"][group.code],
            municipalities=rows,
            indicator_names=indicator_names,
            description=f"{round_.name} · {scenario.name} · {group.name_nl}",
            reference_year=year,
            backlog_source=backlog_source if group.code in agreed else None,
        )
        used = set(scenario_dict["weights"]) | {POPULATION, MUTATIONS}
        provenance["illustrative"] = sorted(used & illustrative) + (
            ["target_group_figures"] if group.pk in illustrative_groups else []
        )
        groups.append(
            GroupInput(
                code=group.code,
                name=group.name_nl,
                household_size=group.household_size,
                scenario=scenario_dict,
                provenance=provenance,
            )
        )
    return RunInputs(settings=settings, groups=groups)


# --- results for display ----------------------------------------------------------------


def run_group_codes(run: ScenarioRun) -> list[str]:
    if not run.results:
        return []
    return list(run.results.get("groups", {}))


def _percentile_row(sens: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not sens:
        return {}
    return {row["code"]: row for row in sens["municipalities"]}


def run_overview(run: ScenarioRun, groups: Mapping[str, TargetGroup]) -> list[dict[str, Any]]:
    """Per group of a succeeded run: the totals and counts the overview table shows."""
    rows = []
    for code, data in (run.results or {}).get("groups", {}).items():
        result = data["result"]
        rows.append(
            {
                "code": code,
                "group": groups.get(code),
                "name": (run.scenario_settings or {}).get("groups", {}).get(code, {}).get("name")
                or code,
                "total": result["total"],
                "allocated_total": result["allocated_total"],
                "method": result["method"],
                "two_tier": result["two_tier"],
                "warnings": len(result["warnings"]) + len(data["fairness"]["warnings"]),
                "ties": len(result["ties"]),
            }
        )
    return rows


def _names(codes: Sequence[str], name_of: Mapping[str, str]) -> list[str]:
    return [name_of.get(code, code) for code in codes]


def run_group_view(run: ScenarioRun, code: str) -> dict[str, Any] | None:
    """One group's stored result, shaped for the results page (no queries)."""
    data = (run.results or {}).get("groups", {}).get(code)
    if data is None:
        return None
    result = data["result"]
    inputs = (run.inputs or {}).get(code, {})
    fair = {row["code"]: row for row in data["fairness"]["municipalities"]}
    sens = _percentile_row(data.get("sensitivity"))
    name_of = {a["code"]: a["name"] for a in result["allocations"]}
    # The band is drawn relative to each municipality's own allocation, so that small and
    # large municipalities can be compared; the scale is the widest relative deviation.
    spread = [
        max(abs(int(r["p5"]) - int(r["allocation"])), abs(int(r["p95"]) - int(r["allocation"])))
        / int(r["allocation"])
        for r in sens.values()
        if int(r["allocation"]) > 0
    ]
    scale = max([*spread, 0.05])
    rows = []
    population_of: dict[str, Decimal] = {}
    for a in result["allocations"]:
        steps = a["steps"]
        population = (steps["indicators"].get(POPULATION) or {}).get("value")
        if population is not None:
            population_of[a["code"]] = Decimal(population)
        band = sens.get(a["code"])
        bar = None
        if band is not None and int(band["allocation"]) > 0:
            n = int(band["allocation"])
            low = (int(band["p5"]) - n) / n / scale
            high = (int(band["p95"]) - n) / n / scale
            bar = {
                "left": round(50 + 50 * low, 1),
                "width": max(round(50 * (high - low), 1), 0.5),
                "mark": 50,
            }
        rows.append(
            {
                "code": a["code"],
                "name": a["name"],
                "subregion": a["subregion"],
                "quota": a["quota"],
                "allocation": a["allocation"],
                "backlog": a["backlog"],
                "total_with_backlog": a["total_with_backlog"],
                "per_1000": steps["per_1000_inhabitants"],
                "population_share": steps["population_share"],
                "difference": steps["difference_from_population_share"],
                "steps": steps,
                "indicators": [
                    {"code": name, **values} for name, values in steps["indicators"].items()
                ],
                "got_extra": a["allocation"] > steps["rounding"]["floor"],
                "fairness": fair.get(a["code"]),
                "sensitivity": band,
                "bar": bar,
            }
        )
    rows.sort(key=lambda row: (row["name"], row["code"]))
    allocated = result["allocated_total"] or 0
    effort_sum = sum(
        (Decimal(a["steps"]["credit"]["existing_effort"]) for a in result["allocations"]),
        Decimal(0),
    )
    factor = Decimal(result["allocations"][0]["steps"]["credit"]["factor"]) if rows else Decimal(0)
    subregions = []
    for sub in result["subregions"]:
        population = sum(
            (population_of.get(c, Decimal(0)) for c in sub["municipalities"]), Decimal(0)
        )
        subregions.append(
            {
                **sub,
                "population": population,
                "per_1000": (Decimal(1000) * sub["allocation"] / population)
                if population
                else None,
                "share_pct": (Decimal(100) * sub["allocation"] / allocated) if allocated else None,
            }
        )
    ties = [
        {
            **tie,
            "tied_names": _names(tie["tied"], name_of),
            "winner_names": _names(tie["winners"], name_of),
            "loser_names": _names(tie["losers"], name_of),
        }
        for tie in result["ties"]
    ]
    provenance = inputs.get("provenance", {})
    settings = (run.scenario_settings or {}).get("groups", {}).get(code, {})
    return {
        "code": code,
        "settings": settings,
        "provenance": provenance,
        "demand_missing": _names(provenance.get("demand_missing", []), name_of),
        "backlog_missing": _names(provenance.get("backlog_missing", []), name_of),
        "result": result,
        "rows": rows,
        "subregions": subregions,
        "ties": ties,
        "warnings": result["warnings"],
        "fairness": data["fairness"],
        "fairness_warnings": data["fairness"]["warnings"],
        "sensitivity": data.get("sensitivity"),
        "count": len(rows),
        "allocated_population": sum(population_of.values(), Decimal(0)),
        "effort_sum": effort_sum,
        "burden": Decimal(result["total"] or 0) + factor * effort_sum,
    }


def run_group_input(run: ScenarioRun, code: str) -> dict[str, Any] | None:
    """The stored engine scenario (batch JSON) of one group of a run."""
    entry = (run.inputs or {}).get(code)
    return None if entry is None else entry["scenario"]


def run_overall_view(run: ScenarioRun) -> dict[str, Any] | None:
    """The read-outs over all groups together, with municipality names (no queries)."""
    results = run.results or {}
    overall = results.get("overall")
    if not overall:
        return None
    names: dict[str, tuple[str, str]] = {}
    for data in results.get("groups", {}).values():
        for a in data["result"]["allocations"]:
            names.setdefault(a["code"], (a["name"], a["subregion"]))
    rows = [
        {
            **row,
            "name": names.get(row["code"], (row["code"], ""))[0],
            "subregion": names.get(row["code"], ("", ""))[1],
        }
        for row in overall["municipalities"]
    ]
    return {**overall, "rows": rows}


def run_settings_changed(run: ScenarioRun) -> bool:
    """Whether the scenario's settings changed after this run was computed (3 queries)."""
    if run.scenario_settings is None:
        return False
    current = scenario_settings_dict(scenario_get(pk=run.scenario_id))
    return bool(current != run.scenario_settings)
