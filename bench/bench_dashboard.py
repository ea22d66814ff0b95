"""Benchmark: the dashboard overview against a trivial view, in one process (issue 14).

Run: ``.venv/bin/python bench/bench_dashboard.py [--repeats 30]``

Sets up Django by itself on a temporary SQLite database (migrations, the reference fixture,
the illustrative demo figures and the demo accounts), computes a scenario with all seven
target groups for the 30 MRA municipalities eagerly, and signs in a steering-group member
with Django's test client. Then it times whole requests through the middleware, the view
and the template, after one warm-up each:

- the trivial view: the list of rounds of the dashboards (sign-in, the base template and
  one query), the reference every ratio is taken against;
- the overview's first screen (the matrix municipality x group) of the same scenario;
- for information: the same with the caches emptied before every request (the run's
  results read and shaped again), the other tabs, and ``/healthz``.

Targets: overview ≤ 4 x the trivial view (ratio of the medians of the CPU time per request,
measured side by side in the same run; the wall-time ratio is printed too) and the
overview's HTML ≤ 120 KB. Prints min, median and max per case in
milliseconds and PASS/FAIL per target; always exits 0.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from _shared import HEADER, line, measure  # noqa: E402

RATIO_TARGET = 4.0
HTML_TARGET = 120_000
USER = "stuurgroep.zuid-kennemerland"


def setup_django(db_path: Path) -> None:
    for name in ("REDIS_URL", "CELERY_QUEUE", "DEBUG"):
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mra_housing.settings")
    import django

    django.setup()
    from django.core.management import call_command

    # Not django.test.utils.setup_test_environment(): it instruments template rendering,
    # which would slow down the pages measured here. The test client's host is allowed.
    call_command("migrate", verbosity=0)
    call_command("loaddata", "reference", verbosity=0)
    from accounts.services import demo_accounts_ensure
    from municipalities.services import illustrative_figures_ensure
    from target_groups.services import illustrative_group_figures_ensure

    illustrative_figures_ensure(year=2024)
    illustrative_group_figures_ensure(year=2024)
    demo_accounts_ensure(password="bench-only-password")  # noqa: S106 - a throw-away database


def computed_scenario() -> tuple[int, int]:
    """A round with one scenario of every active group, computed as the worker would."""
    from allocation import services
    from allocation.models import RunStatus, ScenarioRun
    from target_groups.models import TargetGroup

    round_ = services.round_create(
        name="Afspraken 2026–2027 (bench)",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        reference_year=2024,
        user=None,
    )
    codes = list(TargetGroup.objects.filter(active=True).values_list("code", flat=True))
    scenario = services.scenario_create(
        round_=round_,
        name="Gemengd",
        settings=[
            services.GroupSettingInput(
                group_code=code,
                weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
                credit_factor=Decimal("0.5"),
            )
            for code in codes
        ],
        user=None,
    )
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id="bench")
    done = services.run_execute(run_id=run.pk)
    if done is None or done.status != RunStatus.SUCCEEDED:
        raise SystemExit(f"the computation failed: {done and done.error_message}")
    return round_.pk, scenario.pk


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        round_pk, scenario_pk = computed_scenario()

        from django.contrib.auth import get_user_model
        from django.core.cache import cache as django_cache
        from django.test import Client
        from django.urls import reverse

        from dashboards import cache

        client = Client()
        client.force_login(get_user_model().objects.get(username=USER))
        args_ = [round_pk, scenario_pk]
        urls = {
            "trivial": reverse("dashboards:index"),
            "overview": reverse("dashboards:overview", args=args_),
            "map": reverse("dashboards:overview_map", args=args_),
            "mutations": reverse("dashboards:overview_mutations", args=args_),
            "group": reverse("dashboards:overview_group", args=[*args_, "urgent"]),
            "healthz": "/healthz",
        }
        sizes: dict[str, int] = {}

        def get(name: str) -> Callable[[], None]:
            def run() -> None:
                response = client.get(urls[name])
                if response.status_code != 200:
                    raise SystemExit(f"{urls[name]} answered {response.status_code}")
                sizes[name] = len(response.content)

            return run

        def cold_overview() -> None:
            cache.memo.clear()
            django_cache.clear()
            get("overview")()

        print(f"repeats: {args.repeats} after one warm-up; times in milliseconds")
        print(
            f"CPU cores: {os.cpu_count()}; load average (1 min) at start: {os.getloadavg()[0]:.1f}"
        )
        print(HEADER)
        print("-" * len(HEADER))
        times: dict[str, list[float]] = {}
        # Side by side: trivial and overview alternate in blocks, so that a change in the
        # machine's load hits both.
        trivial: list[float] = []
        overview: list[float] = []
        trivial_cpu: list[float] = []
        overview_cpu: list[float] = []
        for _ in range(3):
            trivial += measure(get("trivial"), max(1, args.repeats // 3), cpu=trivial_cpu)
            overview += measure(get("overview"), max(1, args.repeats // 3), cpu=overview_cpu)
        times["trivial"], times["overview"] = trivial, overview
        print(line("trivial view: the dashboards' list of rounds", trivial, None))
        print(line("overview, first screen (30 municipalities x 7 groups)", overview, None))
        print(line("(CPU time) trivial view", trivial_cpu, None))
        print(line("(CPU time) overview, first screen", overview_cpu, None))
        cases = [
            ("(info) overview with empty caches (results read again)", cold_overview),
            ("(info) tab: map", get("map")),
            ("(info) tab: all groups together (chart)", get("mutations")),
            ("(info) tab: one target group (tables)", get("group")),
            ("(info) /healthz", get("healthz")),
        ]
        for name, run in cases:
            print(line(name, measure(run, max(3, args.repeats // 3)), None), flush=True)

        wall_ratio = statistics.median(overview) / statistics.median(trivial)
        print(f"(info) ratio of the medians in wall time: {wall_ratio:.2f}")
        # The verdict is on the CPU time this process spent per request: on a shared machine
        # wall time also counts the time spent waiting for a core.
        ratio = statistics.median(overview_cpu) / statistics.median(trivial_cpu)
        verdict = "PASS" if ratio <= RATIO_TARGET else "FAIL"
        print(
            f"{'overview / trivial view (CPU time, ratio of medians)':<52} "
            f"{ratio:>29.2f} {RATIO_TARGET:>9.2f}  {verdict}"
        )
        size = sizes["overview"]
        verdict = "PASS" if size <= HTML_TARGET else "FAIL"
        print(
            f"{'overview HTML at 30 municipalities (KB)':<52} "
            f"{size / 1000:>29.1f} {HTML_TARGET / 1000:>9.0f}  {verdict}"
        )
        for name in ("map", "mutations", "group"):
            print(f"(info) HTML of the {name} tab: {sizes[name] / 1000:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
