"""`make bench`: run every benchmark script in this folder and print their reports.

Each bench_*.py prints its own table (median over repeats, with the target) and exits 0;
this runner stops with a non-zero exit only if a script crashes.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        command = [sys.executable, str(script)]  # our own scripts, no user input
        result = subprocess.run(command, env=env, cwd=HERE.parent, check=False)  # noqa: S603
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nbenchmarks that crashed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
