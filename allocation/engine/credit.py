"""Step 2: credit for existing effort, with re-spreading, exactly.

B = T + c * sum_P e_j and q_i = w_i * B / sum_P w_j - c * e_i over the remaining set P.
A municipality with q_i <= 0 already does more than its share: it gets 0 and leaves P;
the rest is re-spread until every q_i in P is positive. Then sum q_i = T.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class CreditOutcome:
    """q_i per municipality, who was set to 0 and in which round."""

    corrected: list[Fraction]
    credit: list[Fraction]
    zeroed: list[bool]
    respread_round: list[int | None]
    rounds: int


def apply_credit(
    keys: Sequence[Fraction],
    effort: Sequence[Fraction],
    factor: Fraction,
    total: int,
) -> CreditOutcome:
    """Apply the credit factor c to existing effort e_i and re-spread until all q_i > 0."""
    count = len(keys)
    credit = [factor * e for e in effort]
    if factor == 0 or not any(credit) or total == 0:
        corrected = [w * total for w in keys]
        return CreditOutcome(corrected, credit, [False] * count, [None] * count, 0)

    # Integer form over common denominators (exact, and much faster than Fractions):
    # w_i = W_i / D, e_i = E_i / G, c = cn / cd. Over the set P with S_W = sum W_i and
    # S_E = sum E_i: q_i = [W_i (T cd G + cn S_E) - cn E_i S_W] / (S_W cd G).
    key_den = math.lcm(*(k.denominator for k in keys))
    weights = [k.numerator * (key_den // k.denominator) for k in keys]
    effort_den = math.lcm(*(e.denominator for e in effort))
    efforts = [e.numerator * (effort_den // e.denominator) for e in effort]
    cn, cd = factor.numerator, factor.denominator

    active = [True] * count
    zeroed = [False] * count
    respread_round: list[int | None] = [None] * count
    numerators = [0] * count
    rounds = 0
    sum_w = sum(weights)
    sum_e = sum(efforts)
    while True:
        rounds += 1
        burden = total * cd * effort_den + cn * sum_e
        dropped = False
        for i in range(count):
            if not active[i]:
                continue
            value = weights[i] * burden - cn * efforts[i] * sum_w
            numerators[i] = value
            if value <= 0:
                dropped = True
                active[i] = False
                if efforts[i] > 0:
                    zeroed[i] = True
                    respread_round[i] = rounds
        if not dropped:
            break
        sum_w = sum(weights[i] for i in range(count) if active[i])
        sum_e = sum(efforts[i] for i in range(count) if active[i])
    denominator = sum_w * cd * effort_den
    corrected = [
        Fraction(numerators[i], denominator) if active[i] else Fraction(0) for i in range(count)
    ]
    return CreditOutcome(corrected, credit, zeroed, respread_round, rounds)
