"""Benchmark of the allocation engine alone and of the weight sensitivity (wall time).

Run: ``.venv/bin/python bench/bench_engine.py [--repeats 20] [--data municipalities.csv]``

Cases:
  (a) sensitivity: 10,000 Dirichlet draws at MRA size (issue 14 target: 300 ms).
  (b) for information, the engine call alone (``allocate``): 30 municipalities in 7
      sub-regions x 7 groups, two-tier, credit, bounds; and 342 in 40 regions x 7 groups.
      What the worker does per group (engine, output, fairness) is timed by
      ``bench_group.py``.

The inputs are synthetic and deterministic (MRA-shaped magnitudes), so the script needs
no data file; ``--data`` takes a CSV with ``cbs_code,name,subregion,population,dwellings``
instead (social rental stock, mutations and effort are then derived, illustratively).
Prints min, median and max per case; the verdict is on the median. Always exits 0.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import sys
from fractions import Fraction
from pathlib import Path

# BENCH_CODE_ROOT times another copy of the code (e.g. the code before a change).
sys.path.insert(0, os.environ.get("BENCH_CODE_ROOT") or str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import HEADER, line, measure  # noqa: E402

from allocation.engine import (  # noqa: E402
    AllocationInput,
    Municipality,
    allocate,
    sensitivity,
)

# sub-region sizes of the MRA: 1 + 6 + 2 + 6 + 4 + 7 + 4 = 30
MRA_SUBREGIONS = (1, 6, 2, 6, 4, 7, 4)
# (group, regional task at MRA size): illustrative magnitudes
GROUPS = (
    ("homeless", 450),
    ("status_holders", 1600),
    ("urgent", 2400),
    ("institution_leavers", 900),
    ("labour_migrants", 1300),
    ("students", 1100),
    ("caravan_dwellers", 70),
)
WEIGHTS = {"population": "0.4", "social_rental": "0.4", "mutations": "0.2"}


def synthetic_municipalities(count: int, subregion_sizes: list[int], seed: int) -> list[dict]:
    """Deterministic MRA-shaped figures: one large city, the rest 9k-230k inhabitants."""
    rng = random.Random(seed)
    rows = []
    index = 0
    for region, size in enumerate(subregion_sizes):
        for _ in range(size):
            population = 900_000 if index == 0 else int(9_000 * (25 ** rng.random()))
            dwellings = int(population * rng.uniform(0.40, 0.52))
            rows.append(
                {
                    "code": f"GM{index:04d}",
                    "name": f"Municipality {index}",
                    "subregion": f"Region {region}",
                    "population": population,
                    "dwellings": dwellings,
                }
            )
            index += 1
    assert index == count
    return rows


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "code": row["cbs_code"],
                "name": row["name"],
                "subregion": row["subregion"],
                "population": int(row["population"]),
                "dwellings": int(row["dwellings"]),
            }
            for row in csv.DictReader(handle)
        ]


def build_inputs(rows: list[dict], scale: int, seed: int) -> list[AllocationInput]:
    """Seven groups on the same municipalities: two-tier, credit 0.5, m = 0.5, bounds."""
    rng = random.Random(seed)
    inputs = []
    for group_index, (_, task) in enumerate(GROUPS):
        total = task * scale
        munis = []
        for i, row in enumerate(rows):
            social = int(row["dwellings"] * rng.uniform(0.12, 0.55))
            mutations = max(1, int(social * rng.uniform(0.03, 0.07)))
            effort = int(total * row["population"] / 2_600_000 / scale * rng.uniform(0, 1.6))
            upper = None
            if (i + group_index) % 5 == 0:
                share = Fraction(total * row["population"] * 3, 2_600_000 * scale)
                upper = Fraction(math.ceil(share) + 1)
            munis.append(
                Municipality(
                    code=row["code"],
                    name=row["name"],
                    subregion=row["subregion"],
                    indicators={
                        "population": Fraction(row["population"]),
                        "social_rental": Fraction(social),
                        "mutations": Fraction(mutations),
                    },
                    existing_effort=Fraction(effort),
                    upper=upper,
                    backlog=rng.randint(-3, 5),
                )
            )
        inputs.append(
            AllocationInput(
                total=total,
                municipalities=tuple(munis),
                weights={name: Fraction(alpha) for name, alpha in WEIGHTS.items()},
                method="hamilton" if group_index % 2 == 0 else "sainte-lague",
                two_tier=True,
                credit_factor=Fraction("0.5"),
                max_credit_fraction=Fraction("0.5"),
            )
        )
    return inputs


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--data", type=Path, help="CSV with cbs_code,name,subregion,population,dwellings"
    )
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()

    if args.data:
        mra_rows = read_csv(args.data)
    else:
        mra_rows = synthetic_municipalities(30, list(MRA_SUBREGIONS), seed=2024)
    national_sizes = [9 if i < 22 else 8 for i in range(40)]  # 22 * 9 + 18 * 8 = 342
    national_rows = synthetic_municipalities(342, national_sizes, seed=342)

    mra = build_inputs(mra_rows, scale=1, seed=1)
    national = build_inputs(national_rows, scale=7, seed=2)
    exact = allocate(mra[0])

    cases = [
        (
            f"sensitivity: {args.draws:,} draws, MRA size",
            lambda: sensitivity(mra[0], draws=args.draws, seed=0, exact=exact),
            0.300,
        ),
        (
            "(info) engine alone: MRA 30 x 7 groups",
            lambda: [allocate(i) for i in mra],
            None,
        ),
        (
            "(info) engine alone: national 342 x 7 groups",
            lambda: [allocate(i) for i in national],
            None,
        ),
    ]
    print(f"repeats: {args.repeats} after one warm-up; times in milliseconds")
    print(HEADER)
    print("-" * len(HEADER))
    for name, run, target in cases:
        print(line(name, measure(run, args.repeats), target), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
