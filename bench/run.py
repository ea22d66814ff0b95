"""`make bench`: run every benchmark script in this folder, then list every target's verdict.

Each bench_*.py prints its own table (min, median and max over its repeats, the target and
PASS/FAIL on the median) and exits 0; this runner shows their output as it comes, ends
with a summary of the target lines, and exits non-zero only if a script crashes.
``python bench/run.py group command`` runs only bench_group.py and bench_command.py.
"""

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("PASS", "FAIL", "MISS")


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"load average {load}, Python {platform.python_version()}"
    )


def main() -> int:
    wanted = sys.argv[1:]
    scripts = [
        script
        for script in sorted(HERE.glob("bench_*.py"))
        if not wanted or script.stem.removeprefix("bench_") in wanted
    ]
    failed = []
    targets: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    print(f"machine: {machine()}")
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        command = [sys.executable, str(script)]  # our own scripts, no user input
        with subprocess.Popen(  # noqa: S603
            command, env=env, cwd=HERE.parent, stdout=subprocess.PIPE, text=True
        ) as process:
            assert process.stdout is not None
            for text in process.stdout:
                print(text, end="", flush=True)
                if text.rstrip().endswith(VERDICTS):
                    targets.append(f"{script.stem.removeprefix('bench_'):<8} {text.rstrip()}")
        if process.returncode != 0:
            failed.append(script.name)
    print(f"\n=== summary: {len(targets)} targets (verdict on the median) ===")
    for target in targets:
        print(target)
    print(f"machine at the end: {machine()}")
    if failed:
        print(f"\nbenchmarks that crashed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
