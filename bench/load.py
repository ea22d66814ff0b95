"""`make load`: a bounded load run against the production shape, on loopback (issue 14).

Run: ``.venv/bin/python bench/load.py [--users 50] [--seconds 60] [--database mra_load]``

1. (Re)creates a PostgreSQL database of its own (``--database``, on ``--postgres``), migrates
   it and seeds the demo (``demo_data --force``, computed in-process), then computes one more
   run of the newest round's first scenario as the worker would.
2. Starts gunicorn as docker-compose does (``mra_housing.wsgi``, 3 workers, DEBUG off) on a
   free loopback port, with the local Redis (``REDIS_URL``) as cache.
3. Drives ``--users`` concurrent users (threads with ``requests``): each signs in once
   through the login form (demo accounts that need no second step); when all have, for
   ``--seconds`` each requests in turn the region dashboard, the round page, the scenario's results, the
   dashboard page of a municipality and ``/healthz`` (the trivial page), each right after
   the previous answer.
4. Prints per page the number of requests, p50 and p95 in milliseconds and the errors (any
   answer but 200, or no answer), and the throughput of the dashboard against the trivial
   page: completed requests per second of waiting, i.e. mean latency(trivial) / mean
   latency(dashboard). Stops gunicorn, drops the database, exits 1 on any error.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Demo accounts that sign in with a password only (no second step in production).
ACCOUNTS = [
    "stuurgroep.amsterdam",
    "stuurgroep.amstelland-meerlanden",
    "stuurgroep.almere-lelystad",
    "stuurgroep.gooi-en-vechtstreek",
    "stuurgroep.ijmond",
    "stuurgroep.zaanstreek-waterland",
    "stuurgroep.zuid-kennemerland",
    "coordinator.zuid-kennemerland",
    "beleid.haarlem",
    "beleid2.haarlem",
    "beleid.amsterdam",
]
PASSWORD = "mra-demo"  # noqa: S105 - the demo's documented password, on a throw-away database
MUNICIPALITY = "GM0392"

# Computes one more run of the newest round's first scenario, then prints the pages' ids.
PREPARE = """
import json
from allocation import services
from allocation.models import Round, RunStatus, ScenarioRun
round_ = Round.objects.order_by("-pk").first()
scenario = round_.scenarios.order_by("pk").first()
queued = ScenarioRun.objects.create(scenario=scenario, celery_task_id="load")
run = services.run_execute(run_id=queued.pk)
if run is None or run.status != RunStatus.SUCCEEDED:
    raise SystemExit("the computation failed")
print(json.dumps({"round": round_.pk, "scenario": scenario.pk, "run": run.pk}))
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def recreate_database(server: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"not a plain database name: {name!r}")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []

    def add(self, page: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if error is not None:
                self.errors[page] += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{page}: {error}")


def login(session: requests.Session, base: str, username: str) -> str | None:
    """Sign in through the login form; None when it worked, else what went wrong."""
    page = session.get(f"{base}/inloggen/", timeout=300)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or token is None:
        return f"login page answered {page.status_code}"
    answer = session.post(
        f"{base}/inloggen/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base}/inloggen/"},
        timeout=300,
        allow_redirects=False,
    )
    if answer.status_code != 302 or "/inloggen/" in answer.headers.get("Location", ""):
        return f"sign-in answered {answer.status_code} to {answer.headers.get('Location')}"
    return None


class Clock:
    """The timed window starts when every user has signed in (or failed to)."""

    def __init__(self, users: int, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = 0.0
        self.started = 0.0
        self.barrier = threading.Barrier(users, action=self.start)

    def start(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds


def user(
    number: int, base: str, pages: list[tuple[str, str]], clock: Clock, results: Results
) -> None:
    session = requests.Session()
    start = time.perf_counter()
    try:
        # Signing in hashes the password (PBKDF2, about a second of CPU each): 50 at once
        # queue behind each other, so they get a long timeout and happen before the window.
        error = login(session, base, ACCOUNTS[number % len(ACCOUNTS)])
    except requests.RequestException as exc:
        error = type(exc).__name__
    results.add("sign-in (once per user, before the window)", time.perf_counter() - start, error)
    clock.barrier.wait()
    if error is not None:
        return
    deadline = clock.deadline
    order = itertools.islice(itertools.cycle(pages), number % len(pages), None)
    for name, path in order:
        if time.monotonic() >= deadline:
            break
        start = time.perf_counter()
        try:
            response = session.get(base + path, timeout=60, allow_redirects=False)
            error = None if response.status_code == 200 else f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            error = type(exc).__name__
        results.add(name, time.perf_counter() - start, error)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(results: Results, seconds: float, users: int, machine: str) -> tuple[str, int]:
    lines = [
        f"Load run {time.strftime('%Y-%m-%d %H:%M %Z')}: {users} users for {seconds:.0f} s, "
        f"gunicorn (3 workers) + PostgreSQL + Redis on loopback; {machine}",
        "",
        "| page | requests | per second | p50 (ms) | p95 (ms) | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, times in results.times.items():
        rate = "–" if name.startswith("sign-in") else f"{len(times) / seconds:.1f}"
        lines.append(
            f"| {name} | {len(times)} | {rate} | "
            f"{percentile(times, 0.5) * 1000:.0f} | {percentile(times, 0.95) * 1000:.0f} | "
            f"{results.errors.get(name, 0)} |"
        )
    dashboard, trivial = results.times.get("dashboard"), results.times.get("trivial (/healthz)")
    if dashboard and trivial:
        ratio = statistics.mean(trivial) / statistics.mean(dashboard)
        lines += [
            "",
            f"Dashboard against trivial throughput (requests per second of waiting, "
            f"mean latency trivial / dashboard): {ratio:.2f} "
            f"(one dashboard request costs {1 / ratio:.1f} trivial ones).",
        ]
    errors = sum(results.errors.values())
    lines.append(f"Errors: {errors}.")
    lines += [f"  e.g. {example}" for example in results.examples]
    return "\n".join(lines), errors


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE", "mra_load"))
    parser.add_argument(
        "--postgres", default=os.environ.get("LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument(
        "--redis", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    machine = (
        f"{platform.node()}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, load average at start "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(f"preparing database {args.database} ...", flush=True)
    recreate_database(args.postgres, args.database)
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PYTHONPATH", "DEBUG"}}
    env.update(
        DATABASE_URL=f"{args.postgres}/{args.database}",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL="false",
        STATIC_MANIFEST="false",
    )
    manage(env, "migrate", "--no-input")
    print("seeding the demo and computing a run (in-process) ...", flush=True)
    manage(env, "demo_data", "--force")
    ids = json.loads(manage(env, "shell", "-c", PREPARE).strip().splitlines()[-1])
    pages = [
        ("dashboard", f"/dashboard/rondes/{ids['round']}/scenarios/{ids['scenario']}/"),
        ("round", f"/rondes/{ids['round']}/"),
        ("scenario results", f"/berekeningen/{ids['run']}/"),
        (
            "municipality (dashboard)",
            f"/dashboard/rondes/{ids['round']}/scenarios/{ids['scenario']}/gemeenten/"
            f"{MUNICIPALITY}/",
        ),
        ("trivial (/healthz)", "/healthz"),
    ]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web_env = {**env, "REDIS_URL": args.redis}
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "mra_housing.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "60",
    ]
    print(f"starting gunicorn on {base} ...", flush=True)
    gunicorn = subprocess.Popen(command, cwd=ROOT, env=web_env)  # noqa: S603 - fixed command
    try:
        wait_until_up(base + "/healthz", gunicorn)
        results = Results()
        clock = Clock(args.users, args.seconds)
        print(f"{args.users} users sign in, then {args.seconds:.0f} s of pages ...", flush=True)
        threads = [
            threading.Thread(target=user, args=(i, base, pages, clock, results), daemon=True)
            for i in range(args.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 900)
        elapsed = time.monotonic() - clock.started
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        if not args.keep_database:
            recreate_database(args.postgres, args.database, drop_only=True)
    text, errors = report(results, elapsed, args.users, machine)
    print()
    print(text)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
