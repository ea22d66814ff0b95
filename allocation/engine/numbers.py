"""Exact number helpers: conversion to ``Fraction`` and decimal strings.

Imports only :mod:`allocation.engine.errors` from the engine.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction

from allocation.engine.errors import InvalidInput

Number = Fraction | int | float | str | Decimal

DECIMALS = 10
"""Digits after the decimal point in every decimal string the engine produces."""


def to_fraction(value: object, *, field: str) -> Fraction:
    """Convert an int, decimal string, ``Decimal``, float or ``Fraction`` exactly.

    A float is read through its shortest ``repr`` so that ``0.1`` becomes 1/10, not the
    binary value. Booleans, NaN and infinities are refused.
    """
    if isinstance(value, bool):
        raise InvalidInput("expected a number, got a boolean", field=field)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("expected a finite number", field=field)
        return Fraction(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInput("expected a finite number", field=field)
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            dec = Decimal(text)
        except InvalidOperation:
            dec = None
        if dec is not None:
            if not dec.is_finite():
                raise InvalidInput("expected a finite number", field=field)
            return Fraction(dec)
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise InvalidInput(
                f"expected a number or a decimal string, got {value!r}", field=field
            ) from None
    raise InvalidInput(f"expected a number, got {type(value).__name__}", field=field)


def to_int(value: object, *, field: str) -> int:
    """Convert to a whole number; ``12``, ``12.0`` and ``"12"`` are fine, ``12.5`` is not."""
    frac = to_fraction(value, field=field)
    if frac.denominator != 1:
        raise InvalidInput(f"expected a whole number, got {value!r}", field=field)
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
