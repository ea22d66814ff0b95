"""Shared helpers of the benchmark scripts: synthetic inputs, timing and the report lines.

Not a benchmark itself (``bench/run.py`` only runs ``bench_*.py``). The inputs are
synthetic and deterministic, with MRA-shaped magnitudes: one large city, the rest between
9,000 and 225,000 inhabitants, social rental stock 12-55% of the dwellings, mutations
3-7% of the social rental stock.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# sub-region sizes of the MRA: 1 + 6 + 2 + 6 + 4 + 7 + 4 = 30
MRA_SUBREGIONS = (1, 6, 2, 6, 4, 7, 4)
NATIONAL_SUBREGIONS = tuple(9 if i < 22 else 8 for i in range(40))  # 22 * 9 + 18 * 8 = 342
LARGE_SUBREGIONS = tuple(10 for _ in range(300))  # 3,000 in 300 regions, as many per region

# (group, regional task at MRA size, household size, method, share of mutations as upper bound)
GROUPS: tuple[tuple[str, int, str, str, int | None], ...] = (
    ("homeless", 450, "1", "hamilton", None),
    ("status_holders", 1600, "2.4", "sainte-lague", None),
    ("urgent", 2400, "1", "hamilton", 50),
    ("institution_leavers", 900, "1", "sainte-lague", None),
    ("labour_migrants", 1300, "1.6", "hamilton", None),
    ("students", 1100, "1", "dhondt", None),
    ("caravan_dwellers", 70, "3.1", "hamilton", None),
)
WEIGHTS = {"population": "0.4", "social_rental": "0.4", "mutations": "0.2"}
MRA_POPULATION = 2_600_000


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    subregion: str
    population: int
    dwellings: int


def synthetic_rows(subregion_sizes: tuple[int, ...], seed: int) -> list[Row]:
    """Deterministic MRA-shaped municipalities in sub-regions of the given sizes."""
    rng = random.Random(seed)
    rows = []
    index = 0
    for region, size in enumerate(subregion_sizes):
        for _ in range(size):
            population = 900_000 if index == 0 else int(9_000 * (25 ** rng.random()))
            rows.append(
                Row(
                    code=f"GM{index:04d}",
                    name=f"Municipality {index}",
                    subregion=f"Region {region}",
                    population=population,
                    dwellings=int(population * rng.uniform(0.40, 0.52)),
                )
            )
            index += 1
    return rows


def group_scenario(rows: list[Row], group_index: int, *, scale: int, seed: int) -> dict[str, Any]:
    """One group's batch JSON as the worker builds it (DOMAIN.md 5, as in
    ``allocation.selectors.group_scenario``): two-tier, credit 0.5, at most half of the share
    credited, an upper bound of a share of the mutations where the group has one."""
    _, task, household, method, upper_pct = GROUPS[group_index]
    rng = random.Random(seed * 1000 + group_index)
    total = task * scale
    population_total = MRA_POPULATION * scale
    municipalities = []
    for row in rows:
        social = int(row.dwellings * rng.uniform(0.12, 0.55))
        mutations = max(1, int(social * rng.uniform(0.03, 0.07)))
        effort = int(total * row.population / population_total * rng.uniform(0, 1.6))
        upper = None
        if upper_pct is not None:
            # an upper bound that is loose for most but binds for a few
            slack = rng.choice((1, 1, 1, 3))
            upper = str(Decimal(upper_pct * mutations * slack) / 100 * Decimal(household))
        municipalities.append(
            {
                "code": row.code,
                "name": row.name,
                "subregion": row.subregion,
                "indicators": {
                    "mutations": mutations,
                    "population": row.population,
                    "social_rental": social,
                },
                "existing_effort": effort,
                "lower": None,
                "upper": upper,
                "backlog": rng.randint(-3, 5),
            }
        )
    return {
        "description": f"bench {GROUPS[group_index][0]}",
        "total": total,
        "method": method,
        "two_tier": True,
        "strict_ties": False,
        "weights": dict(WEIGHTS),
        "credit_factor": "0.5",
        "max_credit_fraction": "0.5",
        "statutory": None,
        "household_size": household,
        "municipalities": municipalities,
    }


def measure(
    run: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    cpu: list[float] | None = None,
) -> list[float]:
    """Wall times in seconds of ``repeats`` runs after ``warmup`` untimed ones; the CPU
    time of this process for each run is appended to ``cpu`` when it is given.

    Every run starts from a collected heap (``gc.collect()`` before the clock starts), so
    that one run does not pay for the garbage of the previous one; the collector stays on
    while it runs, as in the worker.
    """
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        gc.collect()
        start_cpu = time.process_time()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return times


def spread_ms(times: list[float]) -> str:
    """``min / median / max`` in milliseconds."""
    return (
        f"{min(times) * 1000:9.2f} {statistics.median(times) * 1000:9.2f} {max(times) * 1000:9.2f}"
    )


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return "-"
    return "PASS" if value <= target else "FAIL"


HEADER = f"{'case':<52} {'min':>9} {'median':>9} {'max':>9} {'target':>9}  result"


def line(name: str, times: list[float], target_s: float | None) -> str:
    """One table row in milliseconds; the verdict is on the median."""
    target = "-" if target_s is None else f"{target_s * 1000:.0f}"
    return (
        f"{name:<52} {spread_ms(times)} {target:>9}  {verdict(statistics.median(times), target_s)}"
    )
