"""Sensitivity of the allocation to the weights (indicative, in float64).

Weights are drawn around the chosen ones, alpha' ~ Dirichlet(kappa * alpha) over the
indicators with alpha_k > 0, with ``numpy.random.default_rng(seed)``. All keys are one
matrix product; credit (with re-spreading) and bounds (lambda solved per draw on its
segment of the piecewise linear sum) are applied per draw in vectorised float64; each draw
is rounded with Hamilton (two-tier: sub-regions first, then inside each sub-region).
Whole-number bounds and the exact tie rule are not applied here: the read-out is
indicative, the agreed numbers come from :func:`allocate`.

numpy is imported when a function here runs, not with the module: the batch command and
the web processes import the engine without paying for numpy.

Sums over the units of a group are ``np.add.reduceat`` over columns, not a product with a
0/1 matrix: a BLAS product starts its worker threads, and on a machine whose cores are
busy those threads wait for each other (measured: 5 ms instead of 0.2 ms per product).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from allocation.engine.core import allocate, validate_input
from allocation.engine.errors import InvalidInput
from allocation.engine.types import AllocationInput, AllocationResult

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]
    BoolArray = npt.NDArray[np.bool_]

UNREACHABLE = 2.0**200
"""lambda for a target the bounds cannot reach: every unit with q_i > 0 at its upper bound."""


@dataclass(frozen=True)
class MunicipalitySensitivity:
    """Spread of one municipality's outcome over the draws."""

    code: str
    allocation: int
    """The exact result of :func:`allocate` with the chosen weights."""
    p5: int
    p50: int
    p95: int
    quota_p5: float
    quota_p50: float
    quota_p95: float
    rank: int
    """Rank of the exact quota (1 = largest)."""
    rank_min: int
    rank_max: int


@dataclass(frozen=True)
class SensitivityResult:
    """Percentiles (inverted CDF) and rank ranges over all draws."""

    draws: int
    concentration: float
    seed: int
    municipalities: tuple[MunicipalitySensitivity, ...]


class _Groups:
    """Units (columns) in groups: per-group sums without a BLAS product."""

    def __init__(self, group: IntArray, count: int) -> None:
        import numpy as np

        self.group = group
        self.count = count
        self.perm = np.argsort(group, kind="stable")
        self.in_order = bool((np.diff(group) >= 0).all())  # the columns are already grouped
        self.counts = np.bincount(group, minlength=count)
        self.starts = np.concatenate(([0], np.cumsum(self.counts)[:-1]))

    def sum(self, values: FloatArray) -> FloatArray:
        """draws x units -> draws x groups: the sum over each group's units."""
        import numpy as np

        if self.count == 1:
            summed: FloatArray = values.sum(axis=1, keepdims=True)
            return summed
        ordered = values if self.in_order else values[:, self.perm]
        summed = np.add.reduceat(ordered, self.starts, axis=1)
        if not self.counts.all():  # reduceat gives an empty group its neighbour's value
            summed[:, self.counts == 0] = 0.0
        return summed

    def spread(self, per_group: FloatArray) -> FloatArray:
        """draws x groups -> draws x units: each unit gets its group's value."""
        if self.count == 1:
            return per_group
        spread: FloatArray = per_group[:, self.group]
        return spread


def largest_remainder(
    quotas: FloatArray,
    totals: IntArray,
    group: IntArray,
    lower: FloatArray,
    upper: FloatArray,
) -> IntArray:
    """Hamilton per row and per group, with whole-number bounds, vectorised.

    ``quotas``, ``lower`` and ``upper`` are draws x units (bounds already whole numbers,
    ``inf`` for none); ``totals`` is draws x groups; ``group`` maps units to groups. Seats
    start at clip(floor(a), L, U); missing seats go to the largest a - n below U, surplus
    seats come back from the smallest a - n above L, as in the exact engine.
    """
    import numpy as np

    n_groups = totals.shape[1]
    groups_of = _Groups(group, n_groups)
    seats = np.clip(np.floor(quotas), lower, upper)
    groups = np.broadcast_to(group, quotas.shape)
    starts = groups_of.starts
    rows = np.arange(quotas.shape[0])[:, None]
    for _ in range(quotas.shape[1] + 1):
        missing = totals - np.rint(groups_of.sum(seats)).astype(np.int64)
        if not missing.any():
            break
        need = missing[:, group]
        claim = quotas - seats
        can_add = (need > 0) & (seats < upper)
        can_drop = (need < 0) & (seats > lower)
        key = np.where(can_add, -claim, np.where(can_drop, claim, np.inf))
        order = np.lexsort((key, groups), axis=-1)
        position = np.empty_like(order)
        position[rows, order] = np.arange(quotas.shape[1])[None, :]
        within = position - starts[group][None, :]
        pick = within < np.abs(need)
        seats = seats + np.where(pick & can_add, 1.0, 0.0) - np.where(pick & can_drop, 1.0, 0.0)
    result: IntArray = seats.astype(np.int64)
    return result


def hamilton_rows(quotas: FloatArray, totals: IntArray) -> IntArray:
    """Plain largest remainder per row: ``quotas`` (draws x units), ``totals`` per row."""
    import numpy as np

    group = np.zeros(quotas.shape[1], dtype=np.int64)
    zeros = np.zeros_like(quotas)
    return largest_remainder(quotas, totals[:, None], group, zeros, np.full_like(quotas, np.inf))


def _sum_upper(upper: FloatArray, groups: _Groups) -> FloatArray:
    """Per-group sum of upper bounds; ``inf`` when any member has none (no 0 * inf)."""
    import numpy as np

    unbounded_units = np.isinf(upper)
    finite = groups.sum(np.where(unbounded_units, 0.0, upper))
    unbounded = groups.sum(unbounded_units.astype(np.float64)) > 0
    result: FloatArray = np.where(unbounded, np.inf, finite)
    return result


def _credit(keys: FloatArray, effort: FloatArray, factor: float, total: int) -> FloatArray:
    import numpy as np

    credit = factor * effort
    if factor == 0 or not credit.any():
        return keys * total
    active = np.ones(keys.shape, dtype=bool)
    q = np.zeros_like(keys)
    for _ in range(keys.shape[1] + 1):
        key_sum = np.where(active, keys, 0.0).sum(axis=1)
        burden = total + np.where(active, credit[None, :], 0.0).sum(axis=1)
        q = keys * (burden / key_sum)[:, None] - credit[None, :]
        dropped = active & (q <= 0)
        if not dropped.any():
            break
        active &= ~dropped
    result: FloatArray = np.where(active, q, 0.0)
    return result


def _segment_lambda(
    q: FloatArray, low: FloatArray, upper: FloatArray, targets: FloatArray
) -> FloatArray:
    """Per row: the lambda with sum_i clip(lambda * q_i, low_i, upper_i) = target, solved
    on the segment where it lies (low <= upper, q >= 0; ``upper`` may be ``inf``).

    f(lambda) is piecewise linear and non-decreasing; it changes slope where a unit leaves
    its lower bound (lambda = low_i / q_i: the constant part loses low_i, the slope gains
    q_i) and where it reaches its upper bound (upper_i / q_i: the reverse). The events are
    sorted per row, the constant part C and the slope S summed along them, and
    C + lambda * S = target is solved on the first segment that reaches the target.
    """
    import numpy as np

    rows = q.shape[0]
    positive = q > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        enter = np.where(positive, low / q, np.inf)
        leave = np.where(positive, upper / q, np.inf)
    points = np.concatenate((enter, leave), axis=1)
    finite = np.isfinite(points)
    step_const = np.where(finite, np.concatenate((-low, upper), axis=1), 0.0)
    step_slope = np.where(finite, np.concatenate((q, -q), axis=1), 0.0)
    order = np.argsort(points, axis=1)
    points = np.take_along_axis(points, order, axis=1)
    const = np.cumsum(np.take_along_axis(step_const, order, axis=1), axis=1)
    slope = np.cumsum(np.take_along_axis(step_slope, order, axis=1), axis=1)
    # C and S just before each event (with the events before it passed)
    const = np.concatenate((np.zeros((rows, 1)), const[:, :-1]), axis=1) + low.sum(
        axis=1, keepdims=True
    )
    slope = np.concatenate((np.zeros((rows, 1)), slope[:, :-1]), axis=1)
    with np.errstate(invalid="ignore"):
        value = np.where(
            np.isfinite(points),
            const + points * slope,
            np.where(slope > 0, np.inf, -np.inf),  # the last, unbounded segment
        )
    reached = value >= targets[:, None]
    first = np.argmax(reached, axis=1)[:, None]
    point = np.take_along_axis(points, first, axis=1)[:, 0]
    c = np.take_along_axis(const, first, axis=1)[:, 0]
    s = np.take_along_axis(slope, first, axis=1)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        solved = np.where(s > 0, (targets - c) / s, point)
    lam: FloatArray = np.where(reached.any(axis=1), solved, UNREACHABLE)
    return lam


def _bounded(
    q: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    totals: FloatArray,
    groups: _Groups,
) -> FloatArray:
    """Solve sum_{i in r} clip(lambda_r * q_i, l_i, u_i) = totals_r per draw (float).

    Newton on the piecewise linear sum: from lambda = T / sum q, take each unit's side of
    its bounds at lambda, solve C + lambda * S = T for that split, and repeat until the
    split no longer changes; lambda then solves its own segment (usually after 2 or 3
    steps, where bisection took some 50 passes over the whole matrix). Draws that do not
    settle (a flat sum, a target the bounds cannot meet, a split that flips back and forth)
    are solved by the sorted breakpoints of :func:`_segment_lambda`.
    """
    import numpy as np

    if not (lower > 0).any() and np.isinf(upper).all():
        sums = groups.sum(q)
        lam = np.divide(totals, sums, out=np.ones_like(sums), where=sums > 0)
        result: FloatArray = np.clip(groups.spread(lam) * q, lower, upper)
        return result

    # clip(x, l, u) is min(max(x, l), u): with l > u that is u, the same as with l = u
    low = np.minimum(lower, upper)
    settled = np.zeros(totals.shape, dtype=bool)
    side: npt.NDArray[np.int8] | None = None
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = totals / groups.sum(q)
        for _ in range(8):
            scaled = groups.spread(lam) * q
            at_low = scaled <= low
            at_up = scaled >= upper
            at_up &= ~at_low
            new_side = at_up.view(np.int8) - at_low.view(np.int8)
            if side is not None:
                changed = groups.sum((new_side != side).astype(np.float64))
                settled = (changed == 0) & np.isfinite(lam)
                if settled.all():
                    break
            side = new_side
            fixed = groups.sum(np.where(at_low, low, np.where(at_up, upper, 0.0)))
            free = groups.sum(np.where(at_low | at_up, 0.0, q))
            lam = np.where(settled, lam, (totals - fixed) / free)
    for g in np.flatnonzero(~settled.all(axis=0)):
        rows = np.flatnonzero(~settled[:, g])
        members = np.flatnonzero(groups.group == g)
        block = np.ix_(rows, members)
        lam[rows, g] = _segment_lambda(q[block], low[block], upper[block], totals[rows, g])
    result = np.clip(groups.spread(lam) * q, lower, upper)
    return result


def sensitivity(
    inp: AllocationInput,
    *,
    draws: int = 10_000,
    concentration: float = 100.0,
    seed: int = 0,
    exact: AllocationResult | None = None,
) -> SensitivityResult:
    """Per municipality p5/p50/p95 of the allocation and quota, and its rank range."""
    validate_input(inp)
    if inp.method in ("statutory", "local"):
        raise InvalidInput(
            f"sensitivity does not apply to method {inp.method} (it uses no weights)",
            field="method",
        )
    if draws < 1:
        raise InvalidInput("must be at least 1", field="draws")
    if not concentration > 0:
        raise InvalidInput("must be more than 0", field="concentration")
    import numpy as np

    exact = exact or allocate(inp)
    assert inp.total is not None  # noqa: S101
    total = inp.total
    munis = inp.municipalities
    names = sorted(name for name, alpha in inp.weights.items() if alpha > 0)
    alpha = np.array([float(inp.weights[name]) for name in names])
    values = np.array([[float(m.indicators[name]) for name in names] for m in munis])
    shares = values / values.sum(axis=0)

    rng = np.random.default_rng(seed)
    if len(names) == 1:
        drawn = np.ones((draws, 1))
    else:
        drawn = rng.dirichlet(concentration * alpha, size=draws)
    keys = drawn @ shares.T  # draws x municipalities

    effort = np.array([float(m.existing_effort) for m in munis])
    q = _credit(keys, effort, float(inp.credit_factor), total)
    explicit_lower = np.array([float(m.lower) if m.lower is not None else 0.0 for m in munis])
    upper = np.broadcast_to(
        np.array([float(m.upper) if m.upper is not None else np.inf for m in munis]),
        keys.shape,
    )
    lower = np.broadcast_to(explicit_lower, keys.shape)
    if inp.max_credit_fraction is not None:
        lower = np.maximum(lower, (1 - float(inp.max_credit_fraction)) * keys * total)
    whole_lower = np.ceil(lower - 1e-9)
    whole_upper = np.floor(upper + 1e-9)
    single = np.zeros(len(munis), dtype=np.int64)
    region_totals = np.full((draws, 1), float(total))
    quotas = _bounded(q, lower, upper, region_totals, _Groups(single, 1))

    if inp.two_tier:
        regions: dict[str, int] = {}
        group = np.array(
            [regions.setdefault(m.subregion, len(regions)) for m in munis], dtype=np.int64
        )
        by_region = _Groups(group, len(regions))
        region_seats = largest_remainder(
            by_region.sum(quotas),
            np.full((draws, 1), total, dtype=np.int64),
            np.zeros(len(regions), dtype=np.int64),
            by_region.sum(whole_lower),
            _sum_upper(whole_upper, by_region),
        )
        inner = _bounded(q, lower, upper, region_seats.astype(np.float64), by_region)
        seats = largest_remainder(inner, region_seats, group, whole_lower, whole_upper)
    else:
        seats = largest_remainder(
            quotas, np.full((draws, 1), total, dtype=np.int64), single, whole_lower, whole_upper
        )

    order = np.argsort(-quotas, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(draws)[:, None]
    ranks[rows, order] = np.arange(1, len(munis) + 1)[None, :]
    seat_pct = np.percentile(seats, [5, 50, 95], axis=0, method="inverted_cdf")
    quota_pct = np.percentile(quotas, [5, 50, 95], axis=0, method="inverted_cdf")
    exact_order = sorted(
        range(len(munis)), key=lambda i: (-exact.municipalities[i].region_quota, munis[i].code)
    )
    exact_rank = {i: pos for pos, i in enumerate(exact_order, start=1)}

    out = []
    for i, muni in enumerate(munis):
        out.append(
            MunicipalitySensitivity(
                code=muni.code,
                allocation=exact.municipalities[i].allocation,
                p5=int(seat_pct[0, i]),
                p50=int(seat_pct[1, i]),
                p95=int(seat_pct[2, i]),
                quota_p5=float(quota_pct[0, i]),
                quota_p50=float(quota_pct[1, i]),
                quota_p95=float(quota_pct[2, i]),
                rank=exact_rank[i],
                rank_min=int(ranks[:, i].min()),
                rank_max=int(ranks[:, i].max()),
            )
        )
    return SensitivityResult(
        draws=draws, concentration=concentration, seed=seed, municipalities=tuple(out)
    )


def sensitivity_to_dict(result: SensitivityResult) -> dict[str, Any]:
    """Plain JSON values (quotas rounded to 6 decimals; they are indicative floats)."""
    return {
        "draws": result.draws,
        "concentration": result.concentration,
        "seed": result.seed,
        "indicative": True,
        "municipalities": [
            {
                "code": m.code,
                "allocation": m.allocation,
                "p5": m.p5,
                "p50": m.p50,
                "p95": m.p95,
                "quota_p5": round(m.quota_p5, 6),
                "quota_p50": round(m.quota_p50, 6),
                "quota_p95": round(m.quota_p95, 6),
                "rank": m.rank,
                "rank_min": m.rank_min,
                "rank_max": m.rank_max,
            }
            for m in result.municipalities
        ],
    }
