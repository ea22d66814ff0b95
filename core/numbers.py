"""Reading numbers the way Dutch officers write them: 12.500 or 12.500,5 or 12500."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_THOUSANDS_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


class NumberFormatError(ValueError):
    pass


def parse_dutch_number(text: str) -> Decimal:
    """Parse a number in Dutch notation (decimal comma, dots for thousands).

    "12.500" is twelve thousand five hundred; "12,5" is twelve and a half; "1.234,56" works
    too. A lone point with other than three digits after it ("12.5") is read as a decimal
    point, as a spreadsheet exported in English would write it. Spaces (also non-breaking)
    are ignored. Raises NumberFormatError for anything else.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise NumberFormatError("empty")
    if "," in cleaned:
        if cleaned.count(",") > 1:
            raise NumberFormatError(text)
        whole, _, fraction = cleaned.partition(",")
        if "." in whole and not _THOUSANDS_DOTS.match(whole):
            raise NumberFormatError(text)
        cleaned = whole.replace(".", "") + "." + fraction
    elif _THOUSANDS_DOTS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise NumberFormatError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above excludes this
        raise NumberFormatError(text) from exc


def format_number(value: object, decimals: int | None = None) -> str:
    """A number in the active language's notation, with thousands grouping: in Dutch
    1.137 and 0,6086, in English 1,137 and 0.6086.

    ``value`` may be an int, a Decimal, a Fraction or a decimal string ("0.6085839982").
    ``decimals`` rounds (half to even) to that many decimals and then drops trailing zeros
    ("92.20" -> "92,2"); ``None`` shows the number as it is. Anything that is not a number is
    returned as text.
    """
    from fractions import Fraction

    from django.utils.formats import number_format

    try:
        if isinstance(value, Fraction):
            number = Decimal(value.numerator) / Decimal(value.denominator)
        else:
            number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals))
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return str(number_format(number, use_l10n=True, force_grouping=True))
