"""Sensitivity of the allocation to the weights (indicative, in float64).

Weights are drawn around the chosen ones, alpha' ~ Dirichlet(kappa * alpha) over the
indicators with alpha_k > 0, with ``numpy.random.default_rng(seed)``. All keys are one
matrix product; credit (with re-spreading) and bounds (lambda by bisection) are applied
per draw in vectorised float64; each draw is rounded with Hamilton (two-tier: sub-regions
first, then inside each sub-region). Whole-number bounds and the exact tie rule are not
applied here: the read-out is indicative, the agreed numbers come from :func:`allocate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from allocation.engine.core import allocate, validate_input
from allocation.engine.errors import InvalidInput
from allocation.engine.types import AllocationInput, AllocationResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


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
    n_groups = totals.shape[1]
    onehot = np.zeros((quotas.shape[1], n_groups))
    onehot[np.arange(quotas.shape[1]), group] = 1.0
    seats = np.clip(np.floor(quotas), lower, upper)
    groups = np.broadcast_to(group, quotas.shape)
    starts = np.zeros(n_groups, dtype=np.int64)
    starts[1:] = np.cumsum(np.bincount(group, minlength=n_groups))[:-1]
    rows = np.arange(quotas.shape[0])[:, None]
    for _ in range(quotas.shape[1] + 1):
        missing = totals - np.rint(seats @ onehot).astype(np.int64)
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
    group = np.zeros(quotas.shape[1], dtype=np.int64)
    zeros = np.zeros_like(quotas)
    return largest_remainder(quotas, totals[:, None], group, zeros, np.full_like(quotas, np.inf))


def _sum_upper(upper: FloatArray, onehot: FloatArray) -> FloatArray:
    """Per-group sum of upper bounds; ``inf`` when any member has none (no 0 * inf)."""
    finite = np.where(np.isinf(upper), 0.0, upper) @ onehot
    unbounded = (np.isinf(upper).astype(np.float64) @ onehot) > 0
    return np.where(unbounded, np.inf, finite)


def _credit(keys: FloatArray, effort: FloatArray, factor: float, total: int) -> FloatArray:
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
    return np.where(active, q, 0.0)


def _bounded(
    q: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    totals: FloatArray,
    group: IntArray,
) -> FloatArray:
    """Solve sum_{i in r} clip(lambda_r * q_i, l_i, u_i) = totals_r by bisection (float)."""
    n_groups = totals.shape[1]
    perm = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    qp = np.ascontiguousarray(q[:, perm])
    lp = np.ascontiguousarray(lower[:, perm])
    up = np.ascontiguousarray(upper[:, perm])

    sorted_group = group[perm]
    buffer = np.empty_like(qp)

    def spread(lam: FloatArray) -> FloatArray:
        if n_groups == 1:
            return lam
        return np.take(lam, sorted_group, axis=1)

    def total_at(lam: FloatArray) -> FloatArray:
        np.multiply(spread(lam), qp, out=buffer)
        np.maximum(buffer, lp, out=buffer)
        np.minimum(buffer, up, out=buffer)
        summed: FloatArray
        if n_groups == 1:
            summed = buffer.sum(axis=1, keepdims=True)
        else:
            summed = np.add.reduceat(buffer, starts, axis=1)
        return summed

    if not (lower > 0).any() and np.isinf(upper).all():
        sums = np.add.reduceat(qp, starts, axis=1)
        lam = np.divide(totals, sums, out=np.ones_like(sums), where=sums > 0)
    else:
        low = np.zeros(totals.shape)
        high = np.ones(totals.shape)
        for _ in range(200):
            too_small = total_at(high) < totals
            if not too_small.any():
                break
            high = np.where(too_small, high * 2, high)
        for _ in range(48):
            mid = (low + high) / 2
            below = total_at(mid) < totals
            low = np.where(below, mid, low)
            high = np.where(below, high, mid)
        lam = high
    out = np.empty_like(q)
    out[:, perm] = np.clip(spread(lam) * qp, lp, up)
    return out


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
    quotas = _bounded(q, lower, upper, region_totals, single)

    if inp.two_tier:
        regions: dict[str, int] = {}
        group = np.array([regions.setdefault(m.subregion, len(regions)) for m in munis])
        onehot = np.zeros((len(munis), len(regions)))
        onehot[np.arange(len(munis)), group] = 1.0
        region_seats = largest_remainder(
            quotas @ onehot,
            np.full((draws, 1), total, dtype=np.int64),
            np.zeros(len(regions), dtype=np.int64),
            whole_lower @ onehot,
            _sum_upper(whole_upper, onehot),
        )
        inner = _bounded(q, lower, upper, region_seats.astype(np.float64), group)
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
