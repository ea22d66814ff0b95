"""Writes to rounds, scenarios and computations (runs).

Services are keyword-only, run in one transaction, call `full_clean()` and leave an audit
entry (django-simple-history on rounds, scenarios, settings and weights; a run row records
who started it and when). A run is claimed with a conditional UPDATE (queued -> running), so
a second delivery of the same task does nothing, and a run that succeeded never changes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from allocation.engine import halfyears_in_period
from core import jobs
from municipalities.models import Indicator, SubRegion
from target_groups.models import AllocationMode, TargetGroup

from . import compute, reaper, run_errors, selectors
from .digest import run_digest
from .models import (
    EDITABLE_ROUND_STATUSES,
    SPREAD_METHODS,
    Round,
    RoundHalfYear,
    RoundingMethod,
    RunStatus,
    Scenario,
    ScenarioGroupSetting,
    ScenarioRun,
    ScenarioSubregionWeight,
    ScenarioWeight,
    TaskSource,
    TotalBasis,
)
from .signals import scenario_changed

logger = logging.getLogger(__name__)

# A run still "running" this long after it started lost its worker; it may be claimed again.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
DEFAULT_NATIONAL_POPULATION = 17_942_942  # CBS, 1 January 2024 (DOMAIN.md 2)


@dataclass(frozen=True)
class GroupSettingInput:
    """The settings of one target group, as the service takes them.

    Weights are exact fractions per indicator code (Decimal("0.5") is 50%); the interface
    shows percentages. Weights of 0 may be given and are not stored. Weights, credit, bounds
    and the rounding method apply to the mode ``spread`` only. `group_default_setting` gives
    a group's defaults (DOMAIN.md 3); the defaults of this class are a plain spread by
    population, so that a caller states what it wants.
    """

    group_code: str
    included: bool = True
    mode: str = AllocationMode.SPREAD
    task_source: str = TaskSource.DEMAND
    entered_total: int | None = None
    entered_total_basis: str = TotalBasis.PERIOD
    weights: Mapping[str, Decimal] = field(default_factory=lambda: {"population": Decimal(1)})
    credit_factor: Decimal = Decimal(0)
    max_credit_fraction: Decimal | None = None
    effort_indicator: str | None = None
    upper_bound_mutations_pct: Decimal | None = None
    method: str = RoundingMethod.HAMILTON
    two_tier: bool = False
    carry_over: bool = False
    strict_ties: bool = False
    subregion_weights: Mapping[str, Mapping[str, Decimal]] | None = None
    """Two-tier maatwerk: a sub-region's own inner key, {sub-region name: {indicator: weight}}.

    ``None`` keeps what is stored; ``{}`` removes every inner key of the group."""


def group_default_setting(group: TargetGroup) -> GroupSettingInput:
    """A group's default mode and key (DOMAIN.md 3), where a new scenario starts."""
    weights = group.default_weight_fractions()
    return GroupSettingInput(
        group_code=group.code,
        mode=group.allocation_mode,
        weights=weights or {"population": Decimal(1)},
        credit_factor=group.default_credit_factor,
        effort_indicator=(
            group.default_effort_indicator.code if group.default_effort_indicator else None
        ),
    )


@dataclass(frozen=True)
class ScenarioOptions:
    """Scenario-wide options of the read-outs."""

    mutation_threshold_pct: Decimal = Decimal(50)
    urgent_fallback_pct: Decimal = Decimal(15)
    sensitivity_draws: int = 10000
    sensitivity_concentration: Decimal = Decimal(100)
    sensitivity_seed: int = 0


# --- rounds -----------------------------------------------------------------------------


def round_create(
    *,
    name: str,
    period_start: date,
    period_end: date,
    reference_year: int,
    deadline: date | None = None,
    user: Any,
    settings_from: Round | None = None,
) -> Round:
    """Create a round in draft. Raises ValidationError with Dutch messages per field.

    The round gets its time base and fall-back settings: one half-year row per whole
    half-year of the period (national total still to enter, national population the last
    known), the fall-back percentage 15% and the groups that count as statutory urgents by
    default. With `settings_from` (a new version of a round) the fall-back settings and the
    national figures of the half-years the periods share are copied from that round.
    """
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Give the round a name.")
    elif Round.objects.filter(name=name).exists():
        errors["name"] = _("There is already a round with this name.")
    if period_end <= period_start:
        errors["period_end"] = _("The end of the period must come after its start.")
    if not 2000 <= reference_year <= 2100:
        errors["reference_year"] = _("Enter a year between 2000 and 2100.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if settings_from is not None:
            settings_from = Round.objects.get(pk=settings_from.pk)  # as saved, not as passed
        round_ = Round(
            name=name,
            period_start=period_start,
            period_end=period_end,
            reference_year=reference_year,
            deadline=deadline,
            created_by=user,
        )
        if settings_from is not None:
            round_.fallback_pct = settings_from.fallback_pct
        round_.full_clean()
        round_._history_user = user  # type: ignore[attr-defined]
        round_.save()
        if settings_from is not None:
            groups = list(settings_from.statutory_urgent_groups.all())
        else:
            groups = list(TargetGroup.objects.filter(counts_as_statutory_urgent=True))
        round_.statutory_urgent_groups.set(groups)
        round_half_years_ensure(round_=round_, user=user, copy_from=settings_from)
    return round_


def round_half_years_ensure(
    *, round_: Round, user: Any = None, copy_from: Round | None = None
) -> list[RoundHalfYear]:
    """Make sure the round has a row for every whole half-year of its period (idempotent).

    A new row copies the national figures of the same half-year from `copy_from`, if it
    has them; else its national total is empty (to enter) and marked an estimate.
    """
    labels = halfyears_in_period(round_.period_start, round_.period_end)
    with transaction.atomic():
        existing = {h.label: h for h in RoundHalfYear.objects.filter(round=round_)}
        source = (
            {h.label: h for h in RoundHalfYear.objects.filter(round=copy_from)}
            if copy_from is not None
            else {}
        )
        for label in labels:
            if label in existing:
                continue
            old = source.get(label)
            half_year = RoundHalfYear(
                round=round_,
                label=label,
                national_total=old.national_total if old else None,
                national_population=old.national_population if old else DEFAULT_NATIONAL_POPULATION,
                estimate=old.estimate if old else True,
            )
            half_year.full_clean()
            half_year._history_user = user  # type: ignore[attr-defined]
            half_year.save()
            existing[label] = half_year
    return [existing[label] for label in labels]


@dataclass(frozen=True)
class HalfYearInput:
    """The national figures of one half-year, as the round's settings form gives them."""

    label: str
    national_total: int | None
    national_population: int
    estimate: bool


def round_settings_update(
    *,
    round_: Round,
    fallback_pct: Decimal,
    statutory_urgent_groups: Sequence[str],
    half_years: Sequence[HalfYearInput],
    user: Any,
) -> Round:
    """Change the round's fall-back settings and the national figures of its half-years.

    Only while the round takes changes (draft, collecting, computing). The scenarios keep a
    copy of the fall-back percentage for their read-outs; computations made before keep
    their own settings and show that the settings changed since. Raises ValidationError
    with Dutch messages keyed by field (``halfyear.<label>.<field>`` per half-year).
    """
    errors: dict[str, str] = {}
    if not 0 < fallback_pct <= 100:
        errors["fallback_pct"] = _("Enter a percentage above 0 and at most 100.")
    groups = {g.code: g for g in TargetGroup.objects.filter(code__in=list(statutory_urgent_groups))}
    unknown = sorted(set(statutory_urgent_groups) - set(groups))
    if unknown:
        errors["statutory_urgent_groups"] = _("Unknown target group: %(code)s.") % {
            "code": unknown[0]
        }
    for item in half_years:
        if item.national_total is not None and item.national_total < 0:
            errors[f"halfyear.{item.label}.national_total"] = _("The number cannot be below zero.")
        if item.national_population <= 0:
            errors[f"halfyear.{item.label}.national_population"] = _(
                "Enter the national population, a number above zero."
            )
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _check_round_editable(round_)
        rows = {h.label: h for h in RoundHalfYear.objects.filter(round=round_)}
        for item in half_years:
            if item.label not in rows:
                errors[f"halfyear.{item.label}"] = _(
                    "This half-year is not part of the round's period."
                )
        if errors:
            raise ValidationError(errors)
        round_.fallback_pct = fallback_pct
        round_.full_clean()
        round_._history_user = user  # type: ignore[attr-defined]
        round_.save()
        round_.statutory_urgent_groups.set(list(groups.values()))
        for item in half_years:
            row = rows[item.label]
            changed = (row.national_total, row.national_population, row.estimate) != (
                item.national_total,
                item.national_population,
                item.estimate,
            )
            if not changed:
                continue
            row.national_total = item.national_total
            row.national_population = item.national_population
            row.estimate = item.estimate
            row.full_clean()
            row._history_user = user  # type: ignore[attr-defined]
            row.save()
        for scenario in Scenario.objects.filter(round=round_).exclude(
            urgent_fallback_pct=fallback_pct
        ):
            scenario.urgent_fallback_pct = fallback_pct
            scenario._history_user = user  # type: ignore[attr-defined]
            scenario.save(update_fields=["urgent_fallback_pct", "updated_at"])
    _review_recheck(round_)
    return round_


# --- scenarios --------------------------------------------------------------------------


def _pct(value: Decimal) -> str:
    return number_format(value.normalize(), use_l10n=True)


def _validate_group(
    setting: GroupSettingInput, indicator_codes: set[str], errors: dict[str, str]
) -> None:
    key = setting.group_code
    if setting.mode not in AllocationMode.values:
        errors[f"{key}.mode"] = _("Choose how this group is shared.")
        return
    spread = setting.mode == AllocationMode.SPREAD
    for code, weight in setting.weights.items():
        if code not in indicator_codes:
            errors[f"{key}.weights"] = _("Unknown indicator: %(code)s.") % {"code": code}
            return
        if weight < 0:
            errors[f"{key}.weights"] = _("A weight cannot be below 0.")
            return
    total = sum(setting.weights.values(), Decimal(0))
    if spread and setting.included and total != 1:
        errors[f"{key}.weights"] = _(
            "The weights must add up to exactly 100%%; now they add up to %(sum)s%%."
        ) % {"sum": _pct(total * 100)}
    if setting.task_source not in TaskSource.values:
        errors[f"{key}.task_source"] = _("Choose where the regional task comes from.")
    if setting.entered_total_basis not in TotalBasis.values:
        errors[f"{key}.entered_total_basis"] = _(
            "Say whether the entered total is per year or for the whole period."
        )
    if setting.method not in SPREAD_METHODS:
        errors[f"{key}.method"] = _("Choose a rounding method.")
    if spread and setting.task_source == TaskSource.ENTERED and setting.entered_total is None:
        errors[f"{key}.entered_total"] = _("Enter the regional task for this group.")
    if setting.entered_total is not None and setting.entered_total < 0:
        errors[f"{key}.entered_total"] = _("The task cannot be below 0.")
    elif (
        spread
        and setting.included
        and setting.task_source == TaskSource.ENTERED
        and setting.entered_total == 0
    ):
        errors[f"{key}.entered_total"] = _(
            "A regional task of 0 leaves nothing to distribute. Enter a number above 0, or "
            "leave the group out of this scenario."
        )
    if setting.effort_indicator is not None and setting.effort_indicator not in indicator_codes:
        errors[f"{key}.effort_indicator"] = _("Unknown indicator: %(code)s.") % {
            "code": setting.effort_indicator
        }
    if not 0 <= setting.credit_factor <= 1:
        errors[f"{key}.credit_factor"] = _("The credit factor lies between 0 and 1.")
    m = setting.max_credit_fraction
    if m is not None and not 0 <= m <= 1:
        errors[f"{key}.max_credit_fraction"] = _(
            "The maximum credit cut lies between 0 and 100 percent."
        )
    u = setting.upper_bound_mutations_pct
    if u is not None and not 0 < u <= 100:
        errors[f"{key}.upper_bound_mutations_pct"] = _(
            "The upper bound is a percentage above 0 and at most 100."
        )
    if setting.subregion_weights:
        _validate_subregion_weights(key, setting.subregion_weights, indicator_codes, errors)


def _validate_subregion_weights(
    key: str,
    inner_keys: Mapping[str, Mapping[str, Decimal]],
    indicator_codes: set[str],
    errors: dict[str, str],
) -> None:
    """Every inner key names a known sub-region and indicators, each weight within 0..1, and
    together (when the sub-region has one) exactly 1."""
    known = set(SubRegion.objects.values_list("name", flat=True))
    field_name = f"{key}.subregion_weights"
    for subregion, weights in inner_keys.items():
        if subregion not in known:
            errors[field_name] = _("Unknown sub-region: %(name)s.") % {"name": subregion}
            return
        for code, weight in weights.items():
            if code not in indicator_codes:
                errors[field_name] = _("Unknown indicator: %(code)s.") % {"code": code}
                return
            if not 0 <= weight <= 1:
                errors[field_name] = _(
                    "Sub-region %(name)s: every weight lies between 0 and 100%%."
                ) % {"name": subregion}
                return
        total = sum(weights.values(), Decimal(0))
        if weights and total != 1:
            errors[field_name] = _(
                "Sub-region %(name)s: the weights of its own key must add up to exactly "
                "100%%; now they add up to %(sum)s%%."
            ) % {"name": subregion, "sum": _pct(total * 100)}
            return


def _validate_options(options: ScenarioOptions, errors: dict[str, str]) -> None:
    if not 0 < options.mutation_threshold_pct <= 100:
        errors["mutation_threshold_pct"] = _("Enter a percentage above 0 and at most 100.")
    if not 0 < options.urgent_fallback_pct <= 100:
        errors["urgent_fallback_pct"] = _("Enter a percentage above 0 and at most 100.")
    if not 100 <= options.sensitivity_draws <= 100000:
        errors["sensitivity_draws"] = _("Enter a number of draws from 100 to 100,000.")
    if not options.sensitivity_concentration > 0:
        errors["sensitivity_concentration"] = _("The concentration must be above 0.")
    if options.sensitivity_seed < 0:
        errors["sensitivity_seed"] = _("The seed cannot be below 0.")


def _check_round_editable(round_: Round) -> None:
    if round_.status not in EDITABLE_ROUND_STATUSES:
        raise ValidationError(
            _(
                "This round is in review or agreed: its scenarios can no longer change. "
                "Start a new version of the round for changes."
            )
        )


def _validate_scenario(
    *,
    round_: Round,
    name: str,
    settings: Sequence[GroupSettingInput],
    options: ScenarioOptions,
    groups: dict[str, TargetGroup],
    exclude_pk: int | None = None,
) -> None:
    _check_round_editable(round_)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the scenario a name.")
    elif Scenario.objects.filter(round=round_, name=name).exclude(pk=exclude_pk or 0).exists():
        errors["name"] = _("This round already has a scenario with this name.")
    _validate_options(options, errors)
    indicator_codes = set(Indicator.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for setting in settings:
        if setting.group_code not in groups:
            errors["groups"] = _("Unknown target group: %(code)s.") % {"code": setting.group_code}
            continue
        if setting.group_code in seen:
            errors["groups"] = _("Target group %(code)s is given twice.") % {
                "code": setting.group_code
            }
        seen.add(setting.group_code)
        _validate_group(setting, indicator_codes, errors)
    if not any(s.included for s in settings if s.group_code in groups):
        errors["groups"] = _("Choose at least one target group to compute.")
    if errors:
        raise ValidationError(errors)


def group_setting_input(setting: ScenarioGroupSetting) -> GroupSettingInput:
    """A stored setting in the form the services take (to keep it as it is, or to copy it
    into a new version of the round)."""
    mode = setting.mode
    method = setting.method
    if method == RoundingMethod.STATUTORY:  # stored before the allocation mode existed
        mode, method = AllocationMode.STATUTORY, RoundingMethod.HAMILTON
    weights = {w.indicator.code: w.weight for w in setting.weights.all()}
    return GroupSettingInput(
        group_code=setting.group.code,
        included=setting.included,
        mode=mode,
        task_source=setting.task_source,
        entered_total=setting.entered_total,
        entered_total_basis=setting.entered_total_basis,
        weights=weights if mode == AllocationMode.SPREAD else {},
        credit_factor=setting.credit_factor,
        max_credit_fraction=setting.max_credit_fraction,
        effort_indicator=setting.effort_indicator.code if setting.effort_indicator else None,
        upper_bound_mutations_pct=setting.upper_bound_mutations_pct,
        method=method,
        two_tier=setting.two_tier,
        carry_over=setting.carry_over,
        strict_ties=setting.strict_ties,
        subregion_weights=_stored_subregion_weights(setting),
    )


def _stored_subregion_weights(setting: ScenarioGroupSetting) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for row in setting.subregion_weights.all():
        out.setdefault(row.subregion.name, {})[row.indicator.code] = row.weight
    return out


_as_input = group_setting_input  # the name the agreements app uses


def _complete(
    settings: Sequence[GroupSettingInput],
    groups: dict[str, TargetGroup],
    scenario: Scenario | None = None,
) -> list[GroupSettingInput]:
    """The given settings; a group not given keeps its stored setting, or gets the defaults."""
    given = {s.group_code: s for s in settings}
    stored: dict[str, GroupSettingInput] = {}
    if scenario is not None:
        stored = {
            s.group.code: group_setting_input(s)
            for s in ScenarioGroupSetting.objects.filter(scenario=scenario)
            .select_related("group", "effort_indicator")
            .prefetch_related(
                "weights__indicator", "subregion_weights__subregion", "subregion_weights__indicator"
            )
        }
    unknown = [s for s in settings if s.group_code not in groups]
    return unknown + [
        given.get(code) or stored.get(code) or group_default_setting(group)
        for code, group in groups.items()
    ]


def _save_settings(
    *,
    scenario: Scenario,
    settings: Sequence[GroupSettingInput],
    groups: dict[str, TargetGroup],
    user: Any,
) -> None:
    indicators = {i.code: i for i in Indicator.objects.all()}
    existing = {
        s.group_id: s
        for s in ScenarioGroupSetting.objects.filter(scenario=scenario).prefetch_related("weights")
    }
    code_of = {i.pk: code for code, i in indicators.items()}
    for data in settings:
        group = groups[data.group_code]
        setting = existing.get(group.pk)
        current = {w.indicator_id: w for w in setting.weights.all()} if setting else {}
        if setting is None:
            setting = ScenarioGroupSetting(scenario=scenario, group=group)
        spread = data.mode == AllocationMode.SPREAD
        setting.included = data.included
        setting.mode = data.mode
        setting.task_source = data.task_source if spread else TaskSource.DEMAND
        setting.entered_total = data.entered_total if spread else None
        setting.entered_total_basis = data.entered_total_basis
        setting.effort_indicator = (
            indicators[data.effort_indicator] if spread and data.effort_indicator else None
        )
        setting.credit_factor = data.credit_factor
        setting.max_credit_fraction = data.max_credit_fraction
        setting.upper_bound_mutations_pct = data.upper_bound_mutations_pct
        setting.method = data.method
        setting.two_tier = data.two_tier
        setting.carry_over = data.carry_over
        setting.strict_ties = data.strict_ties
        setting.full_clean()
        setting._history_user = user  # type: ignore[attr-defined]
        setting.save()
        wanted = {code: w for code, w in data.weights.items() if w > 0} if spread else {}
        for indicator_id, weight_row in current.items():
            if code_of[indicator_id] not in wanted:
                weight_row._history_user = user  # type: ignore[attr-defined]
                weight_row.delete()
        for code, value in wanted.items():
            indicator = indicators[code]
            existing_weight = current.get(indicator.pk)
            if existing_weight is not None and existing_weight.weight == value:
                continue
            weight_row = existing_weight or ScenarioWeight(setting=setting, indicator=indicator)
            weight_row.weight = value
            weight_row.full_clean()
            weight_row._history_user = user  # type: ignore[attr-defined]
            weight_row.save()
        if data.subregion_weights is not None:
            _save_subregion_weights(
                setting=setting, inner_keys=data.subregion_weights, indicators=indicators, user=user
            )


def _save_subregion_weights(
    *,
    setting: ScenarioGroupSetting,
    inner_keys: Mapping[str, Mapping[str, Decimal]],
    indicators: Mapping[str, Indicator],
    user: Any,
) -> None:
    """Store a group's inner keys exactly as given (rows not given are removed)."""
    subregions = {s.name: s for s in SubRegion.objects.filter(name__in=list(inner_keys))}
    current = {
        (row.subregion_id, row.indicator_id): row
        for row in ScenarioSubregionWeight.objects.filter(setting=setting)
    }
    wanted: dict[tuple[int, int], Decimal] = {}
    for name, weights in inner_keys.items():
        for code, value in weights.items():
            if value > 0:
                wanted[(subregions[name].pk, indicators[code].pk)] = value
    for pair, row in current.items():
        if pair not in wanted:
            row._history_user = user  # type: ignore[attr-defined]
            row.delete()
    for (subregion_id, indicator_id), value in wanted.items():
        row = current.get((subregion_id, indicator_id)) or ScenarioSubregionWeight(
            setting=setting, subregion_id=subregion_id, indicator_id=indicator_id
        )
        if row.pk is not None and row.weight == value:
            continue
        row.weight = value
        row.full_clean()
        row._history_user = user  # type: ignore[attr-defined]
        row.save()


def scenario_subregion_key_set(
    *,
    scenario: Scenario,
    group_code: str,
    subregion: str,
    weights: Mapping[str, Decimal],
    user: Any,
) -> None:
    """Set (or, with no weights above 0, remove) a sub-region's own inner key for one group.

    Two-tier maatwerk: the region's key sets the sub-region's total; this key spreads it over
    the sub-region's municipalities. Raises ValidationError with Dutch messages.
    """
    with transaction.atomic():
        locked = Scenario.objects.select_for_update().select_related("round").get(pk=scenario.pk)
        _check_round_editable(locked.round)
        setting = (
            ScenarioGroupSetting.objects.filter(scenario=locked, group__code=group_code)
            .select_related("group")
            .prefetch_related("subregion_weights__subregion", "subregion_weights__indicator")
            .first()
        )
        if setting is None:
            raise ValidationError(
                {"groups": _("Unknown target group: %(code)s.") % {"code": group_code}}
            )
        inner_keys = _stored_subregion_weights(setting)
        given = {code: w for code, w in weights.items() if w != 0}
        if given:
            inner_keys[subregion] = dict(weights)
        else:
            inner_keys.pop(subregion, None)
        errors: dict[str, str] = {}
        indicators = {i.code: i for i in Indicator.objects.all()}
        if given:
            _validate_subregion_weights(group_code, {subregion: weights}, set(indicators), errors)
        if errors:
            raise ValidationError(errors)
        _save_subregion_weights(
            setting=setting, inner_keys=inner_keys, indicators=indicators, user=user
        )
    _review_recheck(locked.round)


def _apply_options(scenario: Scenario, options: ScenarioOptions) -> None:
    """The scenario's read-out options. The fall-back percentage is the round's setting
    (`round_settings_update`); the scenario keeps a copy for the read-outs of its runs, and
    ``options.urgent_fallback_pct`` is not used."""
    scenario.mutation_threshold_pct = options.mutation_threshold_pct
    scenario.urgent_fallback_pct = scenario.round.fallback_pct
    scenario.sensitivity_draws = options.sensitivity_draws
    scenario.sensitivity_concentration = options.sensitivity_concentration
    scenario.sensitivity_seed = options.sensitivity_seed


def _active_groups() -> dict[str, TargetGroup]:
    return {g.code: g for g in TargetGroup.objects.filter(active=True).order_by("position")}


def scenario_create(
    *,
    round_: Round,
    name: str,
    description: str = "",
    settings: Sequence[GroupSettingInput] = (),
    options: ScenarioOptions | None = None,
    user: Any,
) -> Scenario:
    """Create a scenario with settings for every active target group.

    Groups not in `settings` get their own defaults (`group_default_setting`: the group's
    allocation mode and key, DOMAIN.md 3). Raises
    ValidationError with Dutch messages keyed by field (``"<group>.<field>"`` per group).
    """
    options = options or ScenarioOptions()
    groups = _active_groups()
    name = name.strip()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        complete = _complete(settings, groups)
        _validate_scenario(
            round_=round_, name=name, settings=complete, options=options, groups=groups
        )
        scenario = Scenario(round=round_, name=name, description=description, created_by=user)
        _apply_options(scenario, options)
        scenario.full_clean()
        scenario._history_user = user  # type: ignore[attr-defined]
        scenario.save()
        _save_settings(scenario=scenario, settings=complete, groups=groups, user=user)
    return scenario


def scenario_update(
    *,
    scenario: Scenario,
    name: str,
    description: str,
    settings: Sequence[GroupSettingInput],
    options: ScenarioOptions,
    user: Any,
) -> Scenario:
    """Change a scenario's settings; groups not in `settings` keep theirs.

    Earlier runs keep their own copy of the settings and do not change.
    """
    groups = _active_groups()
    name = name.strip()
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().select_related("round").get(pk=scenario.pk)
        complete = _complete(settings, groups, scenario)
        _validate_scenario(
            round_=scenario.round,
            name=name,
            settings=complete,
            options=options,
            groups=groups,
            exclude_pk=scenario.pk,
        )
        scenario.name = name
        scenario.description = description
        _apply_options(scenario, options)
        scenario.full_clean()
        scenario._history_user = user  # type: ignore[attr-defined]
        scenario.save()
        _save_settings(scenario=scenario, settings=complete, groups=groups, user=user)
    _review_recheck(scenario.round)
    return scenario


def scenario_settings_check(*, settings: Sequence[GroupSettingInput]) -> dict[str, str]:
    """The errors that saving these group settings would give (Dutch, keyed
    ``"<group>.<field>"``), without writing anything; empty when they are valid. The what-if
    preview (allocation.preview) checks its input with this before it computes."""
    errors: dict[str, str] = {}
    indicator_codes = set(Indicator.objects.values_list("code", flat=True))
    for setting in settings:
        _validate_group(setting, indicator_codes, errors)
    return errors


@dataclass(frozen=True)
class WhatIfSaved:
    scenario: Scenario
    run: ScenarioRun | None
    refused: list[str]
    """Why the computation did not start (Dutch); the scenario is saved all the same."""


def scenario_whatif_save(
    *,
    round_: Round,
    name: str,
    description: str,
    settings: Sequence[GroupSettingInput],
    options: ScenarioOptions,
    user: Any,
) -> WhatIfSaved:
    """Save a what-if as a new scenario of the round, then queue its computation.

    A refused scenario raises ValidationError (Dutch) and stores nothing. The computation is
    queued afterwards, in its own transaction (`run_enqueue` learns only after its commit
    whether the job queue took it); when that is refused the scenario stays, with the reason.
    """
    scenario = scenario_create(
        round_=round_,
        name=name,
        description=description,
        settings=settings,
        options=options,
        user=user,
    )
    try:
        run = run_enqueue(scenario=scenario, user=user)
    except ValidationError as exc:
        return WhatIfSaved(scenario=scenario, run=None, refused=list(exc.messages))
    return WhatIfSaved(scenario=scenario, run=run, refused=[])


def _review_recheck(round_: Round) -> None:
    """Settings changed: the agreements app voids approvals whose inputs differ now."""
    scenario_changed.send(sender=Round, round_=round_)


# --- runs -------------------------------------------------------------------------------


def run_enqueue(*, scenario: Scenario, user: Any) -> ScenarioRun:
    """Queue a computation; the task is sent once the transaction has committed.

    A queued or running computation of the scenario refuses a new one, unless it is stuck
    (``reaper.is_stuck``): then it ends failed and the new one starts. When the task cannot
    be sent (broker, result store, network or Celery: any error), the new run is removed
    again and a ValidationError with a plain Dutch message is raised, so nothing stays
    queued and a later attempt works. Called inside an outer transaction (tests), the task
    is sent when that one commits, and a failure there is only logged.
    """
    now = timezone.now()
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().select_related("round").get(pk=scenario.pk)
        _check_round_editable(scenario.round)
        active = ScenarioRun.objects.filter(
            scenario=scenario, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        ).only("pk", "status", "queued_at", "started_at")
        for other in active:
            if not reaper.is_stuck(other, now):
                raise ValidationError(
                    _("A computation of this scenario is already queued or running.")
                )
        if not ScenarioGroupSetting.objects.filter(scenario=scenario, included=True).exists():
            raise ValidationError(_("Choose at least one target group to compute."))
        if active:
            message = reaper.stuck_message()
            for other in active:
                reaper.run_end_stuck(run_id=other.pk, message=message, now=now)
        run = ScenarioRun(scenario=scenario, created_by=user, celery_task_id=str(uuid.uuid4()))
        run.full_clean()
        run.save()
        run_id, task_id = run.pk, run.celery_task_id
        refused: list[str] = []
        transaction.on_commit(lambda: refused.extend(_send_run(run_id=run_id, task_id=task_id)))
    if refused:
        raise ValidationError(refused)
    return run


def run_retry(*, run: ScenarioRun, user: Any) -> ScenarioRun:
    """Try a failed or stuck computation again: a new run of the same scenario.

    Refused (ValidationError) for a run that succeeded or is still under way; otherwise as
    ``run_enqueue`` (which ends the stuck run first)."""
    run = ScenarioRun.objects.select_related("scenario").get(pk=run.pk)
    if run.status != RunStatus.FAILED and not reaper.is_stuck(run):
        raise ValidationError(_("Only a computation that failed or got stuck can be tried again."))
    return run_enqueue(scenario=run.scenario, user=user)


def _send_run(*, run_id: int, task_id: str) -> list[str]:
    """Send the run's task; on any failure remove the still-queued run and return why."""
    try:
        jobs.publish("allocation.compute_run", args=(run_id,), task_id=task_id)
    except jobs.JobNotSent:
        removed, _detail = ScenarioRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).delete()
        if not removed:
            return []  # a worker got the message after all and claimed the run
        logger.warning("computation %s could not be sent to the queue; removed again", run_id)
        return [
            _(
                "The computation could not be started: the job queue does not answer. "
                "Try again later."
            )
        ]
    return []


def _run_fail(*, run_id: int, message: str, from_status: str, started: Any) -> None:
    finished = timezone.now()
    qs = ScenarioRun.objects.filter(pk=run_id, status=from_status)
    if started is not None:
        qs = qs.filter(started_at=started)
    qs.update(
        status=RunStatus.FAILED,
        error_message=message,
        finished_at=finished,
        duration=(finished - started) if started is not None else None,
        inputs=None,
        results=None,
        digest="",
    )


def _run_progress(*, run_id: int, started: Any, progress: int) -> None:
    ScenarioRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, started_at=started).update(
        progress=progress
    )


def run_execute(*, run_id: int) -> ScenarioRun | None:
    """Compute a queued run. Returns None when there was nothing to do.

    Claims the run with a conditional UPDATE (queued -> running); a second delivery, or a
    run that already finished, changes nothing. Progress is written per group; inputs,
    settings, results and digest are stored together at the end, with the provenance of the
    input figures beside them (`ScenarioRun.input_provenance`, not digested). An engine
    error or any other failure leaves the run failed with a plain Dutch message and no
    results. A lost database connection puts the run back in the queue and re-raises, so
    the task retries.
    A run still "running" after the stuck limit lost its worker (the hard time limit is
    shorter), so a new delivery claims it again; at the soft time limit the run ends failed.
    """
    started = timezone.now()
    claimable = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, started_at__lt=started - jobs.stuck_after()
    )
    claimed = ScenarioRun.objects.filter(claimable, pk=run_id).update(
        status=RunStatus.RUNNING, started_at=started, progress=0
    )
    if not claimed:
        return None
    run = ScenarioRun.objects.select_related("scenario__round").get(pk=run_id)
    group_name: str | None = None
    try:
        with translation.override("nl"):
            scenario = selectors.scenario_get(pk=run.scenario_id)
            prepared = selectors.run_inputs_build(scenario=scenario, with_provenance=True)
            options = compute.ReadOutOptions.from_settings(
                prepared.settings["scenario"], prepared.settings
            )
            indicator_names = {i.code: i.name_nl for i in Indicator.objects.all()}

            def group_started(group: compute.GroupJob) -> None:
                nonlocal group_name
                group_name = group.name

            try:
                all_results = compute.compute_groups(
                    prepared.groups,
                    options,
                    on_group_start=group_started,
                    on_group_done=lambda index, count: _run_progress(
                        run_id=run_id, started=started, progress=(95 * (index + 1)) // (count + 1)
                    ),
                )
            except compute.GroupComputeError as exc:
                raise _GroupFailed(
                    run_errors.engine_error_message(
                        exc.error,
                        group_name=exc.group_name,
                        scenario=exc.scenario,
                        indicator_names=indicator_names,
                    )
                ) from exc
            group_name = None
            inputs = prepared.inputs_dict()
            digest = run_digest(inputs=inputs, settings=prepared.settings, results=all_results)
        finished = timezone.now()
        with transaction.atomic():
            ScenarioRun.objects.filter(
                pk=run_id, status=RunStatus.RUNNING, started_at=started
            ).update(
                status=RunStatus.SUCCEEDED,
                progress=100,
                scenario_settings=prepared.settings,
                inputs=inputs,
                input_provenance=prepared.figure_provenance,
                results=all_results,
                digest=digest,
                error_message="",
                finished_at=finished,
                duration=finished - started,
            )
    except _GroupFailed as exc:
        _run_fail(run_id=run_id, message=str(exc), from_status=RunStatus.RUNNING, started=started)
    except selectors.RunInputError as exc:
        _run_fail(
            run_id=run_id, message=exc.message, from_status=RunStatus.RUNNING, started=started
        )
    except TRANSIENT_DB_ERRORS:
        logger.warning("database error in computation %s; back to the queue", run_id)
        try:
            ScenarioRun.objects.filter(
                pk=run_id, status=RunStatus.RUNNING, started_at=started
            ).update(status=RunStatus.QUEUED, started_at=None, progress=0)
        except TRANSIENT_DB_ERRORS:
            logger.warning("could not put computation %s back; it is claimed again later", run_id)
        raise
    except Exception as exc:
        with translation.override("nl"):
            if jobs.is_time_limit(exc):
                logger.warning("computation %s stopped at its time limit", run_id)
                message = run_errors.time_limit_message(group_name=group_name)
            else:
                logger.exception("computation %s failed", run_id)
                message = run_errors.unexpected_error_message(group_name=group_name)
        _run_fail(run_id=run_id, message=message, from_status=RunStatus.RUNNING, started=started)
    return ScenarioRun.objects.get(pk=run_id)


class _GroupFailed(Exception):
    """An engine error, already turned into a Dutch message naming group and field."""


# --- demo -------------------------------------------------------------------------------

DEMO_ROUND_NAME = "Afspraken 2026–2027"
# Illustrative national half-year totals for the demo round, marked as estimates (the real
# figures are published by the ministry per half-year). The national population is that of
# 1 January 2024, the same date as the municipalities' population in the reference data.
DEMO_NATIONAL_TOTALS = {"2026-H1": 13000, "2026-H2": 13000, "2027-H1": 12000, "2027-H2": 12000}


def _demo_half_years(round_: Round, user: Any) -> None:
    rows = round_half_years_ensure(round_=round_, user=user)
    if all(h.national_total is not None for h in rows):
        return
    round_settings_update(
        round_=round_,
        fallback_pct=round_.fallback_pct,
        statutory_urgent_groups=list(round_.statutory_urgent_groups.values_list("code", flat=True)),
        half_years=[
            HalfYearInput(
                label=h.label,
                national_total=(
                    h.national_total
                    if h.national_total is not None
                    else DEMO_NATIONAL_TOTALS.get(h.label, 12000)
                ),
                national_population=h.national_population,
                estimate=h.estimate if h.national_total is not None else True,
            )
            for h in rows
        ],
        user=user,
    )


def demo_round_ensure(*, user: Any = None) -> Round:
    """The demo round with three scenarios, not computed. Idempotent: never changes them.

    *Standaard* starts from every group's own mode and key (maatwerk, DOMAIN.md 3);
    *Inwoners* and *Gemengd* spread every group with one key, and so show the maatwerk
    warnings for the groups that spreading does not suit.
    """
    with transaction.atomic():
        round_ = Round.objects.filter(name=DEMO_ROUND_NAME).first()
        if round_ is None:
            round_ = round_create(
                name=DEMO_ROUND_NAME,
                period_start=date(2026, 1, 1),
                period_end=date(2027, 12, 31),
                reference_year=2024,
                user=user,
            )
        if round_.status in EDITABLE_ROUND_STATUSES:
            _demo_half_years(round_, user)
        groups = list(_active_groups())
        demo = {
            "Standaard": (
                "Iedere groep op haar eigen manier: statushouders volgens de wettelijke "
                "taakstelling, studenten en woonwagenbewoners waar de vraag ontstaat, "
                "arbeidsmigranten naar banen, de andere groepen met hun eigen sleutel.",
                [],
            ),
            "Inwoners": (
                "Iedere gemeente neemt een deel naar haar aantal inwoners.",
                [GroupSettingInput(group_code=code) for code in groups],
            ),
            "Gemengd": (
                "Half naar inwoners, half naar de sociale huurvoorraad; wat een gemeente al "
                "doet, telt voor de helft mee (verrekenfactor 0,5).",
                [
                    GroupSettingInput(
                        group_code=code,
                        weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
                        credit_factor=Decimal("0.5"),
                    )
                    for code in groups
                ],
            ),
        }
        for name, (description, settings) in demo.items():
            if round_.status not in EDITABLE_ROUND_STATUSES:
                break
            if not Scenario.objects.filter(round=round_, name=name).exists():
                scenario_create(
                    round_=round_,
                    name=name,
                    description=description,
                    settings=settings,
                    user=user,
                )
    return round_
