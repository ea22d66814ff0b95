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
from datetime import date, datetime
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from core.models import FigureStatus
from figures.rounds import RoundInfo
from municipalities.models import Indicator, MunicipalFigure, Municipality, SubRegion
from target_groups.models import AllocationMode, GroupFigure, TargetGroup, Unit

from . import carry_over, messages
from .engine import fallback_rule, phase_over_years, years_in_period
from .models import (
    EDITABLE_ROUND_STATUSES,
    FIGURE_LOCKING_STATUSES,
    Round,
    RoundHalfYear,
    RoundingMethod,
    RoundStatus,
    RunStatus,
    Scenario,
    ScenarioGroupSetting,
    ScenarioRun,
    ScenarioSubregionWeight,
    ScenarioWeight,
    TaskSource,
    TotalBasis,
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


def round_get(*, pk: int, with_settings: bool = False) -> Round:
    """A round; `with_settings` also fetches its half-years and fall-back groups (3 queries)."""
    qs = Round.objects.all()
    if with_settings:
        qs = qs.prefetch_related("half_years", "statutory_urgent_groups")
    return qs.get(pk=pk)


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
    return ScenarioGroupSetting.objects.select_related(
        "group", "effort_indicator"
    ).prefetch_related(
        Prefetch("weights", queryset=ScenarioWeight.objects.select_related("indicator")),
        Prefetch(
            "subregion_weights",
            queryset=ScenarioSubregionWeight.objects.select_related("subregion", "indicator"),
        ),
    )


def scenario_get(*, pk: int) -> Scenario:
    """A scenario with its round (half-years, fall-back groups), group settings and weights
    (5 queries)."""
    return (
        Scenario.objects.select_related("round", "created_by")
        .prefetch_related(
            Prefetch("settings", queryset=_settings_queryset()),
            "round__half_years",
            "round__statutory_urgent_groups",
        )
        .get(pk=pk)
    )


def scenario_settings(scenario: Scenario) -> list[ScenarioGroupSetting]:
    """The group settings in group order (uses the prefetch of `scenario_get`)."""
    return sorted(scenario.settings.all(), key=lambda s: (s.group.position, s.group.code))


def scenario_runs(*, scenario: Scenario) -> QuerySet[ScenarioRun]:
    return (
        ScenarioRun.objects.filter(scenario=scenario)
        .select_related("created_by")
        .defer("inputs", "results", "scenario_settings", "input_provenance")
        .order_by("-queued_at", "-pk")
    )


def run_get(*, pk: int, with_data: bool = True) -> ScenarioRun:
    qs = ScenarioRun.objects.select_related("scenario__round", "created_by")
    if not with_data:
        qs = qs.defer("inputs", "results", "scenario_settings", "input_provenance")
    return qs.get(pk=pk)


def run_active_for_scenario(*, scenario: Scenario) -> ScenarioRun | None:
    return (
        ScenarioRun.objects.filter(
            scenario=scenario, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        )
        .defer("inputs", "results", "scenario_settings", "input_provenance")
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
    """One group's settings as canonical JSON values (decimals as strings).

    Besides what the scenario chose, the group's own maatwerk attributes at this moment are
    kept (default mode, whether spreading suits it, whether it is housed from mutations), so
    that a run's warnings and read-outs do not change when the group is edited later.
    """
    group = setting.group
    spread = setting.mode == AllocationMode.SPREAD
    weights = sorted(setting.weights.all(), key=lambda w: w.indicator.code) if spread else []
    return {
        "name": group.name_nl,
        "unit": group.unit,
        "household_size": str(group.household_size),
        "default_mode": group.allocation_mode,
        "spreading_suitable": group.spreading_suitable,
        "housed_from_mutations": group.housed_from_mutations,
        "included": setting.included,
        "mode": setting.mode,
        "task_source": setting.task_source,
        "entered_total": setting.entered_total,
        "entered_total_basis": setting.entered_total_basis,
        "weights": {w.indicator.code: str(w.weight) for w in weights},
        "credit_factor": str(setting.credit_factor),
        "max_credit_fraction": _dec(setting.max_credit_fraction),
        "effort_indicator": setting.effort_indicator.code if setting.effort_indicator else None,
        "upper_bound_mutations_pct": _dec(setting.upper_bound_mutations_pct),
        "method": setting.method,
        "two_tier": setting.two_tier,
        "carry_over": setting.carry_over,
        "strict_ties": setting.strict_ties,
        # Two-tier maatwerk: only present when a sub-region has its own key (so the settings,
        # and the digest, of every run without one stay as they were).
        **(
            {"subregion_weights": inner}
            if spread and setting.two_tier and (inner := subregion_weights_dict(setting))
            else {}
        ),
    }


def subregion_weights_dict(setting: ScenarioGroupSetting) -> dict[str, dict[str, str]]:
    """A group's inner keys per sub-region name, {sub-region: {indicator: weight}}."""
    out: dict[str, dict[str, str]] = {}
    rows = sorted(
        setting.subregion_weights.all(), key=lambda w: (w.subregion.name, w.indicator.code)
    )
    for row in rows:
        out.setdefault(row.subregion.name, {})[row.indicator.code] = str(row.weight)
    return out


def subregion_names() -> list[str]:
    """Every sub-region's name, in alphabetical order."""
    return list(SubRegion.objects.order_by("name").values_list("name", flat=True))


def round_years(round_: Round) -> tuple[int, ...]:
    """The calendar years of the round's period (whole years; at least its first year)."""
    return tuple(years_in_period(round_.period_start, round_.period_end)) or (
        round_.period_start.year,
    )


def round_half_years(round_: Round) -> list[RoundHalfYear]:
    """The half-years of the round with their national figures (uses a prefetch if any)."""
    return sorted(round_.half_years.all(), key=lambda h: h.label)


def round_fallback_groups(round_: Round) -> list[TargetGroup]:
    """The groups that count as statutory urgents in this round (uses a prefetch if any)."""
    return sorted(round_.statutory_urgent_groups.all(), key=lambda g: (g.position, g.code))


def round_settings_dict(round_: Round) -> dict[str, Any]:
    """The round's part of a computation's settings: period, time base and fall-back rule."""
    return {
        "id": round_.pk,
        "name": round_.name,
        "reference_year": round_.reference_year,
        "period_start": round_.period_start.isoformat(),
        "period_end": round_.period_end.isoformat(),
        "version": round_.version,
        "years": list(round_years(round_)),
        "half_years": [h.as_engine_dict() for h in round_half_years(round_)],
        "fallback": {
            "pct": str(round_.fallback_pct),
            "groups": [g.code for g in round_fallback_groups(round_)],
        },
    }


def scenario_settings_dict(scenario: Scenario) -> dict[str, Any]:
    """Everything the user chose for this computation, as canonical JSON values."""
    return {
        "round": round_settings_dict(scenario.round),
        "scenario": {
            "id": scenario.pk,
            "name": scenario.name,
            "description": scenario.description,
            "mutation_threshold_pct": str(scenario.mutation_threshold_pct),
            "urgent_fallback_pct": str(scenario.round.fallback_pct),
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
    figure_provenance: dict[str, Any] | None = None
    """Where the figures came from (`figure_provenance`), when asked for; not digested."""

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


def _missing_indicator_error(
    *,
    group_code: str,
    group_name: str,
    code: str,
    missing: Sequence[str],
    indicator_names: Mapping[str, str],
    reference_year: int,
) -> RunInputError:
    return RunInputError(
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


def _check_half_years(
    half_years: Sequence[Mapping[str, Any]], *, group_code: str, group_name: str
) -> list[dict[str, Any]]:
    """The round's half-years as the engine's list; RunInputError when one is not usable."""
    if not half_years:
        raise RunInputError(
            _(
                "Target group %(group)s: the statutory task is the sum over the half-years of "
                "the round's period, but the period holds no whole half-year. Check the period "
                "of the round."
            )
            % {"group": group_name},
            group=group_code,
            field="statutory",
        )
    missing = [h["label"] for h in half_years if h.get("national_total") is None]
    if missing:
        raise RunInputError(
            _(
                "Target group %(group)s: the national half-year total (vg) is missing for "
                "%(labels)s. Enter it on the round page; mark it as an estimate when it is not "
                "yet published."
            )
            % {"group": group_name, "labels": ", ".join(missing)},
            group=group_code,
            field="statutory",
        )
    return [
        {
            "label": h["label"],
            "national_total": int(h["national_total"]),
            "national_population": int(h["national_population"]),
            "estimate": bool(h.get("estimate", False)),
        }
        for h in half_years
    ]


def statutory_period_task(population: Decimal, half_years: Sequence[Mapping[str, Any]]) -> int:
    """The statutory task over a period: the sum of the half-years, each rounded up by itself."""
    return sum(
        statutory_task(population, int(h["national_total"]), int(h["national_population"]))
        for h in half_years
    )


def _backlog(
    m: MunicipalityData, settings: Mapping[str, Any], backlog_source: str | None, missing: list[str]
) -> int:
    if not (settings["carry_over"] and backlog_source is not None):
        return 0
    if m.agreed is None or m.realised is None:
        missing.append(m.code)
        return 0
    return m.agreed - m.realised


def setting_mode(settings: Mapping[str, Any]) -> str:
    """The allocation mode of a group's settings (settings stored before issue 10 used the
    rounding method ``statutory`` for the statutory task)."""
    if settings.get("method") == RoundingMethod.STATUTORY:
        return AllocationMode.STATUTORY
    return str(settings.get("mode") or AllocationMode.SPREAD)


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
    years: int = 1,
    half_years: Sequence[Mapping[str, Any]] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build one group's engine scenario (DOMAIN.md 5) and its provenance. Pure.

    `settings` is `group_settings_dict`. One time base (DOMAIN.md 3): `years` is the number
    of years of the round's period and `half_years` its half-years with the national figures
    (`RoundHalfYear.as_engine_dict`). Demand and mutations are yearly figures; everything the
    scenario asks for is for the whole period:

    - ``spread``: the task T is the yearly demand times the years, an entered total per year
      times the years (or as entered for the period), or the sum of the statutory tasks over
      the half-years; an upper bound in mutations is that share of the yearly mutations
      times the household size times the years.
    - ``local``: every municipality gets its own yearly demand times the years.
    - ``statutory``: every municipality gets the sum over the half-years of
      ceil(vg * p_i / P_NL), each half-year rounded by itself (the engine's list form).

    Raises RunInputError (Dutch) when a figure the settings need is missing.
    """
    mode = setting_mode(settings)
    if years < 1:
        raise ValueError("years must be at least 1")
    statutory_needed = mode == AllocationMode.STATUTORY or (
        mode == AllocationMode.SPREAD and settings["task_source"] == TaskSource.STATUTORY
    )
    spread = mode == AllocationMode.SPREAD
    weights: dict[str, str] = dict(settings["weights"]) if spread else {}
    upper_pct = settings["upper_bound_mutations_pct"] if spread else None
    effort_indicator = settings.get("effort_indicator") if spread else None
    inner_keys: dict[str, dict[str, str]] = (
        dict(settings.get("subregion_weights") or {}) if spread and settings["two_tier"] else {}
    )
    needed = set(weights)
    for inner in inner_keys.values():
        needed.update(code for code, value in inner.items() if Decimal(value) > 0)
    if statutory_needed:
        needed.add(POPULATION)
    if upper_pct is not None:
        needed.add(MUTATIONS)
    if effort_indicator:
        needed.add(effort_indicator)

    for code in sorted(needed):
        missing = [m.name for m in municipalities if code not in m.indicators]
        if missing:
            raise _missing_indicator_error(
                group_code=group_code,
                group_name=group_name,
                code=code,
                missing=missing,
                indicator_names=indicator_names,
                reference_year=reference_year,
            )

    statutory_list = (
        _check_half_years(half_years, group_code=group_code, group_name=group_name)
        if statutory_needed
        else None
    )

    source = settings["task_source"] if spread else mode
    basis = settings.get("entered_total_basis") or TotalBasis.PERIOD
    demand_missing: list[str] = []
    demand_per_year = 0
    demands: dict[str, int] = {}
    for m in municipalities:
        if m.demand is None:
            demand_missing.append(m.code)
        else:
            demand_per_year += m.demand
        demands[m.code] = (m.demand or 0) * years

    if mode == AllocationMode.LOCAL:
        total: int | None = sum(demands.values())
    elif statutory_list is not None:
        total = sum(
            statutory_period_task(m.indicators[POPULATION], statutory_list) for m in municipalities
        )
    elif source == TaskSource.ENTERED:
        entered = int(settings["entered_total"])
        total = entered * years if basis == TotalBasis.PER_YEAR else entered
    else:
        total = demand_per_year * years
    if not (mode == AllocationMode.LOCAL or source == TaskSource.DEMAND):
        demand_missing = []  # only a task built from demand misses a demand figure

    # Keep the indicators the model and the read-outs use: the weighted ones, population
    # (per 1,000, statutory), mutations (bounds, share of mutations) and the effort indicator.
    keep = needed | {POPULATION, MUTATIONS}
    rows = []
    backlog_missing: list[str] = []
    for m in municipalities:
        upper = None
        if upper_pct is not None:
            with localcontext() as ctx:
                ctx.prec = 60
                upper = _exact_str(
                    Decimal(upper_pct) / 100 * m.indicators[MUTATIONS] * household_size * years
                )
        if not spread:
            effort: int | str = 0
        elif effort_indicator:
            effort = _number(m.indicators[effort_indicator])
        else:
            effort = m.existing_effort or 0
        row: dict[str, Any] = {
            "code": m.code,
            "name": m.name,
            "subregion": m.subregion,
            "indicators": {k: _number(v) for k, v in sorted(m.indicators.items()) if k in keep},
            "existing_effort": effort,
            "lower": None,
            "upper": upper,
            "backlog": _backlog(m, settings, backlog_source, backlog_missing),
        }
        if mode == AllocationMode.LOCAL:
            row["demand"] = demands[m.code]
        rows.append(row)
    if mode == AllocationMode.LOCAL:
        method = "local"
    elif mode == AllocationMode.STATUTORY:
        method = "statutory"
    else:
        method = settings["method"]
    scenario = {
        "description": description,
        "total": total,
        "method": method,
        "two_tier": settings["two_tier"] if spread else False,
        "strict_ties": settings["strict_ties"] if spread else False,
        "weights": weights,
        "credit_factor": settings["credit_factor"] if spread else "0",
        "max_credit_fraction": settings["max_credit_fraction"] if spread else None,
        "statutory": statutory_list if mode == AllocationMode.STATUTORY else None,
        "household_size": str(household_size),
        "municipalities": rows,
    }
    if inner_keys:  # two-tier maatwerk: sub-regions with their own inner key
        scenario["subregion_weights"] = inner_keys
    provenance = {
        "reference_year": reference_year,
        "mode": mode,
        "years": years,
        "task_source": source,
        "entered_total_basis": basis if source == TaskSource.ENTERED else None,
        "demand_per_year": demand_per_year,
        "total": total,
        "demand_missing": demand_missing,
        "half_years": statutory_list or [],
        "effort_indicator": effort_indicator or None,
        "upper_bound": (
            None
            if upper_pct is None
            else {
                "mutations_pct": upper_pct,
                "household_size": str(household_size),
                "years": years,
            }
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


def run_inputs_build(*, scenario: Scenario, with_provenance: bool = False) -> RunInputs:
    """The engine input of every included group of a scenario (about 8 queries; with the
    provenance of the figures, up to 2 more)."""
    included = [s.group for s in scenario_settings(scenario) if s.included and s.group.active]
    return run_inputs_from_settings(
        round_=scenario.round,
        settings=scenario_settings_dict(scenario),
        groups=included,
        scenario_name=scenario.name,
        with_provenance=with_provenance,
    )


# Who entered a figure (and for which partner organisation) and who confirmed it.
_PEOPLE = (
    "submitted_by__membership__organisation",
    "updated_by__membership__organisation",
    "confirmed_by",
)


def _person(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.username)


def _organisation(user: Any) -> str | None:
    """The partner organisation a person entered a figure for (None for everyone else)."""
    membership = getattr(user, "membership", None) if user is not None else None
    organisation = getattr(membership, "organisation", None)
    return None if organisation is None else str(organisation.name)


def _moment(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _submitted_moments(model: Any, pks: Sequence[int]) -> dict[int, Any]:
    """When each figure was last submitted, from its history (one query). A confirmed
    figure's last submission is the one its confirmation answered."""
    moments: dict[int, Any] = {}
    if not pks:
        return moments
    for pk, when in (
        model.history.filter(id__in=pks, status=FigureStatus.SUBMITTED)
        .order_by("history_date")
        .values_list("id", "history_date")
    ):
        moments[pk] = when  # the latest wins
    return moments


def _figure_entry(figure: Any, submitted: Mapping[int, Any]) -> dict[str, Any]:
    """One figure's provenance: source and reference date; for a figure a person entered,
    who entered it (for which partner organisation) and when it was submitted, and who
    confirmed it, when. Figures loaded from CBS or the reference data carry no person."""
    person = figure.updated_by or figure.submitted_by
    confirmer = figure.confirmed_by
    return {
        "source": figure.source,
        "reference_date": figure.reference_date.isoformat(),
        "illustrative": bool(figure.illustrative),
        "entered_by": _person(person),
        "organisation": _organisation(person),
        "submitted_at": _moment(submitted.get(figure.pk)) if person is not None else None,
        "confirmed_by": _person(confirmer),
        "confirmed_at": _moment(figure.confirmed_at) if confirmer is not None else None,
    }


def figure_provenance(
    *,
    year: int,
    figures: Sequence[MunicipalFigure],
    group_figures: Sequence[GroupFigure],
    used: Mapping[str, set[str]],
    groups: Mapping[int, tuple[str, str]],
) -> dict[str, Any]:
    """The provenance snapshot a run stores beside its inputs (up to 2 queries: the moments
    of submission, from the history). `figures` and `group_figures` are the confirmed rows the input was built
    from, with `_PEOPLE` selected; `used` the indicator codes per municipality code that
    the input holds; `groups` the code and unit of every computed group by its id.

    ``{"year", "indicators": {municipality: {indicator: entry}},
    "groups": {group: {municipality: entry}}}``, each entry with its value (`_figure_entry`).
    """
    kept = [f for f in figures if f.indicator.code in used.get(f.municipality.cbs_code, ())]
    kept_groups = [g for g in group_figures if g.group_id in groups]
    submitted = _submitted_moments(
        MunicipalFigure, [f.pk for f in kept if (f.submitted_by_id or f.updated_by_id)]
    )
    submitted_groups = _submitted_moments(
        GroupFigure, [g.pk for g in kept_groups if (g.submitted_by_id or g.updated_by_id)]
    )
    indicators: dict[str, dict[str, Any]] = {}
    for f in kept:
        entry = _figure_entry(f, submitted)
        entry["value"] = _number(f.value)
        indicators.setdefault(f.municipality.cbs_code, {})[f.indicator.code] = entry
    by_group: dict[str, dict[str, Any]] = {}
    for g in kept_groups:
        entry = _figure_entry(g, submitted_groups)
        group_code, unit = groups[g.group_id]
        entry["demand"] = g.demand
        entry["existing_effort"] = g.existing_effort
        entry["unit"] = unit
        by_group.setdefault(group_code, {})[g.municipality.cbs_code] = entry
    return {"year": year, "indicators": indicators, "groups": by_group}


def run_inputs_from_settings(
    *,
    round_: Round,
    settings: dict[str, Any],
    groups: Sequence[TargetGroup],
    scenario_name: str,
    with_provenance: bool = False,
) -> RunInputs:
    """The engine input of `groups` for settings shaped as `scenario_settings_dict` (about 6
    queries). A background run and the what-if preview (allocation.preview) both build
    their input here; the preview passes settings that are not stored.

    `with_provenance` (a run) also reads who entered and confirmed each figure, from the
    same rows as the values, and returns it as `RunInputs.figure_provenance` (up to 2 more
    queries: the moments of submission).
    """
    year = round_.reference_year
    municipalities = list(Municipality.objects.select_related("subregion").order_by("cbs_code"))
    indicators: dict[int, dict[str, Decimal]] = {m.pk: {} for m in municipalities}
    illustrative: set[str] = set()
    figure_rows: list[MunicipalFigure] = []
    group_rows: list[GroupFigure] = []
    if with_provenance:
        figure_rows = list(
            MunicipalFigure.objects.filter(year=year, status=FigureStatus.CONFIRMED).select_related(
                "municipality", "indicator", *_PEOPLE
            )
        )
        figure_values = [
            (f.municipality_id, f.indicator.code, f.value, f.illustrative) for f in figure_rows
        ]
        group_rows = list(
            GroupFigure.objects.filter(year=year, status=FigureStatus.CONFIRMED).select_related(
                "municipality", *_PEOPLE
            )
        )
        group_values = [
            (g.municipality_id, g.group_id, g.demand, g.existing_effort, g.illustrative)
            for g in group_rows
        ]
    else:
        figure_values = list(
            MunicipalFigure.objects.filter(year=year, status=FigureStatus.CONFIRMED).values_list(
                "municipality_id", "indicator__code", "value", "illustrative"
            )
        )
        group_values = list(
            GroupFigure.objects.filter(year=year, status=FigureStatus.CONFIRMED).values_list(
                "municipality_id", "group_id", "demand", "existing_effort", "illustrative"
            )
        )
    for muni_id, code, value, is_illustrative in figure_values:
        indicators[muni_id][code] = value
        if is_illustrative:
            illustrative.add(code)
    group_figures: dict[tuple[int, int], tuple[int | None, int | None]] = {}
    illustrative_groups: set[int] = set()
    for muni_id, group_id, demand, effort, is_illustrative in group_values:
        group_figures[(muni_id, group_id)] = (demand, effort)
        if is_illustrative:
            illustrative_groups.add(group_id)
    indicator_names = {i.code: i.name for i in Indicator.objects.all()}

    carry = any(settings["groups"][g.code]["carry_over"] for g in groups)
    previous = previous_agreed_round(round_) if carry else None
    agreed = _agreed_numbers(previous)
    realised = _realised_numbers(previous) if agreed else {}
    backlog_source = (
        None
        if previous is None or not agreed
        else f"{previous.name} (computation {previous.agreed_run_id})"
    )

    years = len(settings["round"]["years"])
    half_years = settings["round"]["half_years"]
    group_inputs = []
    for group in groups:
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
            description=f"{round_.name} · {scenario_name} · {group.name_nl}",
            reference_year=year,
            backlog_source=backlog_source if group.code in agreed else None,
            years=years,
            half_years=half_years,
        )
        used = set(scenario_dict["weights"]) | {POPULATION, MUTATIONS}
        if provenance["effort_indicator"]:
            used.add(provenance["effort_indicator"])
        provenance["illustrative"] = sorted(used & illustrative) + (
            ["target_group_figures"] if group.pk in illustrative_groups else []
        )
        group_inputs.append(
            GroupInput(
                code=group.code,
                name=group.name_nl,
                household_size=group.household_size,
                scenario=scenario_dict,
                provenance=provenance,
            )
        )
    snapshot = None
    if with_provenance:
        used_codes: dict[str, set[str]] = {}
        for g in group_inputs:
            for row in g.scenario["municipalities"]:
                used_codes.setdefault(row["code"], set()).update(row["indicators"])
        snapshot = figure_provenance(
            year=year,
            figures=figure_rows,
            group_figures=group_rows,
            used=used_codes,
            groups={group.pk: (group.code, group.unit) for group in groups},
        )
    return RunInputs(settings=settings, groups=group_inputs, figure_provenance=snapshot)


# --- results for display ----------------------------------------------------------------


def run_group_codes(run: ScenarioRun) -> list[str]:
    if not run.results:
        return []
    return list(run.results.get("groups", {}))


def _percentile_row(sens: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not sens:
        return {}
    return {row["code"]: row for row in sens["municipalities"]}


def run_years(run: ScenarioRun) -> tuple[int, ...]:
    """The years of the run's round period, as its settings recorded them."""
    stored = (run.scenario_settings or {}).get("round", {})
    if stored.get("years"):
        return tuple(int(y) for y in stored["years"])
    return round_years(run.scenario.round)


def mode_label(mode: str) -> str:
    """The allocation mode in plain words of the interface language (Dutch on pages):
    "verdeeld met sleutel", "eigen vraag (waar de vraag ontstaat)", "wettelijke taakstelling".
    Also takes the engine's method names ``local`` and ``statutory``; any other method is a
    way to spread."""
    if mode in AllocationMode.values:
        return str(AllocationMode(mode).label)
    return str(AllocationMode.SPREAD.label)


def phase(total: int, years: int) -> list[int]:
    """A period total phased over the years: even split, largest remainder (the remainder to
    the earliest years), sum exact (`allocation.engine.phase_over_years`). Negative totals
    (a surplus) are phased by their size, with the sign kept."""
    if total < 0:
        return [-n for n in phase_over_years(-total, years)]
    return phase_over_years(total, years)


def _per_year_totals(allocations: Sequence[Mapping[str, Any]], years: int) -> list[int]:
    sums = [0] * years
    for a in allocations:
        for index, n in enumerate(phase(int(a["total_with_backlog"]), years)):
            sums[index] += n
    return sums


def run_overview(run: ScenarioRun, groups: Mapping[str, TargetGroup]) -> list[dict[str, Any]]:
    """Per group of a succeeded run: the totals and counts the overview table shows, with
    the mode of allocation and the region's task phased per year."""
    rows = []
    years = run_years(run)
    settings_groups = (run.scenario_settings or {}).get("groups", {})
    warnings = {w.group: w for w in maatwerk_warnings(run)}
    for code, data in (run.results or {}).get("groups", {}).items():
        result = data["result"]
        mode = setting_mode(settings_groups.get(code, {"method": result["method"]}))
        rows.append(
            {
                "code": code,
                "group": groups.get(code),
                "name": settings_groups.get(code, {}).get("name") or code,
                "mode": mode,
                "mode_label": mode_label(mode),
                "total": result["total"],
                "allocated_total": result["allocated_total"],
                "with_backlog": sum(int(a["total_with_backlog"]) for a in result["allocations"]),
                "per_year": list(
                    zip(years, _per_year_totals(result["allocations"], len(years)), strict=True)
                ),
                "method": result["method"],
                "two_tier": result["two_tier"],
                "warnings": len(result["warnings"]) + len(data["fairness"]["warnings"]),
                "maatwerk_warning": warnings.get(code),
                "ties": len(result["ties"]),
            }
        )
    return rows


def _names(codes: Sequence[str], name_of: Mapping[str, str]) -> list[str]:
    return [name_of.get(code, code) for code in codes]


def _shown_entry(entry: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """A stored provenance entry with its dates as dates, for a template."""
    unit = entry.get("unit")
    return {
        **entry,
        **extra,
        "unit_label": str(Unit(unit).label) if unit in Unit.values else "",
        "reference_date": date.fromisoformat(entry["reference_date"]),
        "submitted_at": (
            datetime.fromisoformat(entry["submitted_at"]) if entry.get("submitted_at") else None
        ),
        "confirmed_at": (
            datetime.fromisoformat(entry["confirmed_at"]) if entry.get("confirmed_at") else None
        ),
    }


def figure_sources(
    run: ScenarioRun, *, group: str, municipality: str, indicators: Sequence[str]
) -> list[dict[str, Any]]:
    """Where the figures of one municipality in one group of a run came from, as the run
    recorded them (`ScenarioRun.input_provenance`): one entry per indicator in the order
    given, then the group's own figures (demand, existing effort). Empty for a run from
    before provenance was recorded. No queries."""
    stored = run.input_provenance or {}
    own = stored.get("indicators", {}).get(municipality, {})
    rows = [
        _shown_entry(own[code], kind="indicator", code=code) for code in indicators if code in own
    ]
    group_entry = stored.get("groups", {}).get(group, {}).get(municipality)
    if group_entry is not None:
        rows.append(_shown_entry(group_entry, kind="group", code=group))
    return rows


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
    years = run_years(run)
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
                "per_year": phase(int(a["total_with_backlog"]), len(years)),
                "years_phased": list(
                    zip(years, phase(int(a["total_with_backlog"]), len(years)), strict=True)
                ),
                "demand_per_year": (
                    int(a["steps"]["local"]["demand"]) // len(years)
                    if "local" in a["steps"]
                    else None
                ),
                "allocation": a["allocation"],
                "backlog": a["backlog"],
                "total_with_backlog": a["total_with_backlog"],
                "per_1000": steps["per_1000_inhabitants"],
                "population_share": steps["population_share"],
                "difference": steps["difference_from_population_share"],
                "steps": steps,
                "decision": messages.render_decision(steps.get("rounding"), name_of),
                "indicators": [
                    {"code": name, **values} for name, values in steps["indicators"].items()
                ],
                "sources": figure_sources(
                    run, group=code, municipality=a["code"], indicators=list(steps["indicators"])
                ),
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
    mode = setting_mode(settings or {"method": result["method"]})
    return {
        "code": code,
        "mode": mode,
        "mode_label": mode_label(mode),
        "years": years,
        "year_count": len(years),
        "per_year_totals": list(
            zip(years, _per_year_totals(result["allocations"], len(years)), strict=True)
        ),
        "with_backlog": sum(int(a["total_with_backlog"]) for a in result["allocations"]),
        "maatwerk_warnings": [w for w in maatwerk_warnings(run) if w.group == code],
        "settings": settings,
        "provenance": provenance,
        "demand_missing": _names(provenance.get("demand_missing", []), name_of),
        "backlog_missing": _names(provenance.get("backlog_missing", []), name_of),
        "result": result,
        "rows": rows,
        "subregions": subregions,
        "ties": ties,
        "warnings": messages.render_warnings(result, name_of),
        "fairness": data["fairness"],
        "fairness_warnings": messages.render_warnings(data["fairness"], name_of),
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
    """The read-outs over all groups together, with municipality names (no queries), the
    dwellings from mutations per year and the municipalities above the threshold."""
    results = run.results or {}
    overall = results.get("overall")
    if not overall:
        return None
    names: dict[str, tuple[str, str]] = {}
    for data in results.get("groups", {}).values():
        for a in data["result"]["allocations"]:
            names.setdefault(a["code"], (a["name"], a["subregion"]))
    years = len(run_years(run))
    rows = [
        {
            **row,
            "name": names.get(row["code"], (row["code"], ""))[0],
            "subregion": names.get(row["code"], ("", ""))[1],
            "mutation_dwellings_per_year": (
                None
                if row.get("mutation_dwellings") is None
                else Decimal(row["mutation_dwellings"]) / years
            ),
        }
        for row in overall["municipalities"]
    ]
    over = [row["name"] for row in rows if row["over_threshold"]]
    no_mutations = [
        row["name"]
        for row in rows
        if row["share_of_mutations"] is None and Decimal(row.get("mutation_dwellings") or 0) > 0
    ]
    return {
        **overall,
        "rows": rows,
        "over_count": len(over),
        "over_names": sorted(over),
        "no_mutations_names": sorted(no_mutations),
    }


def run_settings_changed(run: ScenarioRun) -> bool:
    """Whether the scenario's settings changed after this run was computed (3 queries)."""
    if run.scenario_settings is None:
        return False
    current = scenario_settings_dict(scenario_get(pk=run.scenario_id))
    return bool(current != run.scenario_settings)


# --- maatwerk warnings ------------------------------------------------------------------

MAATWERK_SPREAD_NOT_SUITABLE = "spread_not_suitable"
"""A group that spreading does not suit is spread with a key anyway."""
MAATWERK_STATUTORY_OVERRIDDEN = "statutory_overridden"
"""A group whose task is set by law is computed another way."""


@dataclass(frozen=True)
class MaatwerkWarning:
    """A warning about a group's allocation mode (DOMAIN.md 3, maatwerk). The code is stable
    (for tests, exports and the API); the message is in the active language (Dutch on pages).
    """

    code: str
    group: str
    group_name: str
    mode: str
    default_mode: str

    @property
    def message(self) -> str:
        values = {
            "group": self.group_name,
            "mode": mode_label(self.mode),
            "default": mode_label(self.default_mode),
        }
        if self.code == MAATWERK_SPREAD_NOT_SUITABLE:
            return (
                _(
                    "%(group)s: spreading suits this group less, yet this scenario shares it with "
                    "a key (%(mode)s) instead of %(default)s. Choose this on purpose and explain "
                    "why in the agreement."
                )
                % values
            )
        return (
            _(
                "%(group)s: the task is set by law (Huisvestingswet 2014, articles 28 and 29), "
                "yet this scenario computes it as %(mode)s. The statutory task still applies."
            )
            % values
        )

    def __str__(self) -> str:
        return self.message


def _maatwerk_warning(
    *, code: str, name: str, mode: str, default_mode: str, suitable: bool
) -> MaatwerkWarning | None:
    if mode == AllocationMode.SPREAD and not suitable:
        return MaatwerkWarning(MAATWERK_SPREAD_NOT_SUITABLE, code, name, mode, default_mode)
    if default_mode == AllocationMode.STATUTORY and mode != AllocationMode.STATUTORY:
        return MaatwerkWarning(MAATWERK_STATUTORY_OVERRIDDEN, code, name, mode, default_mode)
    return None


def maatwerk_warnings(obj: Scenario | ScenarioRun) -> list[MaatwerkWarning]:
    """The maatwerk warnings of a scenario (its settings now) or of a computation (the
    settings it was computed with), one per included group at most, in group order.

    A group that spreading does not suit but is spread with a key gets
    ``spread_not_suitable``; a group whose default is the statutory task but is computed
    another way gets ``statutory_overridden``. The review page, the PDF and the exports show
    the same warnings (a scenario may override; the override is visible everywhere).
    """
    found: list[MaatwerkWarning | None] = []
    if isinstance(obj, Scenario):
        for setting in scenario_settings(obj):
            if not setting.included:
                continue
            group = setting.group
            mode = (
                AllocationMode.STATUTORY
                if setting.method == RoundingMethod.STATUTORY
                else (setting.mode)
            )
            found.append(
                _maatwerk_warning(
                    code=group.code,
                    name=group.name,
                    mode=mode,
                    default_mode=group.allocation_mode,
                    suitable=group.spreading_suitable,
                )
            )
        return [w for w in found if w is not None]
    groups = (obj.scenario_settings or {}).get("groups", {})
    legacy = [code for code, g in groups.items() if "spreading_suitable" not in g]
    current = {g.code: g for g in TargetGroup.objects.filter(code__in=legacy)} if legacy else {}
    order = list((obj.results or {}).get("groups", {})) or list(groups)
    for code in order:
        g = groups.get(code)
        if g is None or not g.get("included", True):
            continue
        target = current.get(code)
        suitable = g.get("spreading_suitable", target.spreading_suitable if target else True)
        default_mode = g.get(
            "default_mode", target.allocation_mode if target else AllocationMode.SPREAD
        )
        found.append(
            _maatwerk_warning(
                code=code,
                name=(target.name if target else None) or g.get("name") or code,
                mode=setting_mode(g),
                default_mode=default_mode,
                suitable=suitable,
            )
        )
    return [w for w in found if w is not None]


# --- the fall-back rule -----------------------------------------------------------------


@dataclass(frozen=True)
class FallbackLine:
    """One municipality under the fall-back rule, all numbers per year (in dwellings)."""

    code: str
    name: str
    subregion: str
    mutations: Fraction | None
    """Yearly mutations (vacated social rental dwellings per year); None when unknown."""
    fallback: Fraction | None
    """pct x yearly mutations: what the fall-back rule would ask per year."""
    fallback_whole: int | None
    agreed_per_year: tuple[Fraction, ...]
    """Per year of the period: dwellings for the groups that count as statutory urgents."""
    difference_per_year: tuple[Fraction | None, ...]
    """agreed - fallback per year (0 or more: the agreement gives at least the fall-back)."""

    @property
    def meets(self) -> bool | None:
        if self.fallback is None:
            return None
        return all(d is not None and d >= 0 for d in self.difference_per_year)

    def year(self, index: int) -> tuple[Fraction, Fraction | None]:
        """(agreed, difference) in the year at `index` of the period."""
        return self.agreed_per_year[index], self.difference_per_year[index]

    @property
    def years_zipped(self) -> list[tuple[Fraction, Fraction | None]]:
        """(agreed, difference) per year of the period, in order."""
        return list(zip(self.agreed_per_year, self.difference_per_year, strict=True))


@dataclass(frozen=True)
class FallbackComparison:
    """The fall-back rule against a computation or an adopted agreement (DOMAIN.md 3).

    The fall-back figure is ``pct`` of each municipality's yearly mutations; it is compared,
    per year of the period, with what the municipality agreed for the groups that count as
    statutory urgents in the round, converted to dwellings with each group's household size.
    """

    pct: Fraction
    groups: tuple[tuple[str, str], ...]
    """(code, Dutch name) of the groups that count as statutory urgents and were computed."""
    missing_groups: tuple[tuple[str, str], ...]
    """Groups that count as statutory urgents but are not in the computation."""
    years: tuple[int, ...]
    lines: tuple[FallbackLine, ...]

    def line(self, code: str) -> FallbackLine | None:
        return next((line for line in self.lines if line.code == code), None)

    @property
    def group_names(self) -> list[str]:
        return [name for _code, name in self.groups]

    @property
    def missing_group_names(self) -> list[str]:
        return [name for _code, name in self.missing_groups]

    @property
    def below(self) -> list[FallbackLine]:
        """The municipalities whose agreement gives less than the fall-back in some year."""
        return [line for line in self.lines if line.meets is False]


def _run_mutations(run: ScenarioRun) -> dict[str, Fraction]:
    """Yearly mutations per municipality as the computation used them (its stored inputs)."""
    for entry in (run.inputs or {}).values():
        found = {}
        for m in entry["scenario"]["municipalities"]:
            value = (m.get("indicators") or {}).get(MUTATIONS)
            if value is not None:
                found[m["code"]] = Fraction(str(value))
        if found:
            return found
    return {}


def fallback_comparison(
    run: ScenarioRun, *, agreed: Mapping[str, Mapping[str, Sequence[int]]] | None = None
) -> FallbackComparison | None:
    """The fall-back rule against a computation (no queries beyond the run's group names).

    Without `agreed` the computation's own numbers count (each municipality's task including
    backlog, phased over the years). For an adopted round pass the agreed numbers per year
    (`agreements.selectors.agreed_result`: ``{group: {cbs_code: line.per_year}}``), so that
    accepted transfers count. The percentage and the groups are the round's settings as the
    computation recorded them. None when the run has no results.
    """
    if not run.results:
        return None
    settings = run.scenario_settings or {}
    round_settings = settings.get("round", {})
    fallback = round_settings.get("fallback") or {}
    group_settings = settings.get("groups", {})
    pct = (
        Fraction(
            str(fallback.get("pct") or settings.get("scenario", {}).get("urgent_fallback_pct", 15))
        )
        / 100
    )
    codes = list(fallback.get("groups") or [])
    if "groups" not in fallback:
        codes = list(
            TargetGroup.objects.filter(counts_as_statutory_urgent=True).values_list(
                "code", flat=True
            )
        )
    years = run_years(run)
    results = run.results.get("groups", {})
    computed = [c for c in codes if c in results]
    names = {code: group_settings.get(code, {}).get("name") or code for code in codes}
    per_year: dict[str, dict[str, Sequence[int]]] = {}
    for code in computed:
        if agreed is not None:
            per_year[code] = dict(agreed.get(code, {}))
        else:
            per_year[code] = {
                a["code"]: phase(int(a["total_with_backlog"]), len(years))
                for a in results[code]["result"]["allocations"]
            }
    mutations = _run_mutations(run)
    municipalities: dict[str, tuple[str, str]] = {}
    for data in results.values():
        for a in data["result"]["allocations"]:
            municipalities.setdefault(a["code"], (a["name"], a["subregion"]))
    lines = []
    for muni, (name, subregion) in sorted(municipalities.items(), key=lambda kv: kv[1][0]):
        agreed_years = []
        for index in range(len(years)):
            dwellings = Fraction(0)
            for code in computed:
                numbers = per_year[code].get(muni)
                if numbers:
                    size = Fraction(str(group_settings.get(code, {}).get("household_size", 1)))
                    dwellings += Fraction(int(numbers[index])) / size
            agreed_years.append(dwellings)
        yearly = mutations.get(muni)
        figures = (
            [fallback_rule({muni: yearly}, {muni: d}, pct=pct)[0] for d in agreed_years]
            if yearly is not None
            else []
        )
        lines.append(
            FallbackLine(
                code=muni,
                name=name,
                subregion=subregion,
                mutations=yearly,
                fallback=figures[0].fallback if figures else None,
                fallback_whole=figures[0].fallback_whole if figures else None,
                agreed_per_year=tuple(agreed_years),
                difference_per_year=tuple(f.difference for f in figures)
                if figures
                else tuple(None for _ in agreed_years),
            )
        )
    return FallbackComparison(
        pct=pct,
        groups=tuple((c, names[c]) for c in computed),
        missing_groups=tuple((c, names[c]) for c in codes if c not in results),
        years=years,
        lines=tuple(lines),
    )
