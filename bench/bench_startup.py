"""A second `make run`: seconds from the command to the first 200 of the login page.

The first run (migrations, demo data, eight PDFs) is set-up and not timed. Then the same
command `make run` executes (`manage.py serve_demo`, bytecode caches on) is started again
against the same demo database REPEATS times; each time we poll /inloggen/ until it answers
200, then stop the server. Target (issue 14): at most 5 s.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _shared import HEADER, line

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
TARGET_S = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_until_ok(env: dict[str, str], timeout: float) -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "serve_demo", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.perf_counter() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/inloggen/", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"no 200 within {timeout:.0f} s")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="mra-startup-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "PYTHONDONTWRITEBYTECODE": "",
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "REDIS_URL": "",
        }
        env.pop("SECRET_KEY", None)
        print("first run (set-up, not timed) ...", flush=True)
        serve_until_ok(env, timeout=900)
        times = [serve_until_ok(env, timeout=120) for _ in range(REPEATS)]
    print(HEADER)
    print(line("second `make run` to its first 200 (s as ms)", times, TARGET_S))


if __name__ == "__main__":
    main()
