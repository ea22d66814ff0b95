"""Step 3: bounds. a_i = min(u_i, max(l_i, lambda * q_i)) with sum a_i = T, solved exactly.

f(lambda) = sum_i clamp(lambda * q_i, l_i, u_i) is non-decreasing and piecewise linear
in lambda. Its breakpoints are l_i/q_i (i becomes free) and u_i/q_i (i hits its upper
bound). We sort them, walk the segments keeping the constant part C and the slope Q, and
solve C + lambda * Q = T on the segment that reaches T, all in Fractions.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def clamp(value: Fraction, lower: Fraction, upper: Fraction | None) -> Fraction:
    """min(upper, max(lower, value))."""
    if value < lower:
        return lower
    if upper is not None and value > upper:
        return upper
    return value


def capacity(
    base: Sequence[Fraction], lower: Sequence[Fraction], upper: Sequence[Fraction | None]
) -> Fraction | None:
    """f(infinity): the most the bounded quotas can add up to (None = unbounded)."""
    result = Fraction(0)
    for b, lo, up in zip(base, lower, upper, strict=True):
        if b > 0:
            if up is None:
                return None
            result += up
        else:
            result += lo
    return result


def solve_bounded(
    base: Sequence[Fraction],
    lower: Sequence[Fraction],
    upper: Sequence[Fraction | None],
    total: Fraction | int,
) -> tuple[Fraction, list[Fraction]] | None:
    """lambda and the bounded quotas a_i = clamp(lambda * base_i, l_i, u_i), exactly.

    Fast path: the segment is located in floats, then lambda is solved exactly for that
    segment's free set and every municipality's side of its bounds is checked exactly. If
    the check fails (floats near a breakpoint) or the segment is flat, the exact sweep of
    :func:`solve_lambda` decides. Returns None when no lambda reaches ``total``.
    """
    count = len(base)
    unbounded = all(lo == 0 for lo in lower) and all(up is None for up in upper)
    if unbounded and sum(base, Fraction(0)) == total:
        return Fraction(1), list(base)
    guess = _float_lambda(base, lower, upper, float(total))
    if guess is not None:
        fixed = Fraction(0)
        free = Fraction(0)
        side = [0] * count
        for i in range(count):
            b = float(base[i])
            up = upper[i]
            if guess * b <= float(lower[i]):
                side[i] = -1
                fixed += lower[i]
            elif up is not None and guess * b >= float(up):
                side[i] = 1
                fixed += up
            else:
                free += base[i]
        if free > 0:
            lam = (total - fixed) / free
            quotas: list[Fraction] = []
            consistent = True
            for i in range(count):
                raw = lam * base[i]
                up = upper[i]
                if side[i] == -1:
                    consistent = raw <= lower[i]
                    quotas.append(lower[i])
                elif side[i] == 1:
                    consistent = up is not None and raw >= up
                    quotas.append(up or Fraction(0))
                else:
                    consistent = raw >= lower[i] and (up is None or raw <= up)
                    quotas.append(raw)
                if not consistent:
                    break
            if consistent:
                return lam, quotas
    lam_exact = solve_lambda(base, lower, upper, total)
    if lam_exact is None:
        return None
    return lam_exact, [
        clamp(lam_exact * b, lo, up) for b, lo, up in zip(base, lower, upper, strict=True)
    ]


def _float_lambda(
    base: Sequence[Fraction],
    lower: Sequence[Fraction],
    upper: Sequence[Fraction | None],
    target: float,
) -> float | None:
    """Approximate lambda by a float sweep over the sorted breakpoints."""
    constant = 0.0
    slope = 0.0
    events: list[tuple[float, int, float, float]] = []
    for b_exact, lo_exact, up_exact in zip(base, lower, upper, strict=True):
        lo = float(lo_exact)
        constant += lo
        b = float(b_exact)
        if b <= 0:
            continue
        events.append((lo / b, 0, b, lo))
        if up_exact is not None:
            up = float(up_exact)
            events.append((up / b, 1, b, up))
    if constant > target:
        return None
    events.sort()
    for point, kind, b, bound in events:
        if constant + point * slope >= target:
            return (target - constant) / slope if slope > 0 else point
        if kind == 0:
            constant -= bound
            slope += b
        else:
            constant += bound
            slope -= b
    if slope > 0:
        return (target - constant) / slope
    return None


def solve_lambda(
    base: Sequence[Fraction],
    lower: Sequence[Fraction],
    upper: Sequence[Fraction | None],
    total: Fraction | int,
) -> Fraction | None:
    """The smallest lambda >= 0 with sum clamp(lambda * base_i, l_i, u_i) == total.

    Returns None when no lambda reaches ``total`` (the bounds are infeasible).
    """
    target = Fraction(total)
    if sum(clamp(b, lo, up) for b, lo, up in zip(base, lower, upper, strict=True)) == target:
        return Fraction(1)

    constant = sum(lower, Fraction(0))
    slope = Fraction(0)
    if constant > target:
        return None
    events: list[tuple[Fraction, int, int]] = []
    for i, b in enumerate(base):
        if b <= 0:
            continue
        events.append((lower[i] / b, 0, i))
        up = upper[i]
        if up is not None:
            events.append((up / b, 1, i))
    events.sort()

    position = 0
    while position < len(events):
        point = events[position][0]
        value = constant + point * slope
        if value >= target:
            if value == target:
                return point
            return (target - constant) / slope
        while position < len(events) and events[position][0] == point:
            _, kind, i = events[position]
            if kind == 0:
                constant -= lower[i]
                slope += base[i]
            else:
                constant += upper[i] or Fraction(0)
                slope -= base[i]
            position += 1
    if slope > 0:
        return (target - constant) / slope
    return None
