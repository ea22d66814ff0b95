"""Fast number cells for the dashboards' large tables.

The overview's matrix has a few hundred whole numbers; rendering each through a template
`{% if %}` and `floatformat` was most of the page's time (issue 14). `number_cells` writes
one row's cells at once, in the interface language's number format (Dutch: 1.137).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DASH = "–"


def grouped(value: int | None, separator: str) -> str:
    """A whole number with the thousands separator (1137 -> "1.137"), "–" for none."""
    if value is None:
        return DASH
    text = f"{abs(int(value)):,}".replace(",", separator)
    return f"−{text}" if value < 0 else text


@register.simple_tag
def number_cells(values: Iterable[int | None]) -> SafeString:
    """`<td class="num">` cells for whole numbers, grouped the way the language writes them.
    The cells hold only digits, the separator and signs, so nothing else needs escaping."""
    separator = escape(str(get_format("THOUSAND_SEPARATOR")))
    cells = "".join(f'<td class="num">{grouped(v, separator)}</td>' for v in values)
    return mark_safe(cells)  # noqa: S308 - digits, signs and the locale's separator only


@register.filter
def whole(value: int | None) -> str:
    """One whole number, grouped the way the interface language writes them."""
    return grouped(value, str(get_format("THOUSAND_SEPARATOR")))
