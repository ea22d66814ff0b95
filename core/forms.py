"""Form fields shared by the apps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format

from .numbers import NumberFormatError, parse_dutch_number


class DutchDecimalField(forms.DecimalField):
    """A DecimalField that reads Dutch notation (see core.numbers) and shows it back."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_dutch_number(str(value))
        except NumberFormatError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return number_format(value.normalize(), use_l10n=True, force_grouping=True)
        return value
