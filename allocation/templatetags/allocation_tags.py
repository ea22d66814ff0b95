"""Small display helpers for the allocation pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from allocation.models import RoundingMethod

register = template.Library()


@register.filter
def percent(value: Any) -> Decimal | str:
    """A fraction (0.5, "0.5000000000") as a percentage (50); '' when not a number."""
    if value is None or value == "":
        return ""
    try:
        return Decimal(str(value)) * 100
    except InvalidOperation:
        return ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key], or None."""
    if not mapping:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def is_negative(value: Any) -> bool:
    try:
        return Decimal(str(value)) < 0
    except (InvalidOperation, TypeError):
        return False


@register.filter
def num(value: Any) -> str:
    """An exact decimal (string) without trailing zeros, the Dutch way: "0.5000" -> "0,5"."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def method_label(value: Any) -> str:
    """The rounding method's name in the interface language."""
    labels = dict(RoundingMethod.choices)
    return str(labels.get(value, value))
