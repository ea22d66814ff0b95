"""Small display helpers for the allocation pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction
from typing import Any

from django import template
from django.utils.formats import number_format

from allocation import selectors
from allocation.models import RoundingMethod

register = template.Library()


def _decimal(value: Any) -> Decimal:
    """A number (also an exact Fraction) or a decimal string as a Decimal."""
    if isinstance(value, Fraction):
        with localcontext() as ctx:
            ctx.prec = 40
            return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


@register.filter
def percent(value: Any) -> Decimal | str:
    """A fraction (0.5, "0.5000000000", Fraction(1, 2)) as a percentage (50); '' when not a
    number."""
    if value is None or value == "":
        return ""
    try:
        return _decimal(value) * 100
    except (InvalidOperation, TypeError, ValueError):
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
        return _decimal(value) < 0
    except (InvalidOperation, TypeError, ValueError):
        return False


@register.filter
def num(value: Any) -> str:
    """An exact decimal (string) without trailing zeros, the Dutch way: "0.5000" -> "0,5"."""
    if value is None or value == "":
        return ""
    try:
        number = _decimal(value).normalize()
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def method_label(value: Any) -> str:
    """The rounding method's name in the interface language; for the engine's methods
    ``local`` and ``statutory`` the allocation mode in plain words."""
    if value in ("local", "statutory"):
        return selectors.mode_label(value)
    labels = dict(RoundingMethod.choices)
    return str(labels.get(value, value))


@register.filter
def mode_label(value: Any) -> str:
    """The allocation mode in plain words: "verdeeld met sleutel", "eigen vraag (waar de
    vraag ontstaat)" or "wettelijke taakstelling"."""
    return selectors.mode_label(str(value))
