"""Benchmark: ``manage.py allocate`` as a whole process on the MRA (issue 14, target 3).

Run: ``.venv/bin/python bench/bench_command.py [--repeats 10]``

Writes the urgent group's scenario for the 30 MRA-shaped municipalities (as
``bench_group.py`` builds it) to a temporary file and runs
``python manage.py allocate --input scenario.json --output result.json`` as a new process,
``--repeats`` times after one warm-up (which fills the file cache). Target: 0.6 s wall
time per process. For reference, in the same run: a bare ``python -c pass`` and the
process CPU time (user + system) of the command. Then it lists which of the heavy
packages (Celery, DRF, numpy, pandas, WeasyPrint) the command imported: none is used.
Prints min, median and max per case; the verdict is on the median. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _shared import (  # noqa: E402
    HEADER,
    MRA_SUBREGIONS,
    group_scenario,
    line,
    synthetic_rows,
)

ROOT = Path(os.environ.get("BENCH_CODE_ROOT") or HERE.parent)
TARGET = 0.6
HEAVY = ("celery", "kombu", "rest_framework", "drf_spectacular", "numpy", "pandas", "weasyprint")
URGENT = 2

# Runs manage.py's main() in this process and reports the heavy packages it imported.
PROBE = """
import json, runpy, sys
scenario, result = sys.argv[1], sys.argv[2]
sys.argv = ["manage.py", "allocate", "--input", scenario, "--output", result]
runpy.run_path("manage.py", run_name="__main__")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))))
"""


def run_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # our own interpreter and manage.py with fixed arguments, no user input
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH"}}
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "scenario.json"
        result = Path(tmp) / "result.json"
        rows = synthetic_rows(MRA_SUBREGIONS, seed=30)
        scenario.write_text(json.dumps(group_scenario(rows, URGENT, scale=1, seed=30)))
        command = [
            sys.executable,
            str(ROOT / "manage.py"),
            "allocate",
            "--input",
            str(scenario),
            "--output",
            str(result),
        ]
        bare = [sys.executable, "-c", "pass"]
        run_process(command, env)  # warm-up: file cache, .pyc files
        walls: list[float] = []
        cpus: list[float] = []
        bare_walls: list[float] = []
        for _ in range(args.repeats):
            wall, cpu = run_process(command, env)
            walls.append(wall)
            cpus.append(cpu)
            bare_walls.append(run_process(bare, env)[0])
        probe = subprocess.run(  # noqa: S603 - our interpreter, fixed code
            [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", str(scenario), str(result)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        imported = json.loads(probe.stdout.strip().splitlines()[-1])
        allocations = len(json.loads(result.read_text())["allocations"])

    print(f"manage.py allocate on {allocations} municipalities, {args.repeats} processes")
    print("after one warm-up; times in milliseconds")
    print(HEADER)
    print("-" * len(HEADER))
    print(line("manage.py allocate, MRA 30: wall time", walls, TARGET))
    print(line("(info) the same processes: CPU time (user + system)", cpus, None))
    print(line("(info) reference: python -c pass, wall time", bare_walls, None))
    print(f"heavy packages the command imported: {', '.join(imported) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
