"""Fairness read-outs over one group's result or several groups together.

- Burden per 1,000 inhabitants: 1000 * dwellings_i / population_i (exact).
- Spread: coefficient of variation (population standard deviation / mean, over the
  municipalities with a population) and max/min of the burden per 1,000.
- Mutations: dwellings_i / mutations_i, the share of the municipality's yearly vacated
  social rental dwellings that the task(s) need; a warning above ``mutation_threshold``
  (default 0.5: half of all vacated dwellings). Only the groups housed from social-rental
  mutations count here (``mutation_groups``, by default every group; DOMAIN.md 3); the
  burden per 1,000 counts every group.
- Urgents fall-back: fallback_i = pct * mutations_i (default 15%) against n_i.

Persons become dwellings with a group's household size: dwellings = persons / size.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from allocation.engine.fallback import DEFAULT_FALLBACK_PCT
from allocation.engine.numbers import decimal_str
from allocation.engine.types import MUTATIONS, POPULATION, AllocationResult, Note

DEFAULT_MUTATION_THRESHOLD = Fraction(1, 2)
DEFAULT_URGENT_FALLBACK = DEFAULT_FALLBACK_PCT


@dataclass(frozen=True)
class GroupResult:
    """One group's result with the household size that turns its unit into dwellings."""

    result: AllocationResult
    household_size: Fraction = Fraction(1)


@dataclass(frozen=True)
class MunicipalityFairness:
    """Read-outs for one municipality."""

    code: str
    name: str
    subregion: str
    population: Fraction | None
    mutations: Fraction | None
    dwellings: Fraction
    """Dwellings needed by the group(s): sum of n_ig / household_size_g."""
    mutation_dwellings: Fraction
    """Dwellings needed by the groups housed from social-rental mutations only."""
    per_1000: Fraction | None
    share_of_mutations: Fraction | None
    """mutation_dwellings / mutations."""
    over_threshold: bool
    urgent_allocation: int | None
    urgent_fallback: Fraction | None
    """pct * mutations_i, the fall-back rule's number."""
    urgent_difference: Fraction | None
    """n_i(urgent) - fallback_i."""


@dataclass(frozen=True)
class FairnessReport:
    """Fairness read-outs for one group or a set of groups."""

    groups: tuple[str, ...]
    municipalities: tuple[MunicipalityFairness, ...]
    mean_per_1000: Fraction | None
    cv_per_1000: Decimal | None
    min_per_1000: Fraction | None
    max_per_1000: Fraction | None
    max_min_ratio: Fraction | None
    """None when the minimum is 0 (the ratio is unbounded) or nothing is known."""
    mutation_threshold: Fraction
    urgent_fallback_pct: Fraction
    warnings: tuple[str, ...]
    mutation_groups: tuple[str, ...] = ()
    """The groups counted in the share of mutations (housed from social-rental mutations)."""
    notes: tuple[Note, ...] = ()
    """The warnings as codes with parameters, in the same order as ``warnings``."""


def _figures(results: Sequence[AllocationResult], name: str) -> dict[str, Fraction]:
    """Indicator ``name`` per municipality code: the first group (in ``results`` order) that
    has it decides, as a linear scan per municipality would. One pass, a dict lookup after."""
    found: dict[str, Fraction] = {}
    for result in results:
        for muni in result.municipalities:
            if muni.code not in found:
                value = muni.indicators.get(name)
                if value is not None:
                    found[muni.code] = value
    return found


def _sums(burdens: Sequence[Fraction]) -> tuple[int, int, int]:
    """sum b_i and sum b_i^2 exactly, as (S1, S2, D): sum b_i = S1 / D and
    sum b_i^2 = S2 / D^2, D the least common multiple of the denominators.

    Pairwise, like a tournament: neighbours are added over their lcm, then the pairs, and
    so on. Adding the terms one by one makes every step work on the whole, ever longer
    denominator (quadratic, and what made the read-outs slow); pairwise, the long numbers
    only meet near the top. Merging (s, q, d) and (s', q', d') with g = gcd(d, d'),
    a = d' / g, c = d / g: lcm = d a, s a + s' c over it, and q a^2 + q' c^2 over its
    square (the lcm of the squares is the square of the lcm).
    """
    terms = [(b.numerator, b.numerator * b.numerator, b.denominator) for b in burdens]
    if not terms:
        return 0, 0, 1
    while len(terms) > 1:
        merged = []
        for k in range(0, len(terms) - 1, 2):
            (s1, q1, d1), (s2, q2, d2) = terms[k], terms[k + 1]
            g = math.gcd(d1, d2)
            a, c = d2 // g, d1 // g
            merged.append((s1 * a + s2 * c, q1 * a * a + q2 * c * c, d1 * a))
        if len(terms) % 2:
            merged.append(terms[-1])
        terms = merged
    return terms[0]


def _spread(burdens: Sequence[Fraction]) -> tuple[Fraction, tuple[int, int]]:
    """The exact mean of ``burdens`` and the squared coefficient of variation
    (population variance / mean^2) as an unreduced (numerator, denominator) pair.

    With S1, S2 and D from :func:`_sums`: mean = S1 / (N D) and
    variance / mean^2 = (N S2 - S1^2) / S1^2, exactly the fraction that
    sum((b - mean)^2) / N / mean^2 gives, without a Fraction per step.
    """
    count = len(burdens)
    first, second, denominator = _sums(burdens)
    mean = Fraction(first, count * denominator)
    return mean, (count * second - first * first, first * first)


CV_DIGITS = 40
"""Significant digits of the coefficient of variation (a Decimal square root)."""


def _quotient(numerator: int, denominator: int, digits: int) -> Decimal:
    """``Decimal(numerator) / Decimal(denominator)`` with ``digits`` significant digits
    (half even), the same Decimal, coefficient and exponent, computed in integers.

    Converting long integers to Decimal takes time quadratic in their length; this long
    division only produces the quotient's few digits. numerator >= 0, denominator > 0.
    """
    if numerator == 0:
        return Decimal(0)
    # the adjusted exponent: 10^a <= numerator / denominator < 10^(a + 1)
    a = int((numerator.bit_length() - denominator.bit_length()) * 0.30102999566398120)
    while numerator * 10 ** max(0, -a) < denominator * 10 ** max(0, a):
        a -= 1
    while numerator * 10 ** max(0, -a - 1) >= denominator * 10 ** max(0, a + 1):
        a += 1
    shift = digits - 1 - a
    if shift >= 0:
        coefficient, remainder = divmod(numerator * 10**shift, denominator)
        den = denominator
    else:
        den = denominator * 10**-shift
        coefficient, remainder = divmod(numerator, den)
    exponent = -shift
    if remainder:
        twice = 2 * remainder
        if twice > den or (twice == den and coefficient % 2):
            coefficient += 1
            if coefficient == 10**digits:
                coefficient //= 10
                exponent += 1
        return Decimal((0, tuple(map(int, str(coefficient))), exponent))
    # exact: the exponent closest to the ideal one (0), as decimal division gives it
    while exponent < 0 and coefficient % 10 == 0:
        coefficient //= 10
        exponent += 1
    return Decimal((0, tuple(map(int, str(coefficient))), exponent))


def _cv(squared: tuple[int, int]) -> Decimal:
    """sqrt(numerator / denominator) to 40 significant digits, as a Decimal.

    The same Decimal as ``(Decimal(n) / Decimal(d)).sqrt()`` at 40 digits: the division
    is correctly rounded, so the unreduced fraction needs no gcd of its long numbers.
    """
    numerator, denominator = squared
    with localcontext() as ctx:
        ctx.prec = CV_DIGITS
        return _quotient(numerator, denominator, CV_DIGITS).sqrt()


def fairness_groups(
    groups: Mapping[str, GroupResult],
    *,
    mutation_threshold: Fraction = DEFAULT_MUTATION_THRESHOLD,
    urgent_group: str | None = "urgent",
    urgent_fallback_pct: Fraction = DEFAULT_URGENT_FALLBACK,
    mutation_groups: Collection[str] | None = None,
) -> FairnessReport:
    """Read-outs over several groups together, in dwellings needed.

    ``mutation_groups`` names the groups housed from social-rental mutations: only their
    dwellings count in the share of mutations. ``None`` (the default) counts every group;
    names that are not among ``groups`` are ignored.

    Linear in the number of municipalities (see ``test_fairness_scaling``): every figure is
    looked up in a dict built once, and the spread is summed in integers (:func:`_spread`).
    """
    names = sorted(groups)
    from_mutations = names if mutation_groups is None else sorted(set(mutation_groups) & set(names))
    counted = set(from_mutations)
    results = [groups[name].result for name in names]
    order: dict[str, tuple[str, str]] = {}
    for result in results:
        for muni in result.municipalities:
            order.setdefault(muni.code, (muni.name, muni.subregion))
    # Fractions built from their numerator and denominator below: one normalisation each
    # instead of the operators' type checks and two gcds; the values are the same.
    zero = Fraction(0)
    dwellings: dict[str, Fraction] = {}
    mutation_dwellings: dict[str, Fraction] = {}
    for name in names:
        group = groups[name]
        size = group.household_size
        in_mutations = name in counted
        for muni in group.result.municipalities:
            needed = Fraction(muni.allocation * size.denominator, size.numerator)  # n / size
            code = muni.code
            dwellings[code] = dwellings[code] + needed if code in dwellings else needed
            if in_mutations:
                before = mutation_dwellings.get(code)
                mutation_dwellings[code] = needed if before is None else before + needed
    urgent = groups.get(urgent_group) if urgent_group else None
    urgent_seats = urgent.result.allocations() if urgent else {}
    populations = _figures(results, POPULATION)
    all_mutations = _figures(results, MUTATIONS)
    threshold_text = decimal_str(100 * mutation_threshold, 1)

    rows = []
    warnings = []
    pct = urgent_fallback_pct
    for code, (muni_name, subregion) in order.items():
        population = populations.get(code)
        mutations = all_mutations.get(code)
        needed = dwellings[code]
        from_mutations_needed = mutation_dwellings.get(code, zero)
        per_1000 = share = fallback = None
        if population:  # 1000 * dwellings / population
            per_1000 = Fraction(
                1000 * needed.numerator * population.denominator,
                needed.denominator * population.numerator,
            )
        if mutations:  # mutation dwellings / mutations
            share = Fraction(
                from_mutations_needed.numerator * mutations.denominator,
                from_mutations_needed.denominator * mutations.numerator,
            )
        over = share is not None and share > mutation_threshold
        if over and share is not None:
            warnings.append(
                Note(
                    "fairness.mutation_share_over_threshold",
                    {
                        "code": code,
                        "name": muni_name,
                        "share": share,
                        "threshold": mutation_threshold,
                    },
                    f"{code} {muni_name}: the tasks need {decimal_str(100 * share, 1)}% of its "
                    f"yearly mutations (threshold {threshold_text}%)",
                )
            )
        if mutations == 0 and from_mutations_needed > 0:
            warnings.append(
                Note(
                    "fairness.task_without_mutations",
                    {"code": code, "name": muni_name},
                    f"{code} {muni_name}: a task but no yearly mutations",
                )
            )
        seats = urgent_seats.get(code)
        if urgent and mutations is not None:  # pct * mutations
            fallback = Fraction(
                pct.numerator * mutations.numerator, pct.denominator * mutations.denominator
            )
        difference = None
        if fallback is not None and seats is not None:  # seats - fallback
            difference = Fraction(
                seats * fallback.denominator - fallback.numerator, fallback.denominator
            )
        rows.append(
            MunicipalityFairness(
                code=code,
                name=muni_name,
                subregion=subregion,
                population=population,
                mutations=mutations,
                dwellings=needed,
                mutation_dwellings=from_mutations_needed,
                per_1000=per_1000,
                share_of_mutations=share,
                over_threshold=over,
                urgent_allocation=seats,
                urgent_fallback=fallback,
                urgent_difference=difference,
            )
        )
    burdens = [row.per_1000 for row in rows if row.per_1000 is not None]
    mean = low = high = ratio = None
    cv: Decimal | None = None
    if burdens:
        mean, squared = _spread(burdens)
        low, high = min(burdens), max(burdens)
        ratio = high / low if low > 0 else None
        if mean > 0:
            cv = _cv(squared)
    return FairnessReport(
        groups=tuple(names),
        municipalities=tuple(rows),
        mean_per_1000=mean,
        cv_per_1000=cv,
        min_per_1000=low,
        max_per_1000=high,
        max_min_ratio=ratio,
        mutation_threshold=mutation_threshold,
        urgent_fallback_pct=urgent_fallback_pct,
        warnings=tuple(w.text for w in warnings),
        notes=tuple(warnings),
        mutation_groups=tuple(from_mutations),
    )


def fairness(
    result: AllocationResult,
    *,
    group: str = "group",
    household_size: Fraction = Fraction(1),
    mutation_threshold: Fraction = DEFAULT_MUTATION_THRESHOLD,
    urgent: bool = False,
    urgent_fallback_pct: Fraction = DEFAULT_URGENT_FALLBACK,
    from_mutations: bool = True,
) -> FairnessReport:
    """Read-outs for one group; ``urgent=True`` adds the fall-back comparison.

    ``from_mutations=False`` (a group not housed from social-rental mutations) leaves the
    share of mutations at 0.
    """
    return fairness_groups(
        {group: GroupResult(result, household_size)},
        mutation_threshold=mutation_threshold,
        urgent_group=group if urgent else None,
        urgent_fallback_pct=urgent_fallback_pct,
        mutation_groups=None if from_mutations else (),
    )


def _dec(value: Fraction | None) -> str | None:
    return None if value is None else decimal_str(value)


def fairness_to_dict(report: FairnessReport) -> dict[str, Any]:
    """The report as plain JSON values (decimal strings)."""
    return {
        "groups": list(report.groups),
        "mean_per_1000": _dec(report.mean_per_1000),
        "cv_per_1000": None
        if report.cv_per_1000 is None
        else decimal_str(Fraction(report.cv_per_1000)),
        "min_per_1000": _dec(report.min_per_1000),
        "max_per_1000": _dec(report.max_per_1000),
        "max_min_ratio": _dec(report.max_min_ratio),
        "mutation_threshold": decimal_str(report.mutation_threshold),
        "urgent_fallback_pct": decimal_str(report.urgent_fallback_pct),
        "mutation_groups": list(report.mutation_groups),
        "municipalities": [
            {
                "code": row.code,
                "dwellings": decimal_str(row.dwellings),
                "mutation_dwellings": decimal_str(row.mutation_dwellings),
                "per_1000": _dec(row.per_1000),
                "share_of_mutations": _dec(row.share_of_mutations),
                "over_threshold": row.over_threshold,
                "urgent_allocation": row.urgent_allocation,
                "urgent_fallback": _dec(row.urgent_fallback),
                "urgent_difference": _dec(row.urgent_difference),
            }
            for row in report.municipalities
        ],
        "warnings": list(report.warnings),
        "messages": [note.to_dict() for note in report.notes],
    }
