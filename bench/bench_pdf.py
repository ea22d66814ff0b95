"""Benchmark of the PDF agreements (in-process wall time, one sub-region and the MRA).

Run: ``.venv/bin/python bench/bench_pdf.py [--repeats 5] [--subregion zuid-kennemerland]``

Sets up Django by itself on a temporary SQLite database (migrations, the reference fixture
and the illustrative demo figures), computes the demo's mixed scenario eagerly, adopts it,
and times the rendering of one sub-region's and of the MRA-wide PDF agreement from the
agreed run (building the content, the SVG chart and WeasyPrint's tagged PDF/UA-1) after one
warm-up. Targets (issue 14): a sub-region ≤ 1 s, the MRA-wide ≤ 3 s. Prints min, median and
max (and the median CPU time of this process) per case with PASS/FAIL on the median, and
always exits 0. ``--no-mra`` leaves the MRA-wide agreement out (it takes several seconds
per repetition).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_path: Path) -> None:
    for name in ("REDIS_URL", "CELERY_QUEUE"):
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mra_housing.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "reference", verbosity=0)
    from municipalities.services import illustrative_figures_ensure
    from target_groups.services import illustrative_group_figures_ensure

    illustrative_figures_ensure(year=2024)
    illustrative_group_figures_ensure(year=2024)


def adopt_demo_round() -> int:
    from decimal import Decimal

    from allocation import services
    from allocation.models import Round, RoundStatus, RunStatus, ScenarioRun

    round_ = services.round_create(
        name="Afspraken 2026–2027 (bench)",
        period_start=__import__("datetime").date(2026, 1, 1),
        period_end=__import__("datetime").date(2027, 12, 31),
        reference_year=2024,
        user=None,
    )
    from target_groups.models import TargetGroup

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
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.AGREED, agreed_run=done)
    return round_.pk


def measure(run, repeats: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Wall-clock and CPU times (this process) per repetition, after one warm-up."""
    run()  # warm-up: imports, fonts, templates
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--subregion", default="zuid-kennemerland")
    parser.add_argument("--no-mra", action="store_true", help="leave out the MRA-wide PDF")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        round_id = adopt_demo_round()

        from allocation.models import Round
        from municipalities.models import SubRegion
        from reports.models import AgreementDocument
        from reports.services import agreement_render

        round_ = Round.objects.get(pk=round_id)
        sub = SubRegion.objects.get(slug=args.subregion)
        doc = AgreementDocument(round=round_, subregion=sub, run_digest=round_.agreed_run.digest)  # type: ignore[union-attr]
        pages = {}

        def sub_pdf() -> None:
            pdf, pages["sub"] = agreement_render(document=doc)

        cases = [(f"PDF sub-region {sub.name} (target 1 s)", sub_pdf, 1.0, "sub")]
        if not args.no_mra:
            mra = AgreementDocument(round=round_, subregion=None, run_digest=doc.run_digest)

            def mra_pdf() -> None:
                pdf, pages["mra"] = agreement_render(document=mra)

            cases.append(("PDF MRA-wide (target 3 s)", mra_pdf, 3.0, "mra"))

        load = os.getloadavg()[0]
        print(f"repeats: {args.repeats} after one warm-up; times in milliseconds")
        print(f"CPU cores: {os.cpu_count()}; load average (1 min) at start: {load:.1f}")
        header = (
            f"{'case':<44} {'pages':>5} {'min':>9} {'median':>9} {'max':>9} {'cpu med':>9} "
            f"{'target':>8}  result"
        )
        print(header)
        print("-" * len(header))
        for name, run, target, key in cases:
            times, cpu = measure(run, args.repeats)
            median = statistics.median(times)
            verdict = "PASS" if median <= target else "FAIL"
            print(
                f"{name:<44} {pages.get(key, 0):>5} {min(times) * 1000:>9.0f} "
                f"{median * 1000:>9.0f} {max(times) * 1000:>9.0f} "
                f"{statistics.median(cpu) * 1000:>9.0f} {target * 1000:>8.0f}  {verdict}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
