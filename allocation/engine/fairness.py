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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from allocation.engine.fallback import DEFAULT_FALLBACK_PCT
from allocation.engine.numbers import decimal_str
from allocation.engine.types import MUTATIONS, POPULATION, AllocationResult

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


def _figure(results: Sequence[AllocationResult], code: str, name: str) -> Fraction | None:
    for result in results:
        for muni in result.municipalities:
            if muni.code == code and name in muni.indicators:
                return muni.indicators[name]
    return None


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
    """
    names = sorted(groups)
    from_mutations = names if mutation_groups is None else sorted(set(mutation_groups) & set(names))
    results = [groups[name].result for name in names]
    order: dict[str, tuple[str, str]] = {}
    for result in results:
        for muni in result.municipalities:
            order.setdefault(muni.code, (muni.name, muni.subregion))
    dwellings: dict[str, Fraction] = {code: Fraction(0) for code in order}
    mutation_dwellings: dict[str, Fraction] = {code: Fraction(0) for code in order}
    for name in names:
        group = groups[name]
        for muni in group.result.municipalities:
            needed = Fraction(muni.allocation) / group.household_size
            dwellings[muni.code] += needed
            if name in from_mutations:
                mutation_dwellings[muni.code] += needed
    urgent = groups.get(urgent_group) if urgent_group else None
    urgent_seats = urgent.result.allocations() if urgent else {}

    rows = []
    warnings = []
    for code, (muni_name, subregion) in order.items():
        population = _figure(results, code, POPULATION)
        mutations = _figure(results, code, MUTATIONS)
        per_1000 = 1000 * dwellings[code] / population if population else None
        share = mutation_dwellings[code] / mutations if mutations else None
        over = share is not None and share > mutation_threshold
        if over and share is not None:
            warnings.append(
                f"{code} {muni_name}: the tasks need {decimal_str(100 * share, 1)}% of its yearly "
                f"mutations (threshold {decimal_str(100 * mutation_threshold, 1)}%)"
            )
        if mutations == 0 and mutation_dwellings[code] > 0:
            warnings.append(f"{code} {muni_name}: a task but no yearly mutations")
        seats = urgent_seats.get(code)
        fallback = urgent_fallback_pct * mutations if (urgent and mutations is not None) else None
        rows.append(
            MunicipalityFairness(
                code=code,
                name=muni_name,
                subregion=subregion,
                population=population,
                mutations=mutations,
                dwellings=dwellings[code],
                mutation_dwellings=mutation_dwellings[code],
                per_1000=per_1000,
                share_of_mutations=share,
                over_threshold=over,
                urgent_allocation=seats,
                urgent_fallback=fallback,
                urgent_difference=None if fallback is None or seats is None else seats - fallback,
            )
        )
    burdens = [row.per_1000 for row in rows if row.per_1000 is not None]
    mean = cv = low = high = ratio = None
    if burdens:
        mean = sum(burdens, Fraction(0)) / len(burdens)
        low, high = min(burdens), max(burdens)
        ratio = high / low if low > 0 else None
        if mean > 0:
            variance = sum(((b - mean) ** 2 for b in burdens), Fraction(0)) / len(burdens)
            squared = variance / (mean * mean)
            with localcontext() as ctx:
                ctx.prec = 40
                cv = (Decimal(squared.numerator) / Decimal(squared.denominator)).sqrt()
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
        warnings=tuple(warnings),
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
    }
