"""Forms for municipal figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DutchDecimalField

from .models import Indicator, MunicipalFigure
from .services import FigureEntry


class YearFiguresForm(forms.Form):
    """One row per indicator: value, source and reference date, plus the version seen."""

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator],
        existing: dict[str, MunicipalFigure],
        year: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.existing = existing
        self.year = year
        self.rows = []
        for indicator in indicators:
            figure = existing.get(indicator.code)
            prefix = indicator.code
            self.fields[f"{prefix}-value"] = DutchDecimalField(
                label=indicator.name,
                required=False,
                min_value=Decimal(0),
                max_digits=14,
                decimal_places=2,
                initial=figure.value if figure else None,
                error_messages={
                    "invalid": _("Enter a number, for example 12500."),
                    "min_value": _("The number cannot be below zero."),
                },
            )
            self.fields[f"{prefix}-source"] = forms.CharField(
                label=_("Source of %(indicator)s") % {"indicator": indicator.name},
                required=False,
                max_length=300,
                initial=figure.source if figure else "",
            )
            self.fields[f"{prefix}-reference_date"] = forms.DateField(
                label=_("Reference date of %(indicator)s") % {"indicator": indicator.name},
                required=False,
                initial=figure.reference_date if figure else None,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": _("Enter a date, for example 2024-01-01.")},
            )
            self.fields[f"{prefix}-version"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=figure.version if figure else None
            )
            self.rows.append(
                {
                    "indicator": indicator,
                    "figure": figure,
                    "value": self[f"{prefix}-value"],
                    "source": self[f"{prefix}-source"],
                    "reference_date": self[f"{prefix}-reference_date"],
                    "version": self[f"{prefix}-version"],
                }
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for indicator in self.indicators:
            code = indicator.code
            value = cleaned.get(f"{code}-value")
            if value is None:
                if indicator.required and self.existing.get(code) is not None:
                    self.add_error(
                        f"{code}-value", _("This figure is required; it cannot be emptied.")
                    )
                continue
            if not cleaned.get(f"{code}-source"):
                self.add_error(f"{code}-source", _("Say where this figure comes from."))
            if not cleaned.get(f"{code}-reference_date"):
                self.add_error(
                    f"{code}-reference_date", _("Enter the reference date of this figure.")
                )
        social = cleaned.get("social_rental-value")
        dwellings = cleaned.get("dwellings-value")
        if social is not None and dwellings is not None and social > dwellings:
            self.add_error(
                "social_rental-value",
                _("The social rental stock cannot be larger than the dwelling stock."),
            )
        return cleaned

    def entries(self) -> list[FigureEntry]:
        result = []
        for indicator in self.indicators:
            code = indicator.code
            value = self.cleaned_data.get(f"{code}-value")
            if value is None:
                continue
            result.append(
                FigureEntry(
                    indicator_code=code,
                    value=value,
                    source=self.cleaned_data[f"{code}-source"],
                    reference_date=self.cleaned_data[f"{code}-reference_date"],
                    expected_version=self.cleaned_data.get(f"{code}-version"),
                )
            )
        return result
