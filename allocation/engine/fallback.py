"""The fall-back rule (DOMAIN.md 3, seed 002), per municipality and per year.

Without regional agreements a municipality would have to allocate ``pct`` (default 15%) of
its yearly mutations (vacated social rental dwellings) to statutory urgents. For every
municipality :func:`fallback_rule` compares that fall-back figure per year with what it
agreed per year for the groups that count as statutory urgents (a round setting; the caller
sums those groups and converts them to dwellings first). Everything is exact; the whole
number is a rendering only (rounded half up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from allocation.engine.errors import InvalidInput
from allocation.engine.numbers import Number, decimal_str, round_half_up, to_fraction

DEFAULT_FALLBACK_PCT = Fraction(15, 100)
"""The share of the yearly mutations under the fall-back rule: 15%."""


@dataclass(frozen=True)
class FallbackFigure:
    """One municipality: the fall-back figure against what it agreed, all per year."""

    code: str
    mutations: Fraction
    """Yearly mutations (vacated social rental dwellings per year)."""
    pct: Fraction
    fallback: Fraction
    """pct x mutations per year, exact."""
    fallback_whole: int
    """``fallback`` rounded half up (for display)."""
    agreed: Fraction
    """Agreed per year for the groups that count as statutory urgents, in dwellings."""
    difference: Fraction
    """agreed - fallback: 0 or more means the agreements give at least the fall-back."""
    agreed_share_of_mutations: Fraction | None
    """agreed / mutations; None when the municipality has no mutations."""

    @property
    def meets_fallback(self) -> bool:
        """True when the agreed number per year is at least the fall-back figure."""
        return self.difference >= 0


def _non_negative(value: Number, field: str) -> Fraction:
    frac = to_fraction(value, field=field)
    if frac < 0:
        raise InvalidInput("cannot be negative", field=field)
    return frac


def fallback_rule(
    mutations: Mapping[str, Number],
    agreed: Mapping[str, Number],
    *,
    pct: Number = DEFAULT_FALLBACK_PCT,
) -> tuple[FallbackFigure, ...]:
    """The fall-back comparison per municipality, in the order of ``mutations``.

    ``mutations`` and ``agreed`` map a municipality code to its yearly mutations and its
    agreed yearly number of dwellings for the statutory-urgent groups. A municipality
    missing from ``agreed`` agreed nothing (0); a code in ``agreed`` without mutations is
    an error, as are negative numbers and a ``pct`` outside 0..1.
    """
    share = to_fraction(pct, field="pct")
    if not 0 <= share <= 1:
        raise InvalidInput("must lie between 0 and 1", field="pct")
    for code in agreed:
        if code not in mutations:
            raise InvalidInput(
                "no yearly mutations are given for this municipality", field=f"agreed.{code}"
            )
    figures = []
    for code, raw_mutations in mutations.items():
        yearly = _non_negative(raw_mutations, f"mutations.{code}")
        done = _non_negative(agreed.get(code, 0), f"agreed.{code}")
        fallback = share * yearly
        figures.append(
            FallbackFigure(
                code=code,
                mutations=yearly,
                pct=share,
                fallback=fallback,
                fallback_whole=round_half_up(fallback),
                agreed=done,
                difference=done - fallback,
                agreed_share_of_mutations=done / yearly if yearly else None,
            )
        )
    return tuple(figures)


def fallback_to_dict(figures: tuple[FallbackFigure, ...]) -> list[dict[str, Any]]:
    """The comparison as plain JSON values (decimal strings, every figure per year)."""
    return [
        {
            "code": f.code,
            "mutations_per_year": decimal_str(f.mutations),
            "pct": decimal_str(f.pct),
            "fallback_per_year": decimal_str(f.fallback),
            "fallback_per_year_whole": f.fallback_whole,
            "agreed_per_year": decimal_str(f.agreed),
            "difference_per_year": decimal_str(f.difference),
            "agreed_share_of_mutations": None
            if f.agreed_share_of_mutations is None
            else decimal_str(f.agreed_share_of_mutations),
            "meets_fallback": f.meets_fallback,
        }
        for f in figures
    ]
