"""Forms for rounds and scenarios. They read and show values; the services decide.

Weights are shown as percentages (50 = 50%) and handed to the services as exact fractions
(0.5). Whether the weights add up to 100% is checked by the service (and live, in the
browser, by static/allocation/scenario.js).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DutchDecimalField
from municipalities.models import Indicator
from target_groups.models import AllocationMode, TargetGroup

from .models import (
    SPREAD_METHODS,
    Round,
    RoundHalfYear,
    Scenario,
    ScenarioGroupSetting,
    TaskSource,
    TotalBasis,
)
from .services import (
    GroupSettingInput,
    HalfYearInput,
    ScenarioOptions,
    group_default_setting,
    group_setting_input,
)

HUNDRED = Decimal(100)


def _whole(**kwargs: Any) -> DutchDecimalField:
    kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
    return DutchDecimalField(
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=0,
        error_messages={
            "invalid": _("Enter a whole number, for example 120."),
            "min_value": _("The number cannot be below zero."),
            "max_decimal_places": _("Enter a whole number, without decimals."),
            "max_digits": _("This number is too large."),
        },
        **kwargs,
    )


def _decimal(
    *, max_value: Decimal, decimal_places: int, required: bool = False, **kwargs: Any
) -> DutchDecimalField:
    kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))
    return DutchDecimalField(
        required=required,
        min_value=Decimal(0),
        max_value=max_value,
        max_digits=decimal_places + 4,
        decimal_places=decimal_places,
        error_messages={
            "invalid": _("Enter a number, for example 12,5."),
            "min_value": _("The number cannot be below zero."),
            "max_value": _("The number can be at most %(limit_value)s."),
            "max_decimal_places": _("Use at most %(max)s decimals."),
            "required": _("Fill in this field."),
        },
        **kwargs,
    )


class RoundForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("For example: Afspraken 2026–2027."),
        error_messages={"required": _("Give the round a name.")},
    )
    period_start = forms.DateField(
        label=_("Start of period"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the start of the period."),
            "invalid": _("Enter a date, for example 2026-01-01."),
        },
    )
    period_end = forms.DateField(
        label=_("End of period"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the end of the period."),
            "invalid": _("Enter a date, for example 2027-12-31."),
        },
    )
    reference_year = forms.IntegerField(
        label=_("Reference year"),
        min_value=2000,
        max_value=2100,
        help_text=_("The year whose confirmed figures the computation uses."),
        error_messages={
            "required": _("Enter the reference year."),
            "invalid": _("Enter a year, for example 2024."),
            "min_value": _("Enter a year between 2000 and 2100."),
            "max_value": _("Enter a year between 2000 and 2100."),
        },
    )
    deadline = forms.DateField(
        label=_("Deadline for figures"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-03-01.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def apply_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class ScenarioForm(forms.Form):
    """The scenario as a whole: name, description and the options of the read-outs."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("For example: Inhabitants, or Mixed."),
        error_messages={"required": _("Give the scenario a name.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What this scenario tries out, in one or two sentences."),
    )
    mutation_threshold_pct = _decimal(
        max_value=HUNDRED,
        decimal_places=2,
        required=True,
        label=_("Warning threshold (percentage of yearly mutations)"),
        help_text=_(
            "Warn when the tasks of the groups housed from mutations together need more than "
            "this share of a municipality's yearly vacated social rental dwellings."
        ),
    )
    sensitivity_draws = forms.IntegerField(
        label=_("Sensitivity: number of draws"),
        min_value=100,
        max_value=100000,
        error_messages={
            "invalid": _("Enter a whole number, for example 10000."),
            "min_value": _("Enter a number of draws from 100 to 100,000."),
            "max_value": _("Enter a number of draws from 100 to 100,000."),
            "required": _("Fill in this field."),
        },
    )
    sensitivity_concentration = _decimal(
        max_value=Decimal(100000),
        decimal_places=2,
        required=True,
        label=_("Sensitivity: concentration κ"),
        help_text=_("Higher means the drawn weights stay closer to the chosen ones."),
    )
    sensitivity_seed = forms.IntegerField(
        label=_("Sensitivity: seed"),
        min_value=0,
        help_text=_("The same seed gives the same draws, so a computation can be repeated."),
        error_messages={
            "invalid": _("Enter a whole number, for example 0."),
            "min_value": _("The number cannot be below zero."),
            "required": _("Fill in this field."),
        },
    )

    def __init__(self, *args: Any, scenario: Scenario | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        defaults = ScenarioOptions()
        initial = {
            "mutation_threshold_pct": defaults.mutation_threshold_pct,
            "sensitivity_draws": defaults.sensitivity_draws,
            "sensitivity_concentration": defaults.sensitivity_concentration,
            "sensitivity_seed": defaults.sensitivity_seed,
        }
        if scenario is not None:
            initial = {
                "name": scenario.name,
                "description": scenario.description,
                "mutation_threshold_pct": scenario.mutation_threshold_pct,
                "sensitivity_draws": scenario.sensitivity_draws,
                "sensitivity_concentration": scenario.sensitivity_concentration,
                "sensitivity_seed": scenario.sensitivity_seed,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def options(self) -> ScenarioOptions:
        data = self.cleaned_data
        return ScenarioOptions(
            mutation_threshold_pct=data["mutation_threshold_pct"],
            sensitivity_draws=data["sensitivity_draws"],
            sensitivity_concentration=data["sensitivity_concentration"],
            sensitivity_seed=data["sensitivity_seed"],
        )

    def apply_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


# Service field names that the group form shows under another name.
_SERVICE_TO_FORM = {
    "max_credit_fraction": "max_credit_pct",
    "upper_bound_mutations_pct": "upper_bound_pct",
}


class GroupSettingForm(forms.Form):
    """One target group's settings; prefixed with the group code.

    A new scenario starts from the group's defaults (mode and key, DOMAIN.md 3). Weights,
    credit, bounds and the rounding method count only when the group is spread.
    """

    included = forms.BooleanField(label=_("Compute this group"), required=False)
    mode = forms.ChoiceField(
        label=_("How this group is shared"),
        choices=AllocationMode.choices,
        widget=forms.RadioSelect,
    )
    task_source = forms.ChoiceField(label=_("Regional task"), choices=TaskSource.choices)
    entered_total = _whole(
        label=_("Entered total"),
        help_text=_("Only with an entered total: the task in the group's unit."),
    )
    entered_total_basis = forms.ChoiceField(
        label=_("The entered total is"),
        choices=TotalBasis.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Per year: the task for the period is this number times the years of the round."
        ),
    )
    credit_factor = _decimal(
        max_value=Decimal(1),
        decimal_places=4,
        required=True,
        label=_("Credit factor c (0 to 1)"),
        help_text=_(
            "How much of what a municipality already does counts: 0 = nothing, 1 = all of it."
        ),
    )
    effort_indicator = forms.ChoiceField(
        label=_("Existing effort"),
        required=False,
        help_text=_("What counts as what a municipality already does, for the credit."),
    )
    max_credit_pct = _decimal(
        max_value=HUNDRED,
        decimal_places=2,
        label=_("Credit cuts the share by at most (percent)"),
        help_text=_("Leave empty for no limit."),
    )
    upper_bound_pct = _decimal(
        max_value=HUNDRED,
        decimal_places=2,
        label=_("Upper bound (percentage of yearly mutations)"),
        help_text=_(
            "A municipality gets at most this share of its yearly vacated social rental "
            "dwellings (times the household size), times the years of the round. Leave empty "
            "for no upper bound."
        ),
    )
    method = forms.ChoiceField(
        label=_("Rounding method"),
        choices=[(m.value, m.label) for m in SPREAD_METHODS],
    )
    two_tier = forms.BooleanField(label=_("Two tiers: sub-regions first"), required=False)
    carry_over = forms.BooleanField(
        label=_("Carry over the backlog of the previous agreed round"), required=False
    )
    strict_ties = forms.BooleanField(
        label=_("Refuse exact ties (the steering group decides)"), required=False
    )

    def __init__(
        self,
        *args: Any,
        group: TargetGroup,
        indicators: Sequence[Indicator],
        setting: ScenarioGroupSetting | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs["prefix"] = group.code
        self.group = group
        self.indicators = list(indicators)
        start = group_setting_input(setting) if setting else group_default_setting(group)
        initial: dict[str, Any] = {
            "included": start.included,
            "mode": start.mode,
            "task_source": start.task_source,
            "entered_total": start.entered_total,
            "entered_total_basis": start.entered_total_basis,
            "credit_factor": start.credit_factor,
            "effort_indicator": start.effort_indicator or "",
            "max_credit_pct": None
            if start.max_credit_fraction is None
            else start.max_credit_fraction * HUNDRED,
            "upper_bound_pct": start.upper_bound_mutations_pct,
            "method": start.method,
            "two_tier": start.two_tier,
            "carry_over": start.carry_over,
            "strict_ties": start.strict_ties,
        }
        weights = start.weights
        if setting is not None and not weights:
            weights = group.default_weight_fractions() or {"population": Decimal(1)}
        for code, weight in weights.items():
            initial[f"weight_{code}"] = weight * HUNDRED
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["mode"].help_text = _("Default for this group: %(mode)s.") % {
            "mode": AllocationMode(group.allocation_mode).label
        }
        effort = cast(forms.ChoiceField, self.fields["effort_indicator"])
        effort.choices = [("", _("the group's own figure (existing effort)"))] + [
            (i.code, i.name) for i in self.indicators
        ]
        for indicator in self.indicators:
            self.fields[f"weight_{indicator.code}"] = _decimal(
                max_value=HUNDRED,
                decimal_places=4,
                label=indicator.name,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "data-weight": "", "size": 8}
                ),
            )

    @property
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{i.code}"] for i in self.indicators]

    @property
    def weight_errors(self) -> list[str]:
        return [str(e) for e in self.non_field_errors()]

    @property
    def key_summary(self) -> str:
        """How the group is shared, in one line (the summary of its collapsed section)."""
        if not self["included"].value():
            return str(_("not computed"))
        mode = self["mode"].value()
        if mode not in AllocationMode.values:
            return ""
        if mode != AllocationMode.SPREAD:
            return str(AllocationMode(mode).label)
        weights = []
        for bound in self.weight_fields:
            value = bound.value()
            if value in (None, "") or value == Decimal(0) or value == "0":
                continue
            weights.append(f"{bound.label} {bound.field.prepare_value(value)}%")
        credit = self["credit_factor"].field.prepare_value(self["credit_factor"].value())
        return str(
            _("%(mode)s: %(weights)s; credit factor %(credit)s")
            % {
                "mode": AllocationMode(mode).label,
                "weights": ", ".join(weights) or "–",
                "credit": credit if credit not in (None, "") else "–",
            }
        )

    @property
    def overrides_unsuitable(self) -> bool:
        """True when the form spreads a group that spreading does not suit (for a notice)."""
        mode = self["mode"].value()
        return not self.group.spreading_suitable and mode == AllocationMode.SPREAD

    def setting_input(self) -> GroupSettingInput:
        data = self.cleaned_data

        def whole(name: str) -> int | None:
            value = data.get(name)
            return None if value is None else int(value)

        max_credit = data.get("max_credit_pct")
        return GroupSettingInput(
            group_code=self.group.code,
            included=bool(data.get("included")),
            mode=data["mode"],
            task_source=data["task_source"],
            entered_total=whole("entered_total"),
            entered_total_basis=data["entered_total_basis"],
            weights={
                i.code: data[f"weight_{i.code}"] / HUNDRED
                for i in self.indicators
                if data.get(f"weight_{i.code}") is not None
            },
            credit_factor=data["credit_factor"],
            max_credit_fraction=None if max_credit is None else max_credit / HUNDRED,
            effort_indicator=data.get("effort_indicator") or None,
            upper_bound_mutations_pct=data.get("upper_bound_pct"),
            method=data["method"],
            two_tier=bool(data.get("two_tier")),
            carry_over=bool(data.get("carry_over")),
            strict_ties=bool(data.get("strict_ties")),
        )

    def apply_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        """Service errors for this group (keys without the group prefix)."""
        for key, messages in errors.items():
            name = _SERVICE_TO_FORM.get(key, key)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class WhatIfGroupForm(GroupSettingForm):
    """The what-if's fields of one spread group: weights, credit and the upper bound.

    Everything else stays as the scenario has it (`whatif_input` copies it from `base`).
    """

    WHATIF_FIELDS = ("credit_factor", "max_credit_pct", "upper_bound_pct")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {*self.WHATIF_FIELDS, *(f"weight_{i.code}" for i in self.indicators)}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name in keep:
            widget = self.fields[name].widget
            widget.attrs["data-whatif"] = ""

    def whatif_input(self, base: GroupSettingInput) -> GroupSettingInput:
        data = self.cleaned_data
        max_credit = data.get("max_credit_pct")
        return dataclasses.replace(
            base,
            weights={
                i.code: data[f"weight_{i.code}"] / HUNDRED
                for i in self.indicators
                if data.get(f"weight_{i.code}") is not None
            },
            credit_factor=data["credit_factor"],
            max_credit_fraction=None if max_credit is None else max_credit / HUNDRED,
            upper_bound_mutations_pct=data.get("upper_bound_pct"),
        )


class WhatIfSaveForm(forms.Form):
    """The name and description of the scenario a what-if is saved as."""

    name = forms.CharField(
        label=_("Name of the new scenario"),
        max_length=150,
        error_messages={"required": _("Give the scenario a name.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, scenario: Scenario, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "opslaan")
        kwargs.setdefault(
            "initial",
            {
                "name": _("%(name)s (what-if)") % {"name": scenario.name},
                "description": _("Made with the what-if from scenario “%(name)s”.")
                % {"name": scenario.name},
            },
        )
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["form"] = "whatif-form"

    def apply_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class RoundSettingsForm(forms.Form):
    """The round's fall-back rule and the national figures of its half-years.

    One row of fields per half-year, named ``<label>-national_total`` and so on.
    """

    fallback_pct = _decimal(
        max_value=HUNDRED,
        decimal_places=2,
        required=True,
        label=_("Fall-back rule: percentage of yearly mutations"),
        help_text=_(
            "Without regional agreements a municipality would have to give this share of its "
            "yearly vacated social rental dwellings to statutory urgents (15 in the MRA "
            "discussions)."
        ),
    )
    statutory_urgent_groups = forms.MultipleChoiceField(
        label=_("Groups that count as statutory urgents"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "What a municipality agrees for these groups is compared with the fall-back rule."
        ),
    )

    def __init__(
        self,
        *args: Any,
        round_: Round,
        groups: Sequence[TargetGroup],
        half_years: Sequence[RoundHalfYear],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        initial: dict[str, Any] = {
            "fallback_pct": round_.fallback_pct,
            "statutory_urgent_groups": [g.code for g in round_.statutory_urgent_groups.all()],
        }
        for h in half_years:
            initial[f"{h.label}-national_total"] = h.national_total
            initial[f"{h.label}-national_population"] = h.national_population
            initial[f"{h.label}-estimate"] = h.estimate
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.half_years = list(half_years)
        chosen = cast(forms.MultipleChoiceField, self.fields["statutory_urgent_groups"])
        chosen.choices = [(g.code, g.name) for g in groups]
        for h in self.half_years:
            self.fields[f"{h.label}-national_total"] = _whole(
                label=_("National total (vg) in %(label)s") % {"label": h.label}
            )
            self.fields[f"{h.label}-national_population"] = _whole(
                label=_("National population (P_NL) for %(label)s") % {"label": h.label}
            )
            self.fields[f"{h.label}-national_population"].required = True
            self.fields[f"{h.label}-national_population"].error_messages["required"] = _(
                "Fill in this field."
            )
            self.fields[f"{h.label}-estimate"] = forms.BooleanField(
                label=_("Estimate (not yet published)"), required=False
            )

    @property
    def half_year_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": h.label,
                "national_total": self[f"{h.label}-national_total"],
                "national_population": self[f"{h.label}-national_population"],
                "estimate": self[f"{h.label}-estimate"],
            }
            for h in self.half_years
        ]

    def half_year_inputs(self) -> list[HalfYearInput]:
        data = self.cleaned_data
        result = []
        for h in self.half_years:
            total = data.get(f"{h.label}-national_total")
            result.append(
                HalfYearInput(
                    label=h.label,
                    national_total=None if total is None else int(total),
                    national_population=int(data[f"{h.label}-national_population"]),
                    estimate=bool(data.get(f"{h.label}-estimate")),
                )
            )
        return result

    def apply_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        for key, messages in errors.items():
            name = key
            if key.startswith("halfyear."):
                _prefix, label, *rest = key.split(".")
                name = f"{label}-{rest[0]}" if rest else ""
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class SubregionKeyForm(forms.Form):
    """Two-tier maatwerk: one sub-region's own inner key for one group (percentages).

    Leave every weight empty (or 0) to remove the sub-region's own key; it then uses the
    region's key inside, as before. Whether the weights add up to 100% the service checks.
    """

    subregion = forms.ChoiceField(label=_("Sub-region"))

    def __init__(
        self,
        *args: Any,
        subregions: Sequence[str],
        indicators: Sequence[Indicator],
        current: Mapping[str, Mapping[str, Decimal]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        choice = cast(forms.ChoiceField, self.fields["subregion"])
        choice.choices = [(name, name) for name in subregions]
        for indicator in self.indicators:
            self.fields[f"weight_{indicator.code}"] = _decimal(
                max_value=HUNDRED, decimal_places=4, label=indicator.name
            )
        if current and not self.is_bound:
            name, weights = next(iter(sorted(current.items())))
            self.initial["subregion"] = name
            for code, weight in weights.items():
                self.initial[f"weight_{code}"] = weight * HUNDRED

    @property
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{i.code}"] for i in self.indicators]

    def weights(self) -> dict[str, Decimal]:
        """The weights as exact fractions (only those above 0)."""
        data = self.cleaned_data
        return {
            i.code: data[f"weight_{i.code}"] / HUNDRED
            for i in self.indicators
            if data.get(f"weight_{i.code}")
        }
