"""Exact number helpers: conversion to ``Fraction`` and decimal strings.

Imports only :mod:`allocation.engine.errors` from the engine.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction

from allocation.engine.errors import InvalidInput

Number = Fraction | int | float | str | Decimal

DECIMALS = 10
"""Digits after the decimal point in every decimal string the engine produces."""

MAX_MAGNITUDE_DIGITS = 15
"""Input numbers must be smaller than 10**15 in absolute value.

The model counts people, dwellings and shares; no real input comes near. The bound is
checked *before* a value becomes a ``Fraction``: ``Fraction(Decimal("1e999999999"))``
computes a billion-digit integer and hangs the process.
"""

MAX_DECIMAL_PLACES = 30
"""Input numbers may have at most 30 significant digits after the decimal point."""


_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE]([+-]?)\d+")
_RATIO = re.compile(r"[+-]?\d{1,60}/\d{1,60}")


def _too_large(field: str) -> InvalidInput:
    return InvalidInput(
        f"too large: must be smaller than 10^{MAX_MAGNITUDE_DIGITS} in absolute value",
        field=field,
    )


def _too_precise(field: str) -> InvalidInput:
    return InvalidInput(
        f"too many digits after the decimal point (at most {MAX_DECIMAL_PLACES})", field=field
    )


def _short(value: object) -> str:
    """``repr`` of an input value, cut short: a bad value may be megabytes long."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _decimal_to_fraction(dec: Decimal, *, field: str) -> Fraction:
    """A finite ``Decimal`` as a ``Fraction``, refusing huge exponents before converting."""
    if not dec.is_finite():
        raise InvalidInput("expected a finite number", field=field)
    if dec.is_zero():
        return Fraction(0)  # "0e-999999999" is zero; converting it would still hang
    if dec.adjusted() >= MAX_MAGNITUDE_DIGITS:
        raise _too_large(field)
    _sign, digits, exponent = dec.as_tuple()
    exponent = int(exponent)  # finite (checked above), so a whole number
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if exponent + trailing_zeros < -MAX_DECIMAL_PLACES:
        raise _too_precise(field)
    return Fraction(dec)


def _check_fraction(frac: Fraction, *, field: str) -> Fraction:
    if abs(frac) >= 10**MAX_MAGNITUDE_DIGITS:
        raise _too_large(field)
    if frac.denominator > 10**MAX_DECIMAL_PLACES:
        raise InvalidInput(f"denominator too large: at most 10^{MAX_DECIMAL_PLACES}", field=field)
    return frac


def to_fraction(value: object, *, field: str) -> Fraction:
    """Convert an int, decimal string, ``Decimal``, float or ``Fraction`` exactly.

    A float is read through its shortest ``repr`` so that ``0.1`` becomes 1/10, not the
    binary value. Booleans, NaN and infinities are refused, and so are input numbers of
    10**15 or more (:data:`MAX_MAGNITUDE_DIGITS`) or with more than 30 decimals
    (:data:`MAX_DECIMAL_PLACES`); a ``Fraction`` is taken as it is (it is the engine's own
    type, not input text).
    """
    if isinstance(value, bool):
        raise InvalidInput("expected a number, got a boolean", field=field)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        if abs(value) >= 10**MAX_MAGNITUDE_DIGITS:
            raise _too_large(field)
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("expected a finite number", field=field)
        return _decimal_to_fraction(Decimal(repr(value)), field=field)
    if isinstance(value, Decimal):
        return _decimal_to_fraction(value, field=field)
    if isinstance(value, str):
        text = value.strip()
        try:
            dec = Decimal(text)
        except InvalidOperation:
            dec = None
        if dec is not None:
            return _decimal_to_fraction(dec, field=field)
        exponent = _EXPONENT.fullmatch(text)
        if exponent:  # an exponent beyond what Decimal takes, e.g. "1e999999999999999999"
            raise _too_precise(field) if exponent.group(1) == "-" else _too_large(field)
        # Fraction(text) itself would also take "1e999999999999999999" (and hang): only
        # "p/q" with a bounded number of digits goes to it.
        if not _RATIO.fullmatch(text):
            raise InvalidInput(
                f"expected a number or a decimal string, got {_short(value)}", field=field
            )
        try:
            frac = Fraction(text)
        except ZeroDivisionError:
            raise InvalidInput(
                f"expected a number or a decimal string, got {_short(value)}", field=field
            ) from None
        return _check_fraction(frac, field=field)
    raise InvalidInput(f"expected a number, got {type(value).__name__}", field=field)


def to_int(value: object, *, field: str) -> int:
    """Convert to a whole number; ``12``, ``12.0`` and ``"12"`` are fine, ``12.5`` is not."""
    frac = to_fraction(value, field=field)
    if frac.denominator != 1:
        raise InvalidInput(f"expected a whole number, got {_short(value)}", field=field)
    return frac.numerator


def ceil_fraction(value: Fraction) -> int:
    """Exact ceiling of a fraction."""
    return -((-value.numerator) // value.denominator)


def floor_fraction(value: Fraction) -> int:
    """Exact floor of a fraction."""
    return value.numerator // value.denominator


def round_half_up(value: Fraction | int) -> int:
    """Nearest whole number, halves away from zero (``2.5 -> 3``, ``-2.5 -> -3``), exact."""
    frac = Fraction(value)
    magnitude = floor_fraction(abs(frac) + Fraction(1, 2))
    return magnitude if frac >= 0 else -magnitude


def decimal_str(value: Fraction | int, digits: int = DECIMALS) -> str:
    """Fixed-point decimal string, rounded half to even, e.g. ``"43.0186915888"``."""
    frac = Fraction(value)
    scale = 10**digits
    num = frac.numerator * scale
    den = frac.denominator
    quotient, remainder = divmod(abs(num), den)
    twice = 2 * remainder
    if twice > den or (twice == den and quotient % 2 == 1):
        quotient += 1
    sign = "-" if num < 0 and quotient != 0 else ""
    whole, part = divmod(quotient, scale)
    if digits == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{part:0{digits}d}"


def fraction_str(value: Fraction | int) -> str:
    """The exact value as ``"numerator/denominator"`` (or an integer string)."""
    frac = Fraction(value)
    if frac.denominator == 1:
        return str(frac.numerator)
    return f"{frac.numerator}/{frac.denominator}"


def sqrt_decimal_str(value: Fraction, digits: int = DECIMALS) -> str:
    """Square root of a non-negative fraction as a decimal string (for display only)."""
    with localcontext() as ctx:
        ctx.prec = 60
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
    return decimal_str(Fraction(root), digits)
