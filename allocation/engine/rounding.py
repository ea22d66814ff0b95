"""Step 4: whole numbers, exact, with hard bounds and listed ties.

Every method is written as one rule: unit i holds "seat claims" p_i(j) for its
(j+1)-th seat, strictly decreasing in j. With whole-number bounds L_i <= n_i <= U_i, the
seats L_i..U_i-1 are open and the method hands out the H - sum L_i strongest open claims:

- ``hamilton``: p_i(j) = a_i - j. Without bounds this is exactly "floor, then +1 by
  largest remainder" (claims >= 1 are the floors, remainders are in [0, 1)).
- ``dhondt``: p_i(j) = a_i / (j + 1).
- ``sainte-lague``: p_i(j) = a_i / (j + 1/2).
- ``huntington-hill``: p_i(j) = a_i / sqrt(j (j + 1)); compared as a_i^2 / (j (j + 1)),
  and the first seat (j = 0) of a unit with a_i > 0 is infinite.

Claims are compared exactly (Fractions). Claims are ordered by value, then by the
tie-break rank (a total order given by the caller). The start is "every claim >= 1"
(computed in closed form), then seats are added from the strongest open claim or taken
back from the weakest held claim, one at a time. A tie is an equal value at the cut
(the weakest held claim equals the strongest open one): it is reported.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from allocation.engine.errors import Infeasible
from allocation.engine.numbers import decimal_str, floor_fraction, sqrt_decimal_str
from allocation.engine.types import Note, NoteValue, Priority, RoundingInfo, Tie

INFINITE: Priority = (1, Fraction(0))
HALF = Fraction(1, 2)


def claim(method: str, quota: Fraction, seat: int) -> Priority:
    """The claim p_i(j) of a unit with quota ``quota`` on its seat number ``seat + 1``."""
    if method == "hamilton":
        return (0, quota - seat)
    if method == "dhondt":
        return (0, quota / (seat + 1))
    if method == "sainte-lague":
        return (0, quota / (seat + HALF))
    if method == "huntington-hill":
        if seat == 0:
            return INFINITE if quota > 0 else (0, Fraction(0))
        return (0, quota * quota / (seat * (seat + 1)))
    raise ValueError(f"unknown rounding method {method!r}")


def _start(method: str, quota: Fraction) -> int:
    """Number of claims >= 1, in closed form."""
    if method in ("hamilton", "dhondt"):
        return floor_fraction(quota)
    if method == "sainte-lague":
        return floor_fraction(quota + HALF)
    if method == "huntington-hill":
        if quota <= 0:
            return 0
        square = floor_fraction(quota * quota)
        return 1 + (math.isqrt(4 * square + 1) - 1) // 2
    raise ValueError(f"unknown rounding method {method!r}")


def as_float(value: Fraction) -> float:
    """float(value), without the detour through ``numbers.Rational.__float__``."""
    return value.numerator / value.denominator


def sort_key(value: Priority) -> tuple[int, float, Fraction]:
    """Exact ordering key with a float in front: float(x) < float(y) implies x < y, so the
    Fraction is only compared when the floats are equal."""
    return (value[0], as_float(value[1]), value[1])


def claim_str(method: str, value: Priority | None) -> str | None:
    """Readable claim; Huntington-Hill claims are shown as a / sqrt(n (n + 1))."""
    if value is None:
        return None
    if value[0] == 1:
        return "infinity"
    if method == "huntington-hill":
        return sqrt_decimal_str(value[1])
    return decimal_str(value[1])


@dataclass(frozen=True)
class Apportionment:
    """Whole numbers, how each came about, and the ties at the cut."""

    seats: list[int]
    info: list[RoundingInfo]
    ties: list[Tie]


def check_integer_bounds(
    house: int, lower: Sequence[int], upper: Sequence[int | None], labels: Sequence[str]
) -> None:
    """Raise :class:`Infeasible` unless the whole-number bounds allow sum n = house."""
    clash = [
        labels[i] for i in range(len(lower)) if upper[i] is not None and lower[i] > (upper[i] or 0)
    ]
    if clash:
        raise Infeasible(
            "no whole number fits between ceil(lower) and floor(upper) for " + ", ".join(clash),
            bound="integer",
            codes=clash,
        )
    low_sum = sum(lower)
    if low_sum > house:
        names = [labels[i] for i in range(len(lower)) if lower[i] > 0]
        raise Infeasible(
            f"the lower bounds bind: rounded up they need {low_sum}, more than the total "
            f"{house} (municipalities with a lower bound: {', '.join(names)})",
            bound="lower",
            codes=names,
        )
    if all(u is not None for u in upper):
        high_sum = sum(u or 0 for u in upper)
        if high_sum < house:
            raise Infeasible(
                f"the upper bounds bind: rounded down they allow only {high_sum}, less than "
                f"the total {house} (all of: {', '.join(labels)})",
                bound="upper",
                codes=list(labels),
            )


def apportion(
    quotas: Sequence[Fraction],
    house: int,
    method: str,
    *,
    lower: Sequence[int],
    upper: Sequence[int | None],
    tie_rank: Sequence[int],
    labels: Sequence[str],
    stage: str,
    subregion: str | None,
    tie_rule: str,
) -> Apportionment:
    """Round ``quotas`` to whole numbers summing to ``house`` with bounds, exactly."""
    count = len(quotas)
    check_integer_bounds(house, lower, upper, labels)
    seats = []
    for i in range(count):
        n = max(lower[i], _start(method, quotas[i]))
        up = upper[i]
        if up is not None and n > up:
            n = up
        seats.append(n)

    missing = house - sum(seats)
    if missing > 0:
        heap: list[tuple[int, float, Fraction, int, int]] = []
        for i in range(count):
            up = upper[i]
            if up is None or seats[i] < up:
                tier, value = claim(method, quotas[i], seats[i])
                heap.append((-tier, -as_float(value), -value, tie_rank[i], i))
        heapq.heapify(heap)
        for _ in range(missing):
            i = heapq.heappop(heap)[-1]
            seats[i] += 1
            up = upper[i]
            if up is None or seats[i] < up:
                tier, value = claim(method, quotas[i], seats[i])
                heapq.heappush(heap, (-tier, -as_float(value), -value, tie_rank[i], i))
    elif missing < 0:
        held: list[tuple[int, float, Fraction, int, int]] = []
        for i in range(count):
            if seats[i] > lower[i]:
                tier, value = claim(method, quotas[i], seats[i] - 1)
                held.append((tier, as_float(value), value, -tie_rank[i], i))
        heapq.heapify(held)
        for _ in range(-missing):
            i = heapq.heappop(held)[-1]
            seats[i] -= 1
            if seats[i] > lower[i]:
                tier, value = claim(method, quotas[i], seats[i] - 1)
                heapq.heappush(held, (tier, as_float(value), value, -tie_rank[i], i))

    last: list[Priority | None] = []
    following: list[Priority | None] = []
    for i in range(count):
        last.append(claim(method, quotas[i], seats[i] - 1) if seats[i] > lower[i] else None)
        up = upper[i]
        following.append(
            claim(method, quotas[i], seats[i]) if up is None or seats[i] < up else None
        )
    held_claims = [c for c in last if c is not None]
    open_claims = [c for c in following if c is not None]
    weakest_held = min(held_claims, key=sort_key) if held_claims else None
    strongest_open = max(open_claims, key=sort_key) if open_claims else None

    ties: list[Tie] = []
    if weakest_held is not None and weakest_held == strongest_open:
        ties.append(
            _tie(
                method,
                quotas,
                seats,
                lower,
                last,
                following,
                weakest_held,
                tie_rank,
                labels,
                stage,
                subregion,
                tie_rule,
            )
        )

    info = _explain(
        method,
        quotas,
        seats,
        lower,
        upper,
        last,
        following,
        weakest_held,
        strongest_open,
        tie_rank,
        house,
    )
    return Apportionment(seats, info, ties)


def _tie(
    method: str,
    quotas: Sequence[Fraction],
    seats: Sequence[int],
    lower: Sequence[int],
    last: Sequence[Priority | None],
    following: Sequence[Priority | None],
    value: Priority,
    tie_rank: Sequence[int],
    labels: Sequence[str],
    stage: str,
    subregion: str | None,
    tie_rule: str,
) -> Tie:
    winners = [i for i in range(len(quotas)) if last[i] == value]
    losers = [i for i in range(len(quotas)) if following[i] == value]
    won = 0
    for i in winners:
        j = seats[i] - 1
        while j >= lower[i] and claim(method, quotas[i], j) == value:
            won += 1
            j -= 1
    order = sorted(set(winners) | set(losers), key=lambda i: tie_rank[i])
    return Tie(
        stage=stage,
        subregion=subregion,
        method=method,
        measure="remainder" if method == "hamilton" else "priority",
        value=value,
        tied=tuple(labels[i] for i in order),
        winners=tuple(labels[i] for i in sorted(winners, key=lambda i: tie_rank[i])),
        losers=tuple(labels[i] for i in sorted(losers, key=lambda i: tie_rank[i])),
        seats=won,
        rule=tie_rule,
    )


def _explain(
    method: str,
    quotas: Sequence[Fraction],
    seats: Sequence[int],
    lower: Sequence[int],
    upper: Sequence[int | None],
    last: Sequence[Priority | None],
    following: Sequence[Priority | None],
    weakest_held: Priority | None,
    strongest_open: Priority | None,
    tie_rank: Sequence[int],
    house: int,
) -> list[RoundingInfo]:
    count = len(quotas)
    floors = [floor_fraction(q) for q in quotas]
    # q - floor(q) over q's own denominator (already in lowest terms)
    remainders = [
        Fraction(q.numerator - f * q.denominator, q.denominator)
        for q, f in zip(quotas, floors, strict=True)
    ]
    # Largest first, then the tie-break rank: one sort, descending, on keys without a
    # negated Fraction (ranks are unique, so the order is total and the same as before).
    if method == "hamilton":
        order = sorted(
            range(count),
            key=lambda i: (as_float(remainders[i]), remainders[i], -tie_rank[i]),
            reverse=True,
        )
    else:
        lowest: Priority = (-1, Fraction(0))

        def by_next(i: int) -> tuple[int, float, Fraction, int]:
            tier, value = following[i] or lowest
            return (tier, as_float(value), value, -tie_rank[i])

        order = sorted(range(count), key=by_next, reverse=True)
    rank = [0] * count
    for position, i in enumerate(order, start=1):
        rank[i] = position
    handed = house - sum(floors)

    infos = []
    for i in range(count):
        forced: str | None = None
        if (
            seats[i] == lower[i] > 0
            and strongest_open is not None
            and claim(method, quotas[i], lower[i] - 1) < strongest_open
        ):
            forced = "lower"
        up = upper[i]
        if (
            forced is None
            and up is not None
            and seats[i] == up
            and weakest_held is not None
            and claim(method, quotas[i], up) > weakest_held
        ):
            forced = "upper"
        reason = _decision(
            method,
            i,
            quotas[i],
            floors[i],
            remainders[i],
            seats[i],
            rank[i],
            count,
            handed,
            forced,
            lower[i],
            up,
            last[i],
            following[i],
            weakest_held,
        )
        infos.append(
            RoundingInfo(
                floor=floors[i],
                remainder=remainders[i],
                last_priority=last[i],
                next_priority=following[i],
                rank=rank[i],
                forced=forced,
                decision=reason.text,
                reason=reason,
            )
        )
    return infos


def _decision(
    method: str,
    i: int,
    quota: Fraction,
    floor: int,
    remainder: Fraction,
    seats: int,
    rank: int,
    count: int,
    handed: int,
    forced: str | None,
    lower: int,
    upper: int | None,
    last: Priority | None,
    following: Priority | None,
    weakest_held: Priority | None,
) -> Note:
    if forced == "lower":
        return Note(
            "rounding.lower_bound",
            {"lower": lower, "allocation": seats},
            f"lower bound: at least {lower} (ceil of l_i) although the method alone gives "
            f"fewer; n = {seats}",
        )
    if forced == "upper":
        return Note(
            "rounding.upper_bound",
            {"upper": upper, "allocation": seats},
            f"upper bound: at most {upper} (floor of u_i) although the method alone gives "
            f"more; n = {seats}",
        )
    if method == "hamilton":
        extra = seats - floor
        params: dict[str, NoteValue] = {
            "floor": floor,
            "remainder": remainder,
            "rank": rank,
            "count": count,
            "handed": handed,
            "allocation": seats,
            "extra": extra,
        }
        text = (
            f"floor {floor}; remainder {decimal_str(remainder)} ranks {rank} of {count}; "
            f"{handed} seat(s) go to the largest remainders"
        )
        if extra == 1:
            return Note("rounding.hamilton_one", params, f"{text}; it gets one: n = {seats}")
        if extra == 0:
            return Note("rounding.hamilton_none", params, f"{text}; it gets none: n = {seats}")
        return Note(
            "rounding.hamilton_bounds",
            params,
            f"{text}; n = {seats} ({extra:+d} against the floor because of the bounds)",
        )
    cut = claim_str(method, weakest_held)
    text = f"{seats} seat(s)"
    if last is not None:
        text += f"; claim of its last seat {claim_str(method, last)} >= lowest winning claim {cut}"
    if following is not None:
        text += f"; claim of a next seat {claim_str(method, following)} (rank {rank}) <= {cut}"
    return Note(
        "rounding.divisor",
        {
            "method": method,
            "allocation": seats,
            "last_claim": None if last is None else claim_str(method, last),
            "next_claim": None if following is None else claim_str(method, following),
            "lowest_winning_claim": cut,
            "rank": rank,
        },
        text,
    )
