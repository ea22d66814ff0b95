"""Dutch numbers on the public pages, whatever the interface language."""

from __future__ import annotations

from typing import Any

from django import template

from public.selectors import nl_decimal
from reports.wording import nl_signed

register = template.Library()


@register.filter
def nl(value: Any) -> str:
    """931298 -> "931.298"; "0.5" -> "0,5"."""
    return nl_decimal(value)


@register.filter
def signed(value: int) -> str:
    """5 -> "+5", -5 -> "−5", 0 -> "0"."""
    return nl_signed(value)
