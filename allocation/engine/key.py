"""Step 1: the distribution key w_i = sum_k alpha_k * x_ik / sum_j x_jk, exactly."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from allocation.engine.errors import InvalidInput
from allocation.engine.types import Municipality


def indicator_totals(
    municipalities: Sequence[Municipality], names: Sequence[str]
) -> dict[str, Fraction]:
    """Regional total of every named indicator over the municipalities that have it."""
    totals: dict[str, Fraction] = {}
    for name in names:
        values = [m.indicators[name] for m in municipalities if name in m.indicators]
        if all(v.denominator == 1 for v in values):
            totals[name] = Fraction(sum(v.numerator for v in values))
        else:
            totals[name] = sum(values, Fraction(0))
    return totals


def compute_key(
    municipalities: Sequence[Municipality], weights: Mapping[str, Fraction]
) -> tuple[list[Fraction], dict[str, Fraction]]:
    """Return (w_i per municipality, regional total per weighted indicator).

    Only indicators with alpha_k > 0 count. The sum is done in integers over one common
    denominator (every column is scaled to integers first; scaling a column does not
    change its shares), so the result is exact and fast. Sum of w_i is exactly 1.
    """
    weighted = sorted((name, alpha) for name, alpha in weights.items() if alpha > 0)
    totals = indicator_totals(municipalities, [name for name, _ in weighted])
    for name, _alpha in weighted:
        if totals[name] == 0:
            raise InvalidInput(
                f"the weighted indicator {name!r} has a regional total of 0, so it cannot "
                "spread anything; give it weight 0 or enter its figures",
                field=f"weights.{name}",
            )

    count = len(municipalities)
    numerators = [0] * count
    columns: list[tuple[list[int], int, int, int]] = []
    denominator = 1
    for name, alpha in weighted:
        values = [m.indicators[name] for m in municipalities]
        scale = math.lcm(*(v.denominator for v in values))
        ints = [v.numerator * (scale // v.denominator) for v in values]
        column_total = sum(ints)
        # w contribution: alpha.num * y_ik / (alpha.den * Y_k)
        part_den = alpha.denominator * column_total
        denominator = math.lcm(denominator, part_den)
        columns.append((ints, alpha.numerator, part_den, column_total))
    for ints, alpha_num, part_den, _total in columns:
        coef = alpha_num * (denominator // part_den)
        for i, value in enumerate(ints):
            numerators[i] += coef * value
    keys = [Fraction(num, denominator) for num in numerators]
    return keys, totals
