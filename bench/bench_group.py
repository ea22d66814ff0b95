"""Benchmark: a complete run of one group as the worker does it (issue 14, target 1).

Run: ``.venv/bin/python bench/bench_group.py [--repeats 20]``

What is timed is what ``allocation.compute.compute_group`` does for one group, without the
weight sensitivity (timed on its own in ``bench_engine.py``): parse the batch JSON, run the
engine, the fairness read-outs with the group's household size and the fall-back
comparison, and the stored output with the explanation of every municipality
(``result_to_dict`` and ``fairness_to_dict``), for a round of one year (more years only
multiply the mutations the read-outs compare with). Before timing, the script checks once
that this path stores exactly what ``compute_group`` stores.

Cases: the urgent group (Hamilton, two-tier, credit 0.5 with m = 0.5, upper bounds of 50%
of the mutations) on 30 municipalities in the 7 MRA sub-regions, on 342 in 40 regions and on
3,000 in 300 regions; then time(3,000) / time(342) (linear would be about 8.8); and for
information all 7 groups with the overall read-out at MRA and national size.
Prints min, median and max per case; the verdict is on the median. Always exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

# BENCH_CODE_ROOT times another copy of the code (e.g. the code before a change).
sys.path.insert(0, os.environ.get("BENCH_CODE_ROOT") or str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import (  # noqa: E402
    GROUPS,
    HEADER,
    LARGE_SUBREGIONS,
    MRA_SUBREGIONS,
    NATIONAL_SUBREGIONS,
    group_scenario,
    line,
    measure,
    synthetic_rows,
    verdict,
)

from allocation.compute import ReadOutOptions, compute_group, overall_fairness  # noqa: E402
from allocation.engine import (  # noqa: E402
    allocate,
    fairness,
    fairness_to_dict,
    parse_scenario,
    result_to_dict,
)

OPTIONS = ReadOutOptions(
    mutation_threshold=Fraction(1, 2),
    urgent_fallback=Fraction(15, 100),
    sensitivity_draws=100,
    sensitivity_concentration=Fraction(100),
    sensitivity_seed=0,
)
URGENT = 2  # index of the urgent group in GROUPS
TARGETS = {30: 0.020, 342: 0.150, 3000: 1.5}
RATIO_TARGET = 10.0


def group_run(scenario: dict[str, Any], group_code: str, household_size: Fraction) -> Any:
    """``compute_group`` without the sensitivity: what the worker stores, and the result."""
    inp = parse_scenario(dict(scenario))
    result = allocate(inp)
    report = fairness(
        result,
        group=group_code,
        household_size=household_size,
        mutation_threshold=OPTIONS.mutation_threshold,
        urgent=group_code == OPTIONS.urgent_group,
        urgent_fallback_pct=OPTIONS.urgent_fallback,
    )
    stored = {
        "result": result_to_dict(result, include_fairness=False),
        "fairness": fairness_to_dict(report),
    }
    return stored, result


def all_groups_run(scenarios: list[dict[str, Any]]) -> Any:
    """Every group, then the read-outs over all groups, as ``run_execute`` does."""
    results = {}
    for index, scenario in enumerate(scenarios):
        code, _, household, _, _ = GROUPS[index]
        size = Fraction(household)
        _, result = group_run(scenario, code, size)
        results[code] = (result, size)
    return overall_fairness(results, OPTIONS)


def check_equivalent(scenario: dict[str, Any]) -> None:
    code, _, household, _, _ = GROUPS[URGENT]
    ours, _ = group_run(scenario, code, Fraction(household))
    theirs, _ = compute_group(
        scenario, group_code=code, household_size=Fraction(household), options=OPTIONS
    )
    if ours["result"] != theirs["result"] or ours["fairness"] != theirs["fairness"]:
        raise SystemExit("bench_group: the timed path does not store what compute_group stores")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="repeats at MRA size")
    args = parser.parse_args()
    repeats = {30: args.repeats, 342: max(3, args.repeats // 2), 3000: max(3, args.repeats // 4)}

    sizes = {30: MRA_SUBREGIONS, 342: NATIONAL_SUBREGIONS, 3000: LARGE_SUBREGIONS}
    scales = {30: 1, 342: 7, 3000: 61}
    rows = {n: synthetic_rows(sizes[n], seed=n) for n in sizes}
    urgent = {n: group_scenario(rows[n], URGENT, scale=scales[n], seed=n) for n in sizes}
    check_equivalent(urgent[30])
    code, _, household, _, _ = GROUPS[URGENT]
    size = Fraction(household)

    print("one group as the worker runs it (engine, output with explanation, fairness);")
    print("times in milliseconds, verdict on the median; repeats after one warm-up:")
    print(", ".join(f"{n:,}: {r}" for n, r in repeats.items()), flush=True)
    print(HEADER)
    print("-" * len(HEADER))
    times: dict[int, list[float]] = {n: [] for n in sizes}
    cpu: dict[int, list[float]] = {n: [] for n in sizes}

    def runner(n: int) -> Callable[[], object]:
        return lambda: group_run(urgent[n], code, size)

    times[30] = measure(runner(30), repeats[30], cpu=cpu[30])
    # 342 and 3,000 in turns, so that a busy spell of the machine falls on both sides of
    # the ratio rather than on one
    for n in (342, 3000):
        runner(n)()  # warm-up
    for turn in range(max(repeats[342], repeats[3000])):
        for n in (342, 3000):
            if turn < repeats[n]:
                times[n] += measure(runner(n), 1, warmup=0, cpu=cpu[n])
    for n in sizes:
        regions = len(sizes[n])
        print(line(f"group run: {n:,} municipalities in {regions} regions", times[n], TARGETS[n]))
    for n in sizes:
        print(line(f"(info) the same runs, CPU time: {n:,}", cpu[n], None))
    wall_ratio = statistics.median(times[3000]) / statistics.median(times[342])
    cpu_ratio = statistics.median(cpu[3000]) / statistics.median(cpu[342])
    print(
        f"{'ratio time(3,000) / time(342), CPU time':<52} "
        f"{min(cpu[3000]) / min(cpu[342]):>9.2f} {cpu_ratio:>9.2f} {'':>9} "
        f"{RATIO_TARGET:>9.1f}  {verdict(cpu_ratio, RATIO_TARGET)}"
    )
    print(
        f"(ratio columns: of the minimums, of the medians; the verdict is on the CPU medians,\n"
        f" which other work on the machine disturbs least; wall-time medians give "
        f"{wall_ratio:.2f}; linear would be about 8.8)"
    )
    for n in (30, 342):
        scenarios = [
            group_scenario(rows[n], g, scale=scales[n], seed=n) for g in range(len(GROUPS))
        ]
        spent = measure(partial(all_groups_run, scenarios), max(3, repeats[n] // 2))
        print(line(f"(info) all 7 groups + overall read-out, {n:,}", spent, None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
