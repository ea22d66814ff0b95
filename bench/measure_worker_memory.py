"""Worker memory after making PDF agreements (issue 14: ≤ 250 MB after 50 documents).

Run: ``REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/measure_worker_memory.py
[--documents 50] [--max-memory-per-child 120000]``

Not part of ``make bench`` (it needs Redis and starts a worker). Sets up a temporary SQLite
database as bench_pdf.py does (the worker shares the file), adopts the demo round, starts a
real Celery worker (prefork pool, one child, as in docker-compose but with concurrency 1)
with the given ``--max-memory-per-child`` (KiB; 0 = off), and sends the round's eight
documents again and again, one at a time, until ``--documents`` were made. It samples the
resident memory (RSS, from /proc) of the worker's processes every 0.2 s and prints, per
document, the child's RSS after it, then the peak and the final RSS of the child and of the
whole worker (parent plus child), and how many child processes were used.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_KB
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(c) for c in handle.read().split()]
    except FileNotFoundError:
        pass
    return found


class Sampler(threading.Thread):
    def __init__(self, parent: int) -> None:
        super().__init__(daemon=True)
        self.parent = parent
        self.peak_child = 0
        self.peak_total = 0
        self.child_pids: set[int] = set()
        self.stop = threading.Event()

    def sample(self) -> tuple[int, int]:
        kids = children(self.parent)
        self.child_pids.update(kids)
        child = max((rss_kb(k) for k in kids), default=0)
        total = rss_kb(self.parent) + sum(rss_kb(k) for k in kids)
        return child, total

    def run(self) -> None:
        while not self.stop.is_set():
            child, total = self.sample()
            self.peak_child = max(self.peak_child, child)
            self.peak_total = max(self.peak_total, total)
            time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--max-memory-per-child", type=int, default=120_000)
    parser.add_argument("--timeout", type=int, default=300, help="seconds to wait for one document")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        raise SystemExit("set REDIS_URL (a Redis database this script may purge)")

    import bench_pdf

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "memory.sqlite3"
        bench_pdf.setup_django(db_path)  # drops REDIS_URL from this process: set it back
        round_id = bench_pdf.adopt_demo_round()

        from django.utils import timezone

        from reports import services
        from reports.models import AgreementDocument, DocumentStatus

        with_limit = f"--max-memory-per-child={args.max_memory_per_child}"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{db_path}",
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench-only-not-a-secret",
            "CELERY_WORKER_MAX_MEMORY_PER_CHILD": str(max(args.max_memory_per_child, 50_000)),
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mra_housing",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"memory-{os.getpid()}@%h",
        ]
        if args.max_memory_per_child:
            command.append(with_limit)
        log = open(Path(tmp) / "worker.log", "w")  # noqa: SIM115 - closed below
        worker = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            from celery import Celery

            sender = Celery("measure", broker=redis_url)
            sender.conf.task_default_queue = os.environ.get("CELERY_QUEUE", "mra")
            deadline = time.monotonic() + 60
            while not children(worker.pid):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise SystemExit("the worker did not start")
                time.sleep(0.5)
            time.sleep(2)
            sampler = Sampler(worker.pid)
            child, total = sampler.sample()
            print(f"worker started: child {child / 1024:.0f} MB, worker {total / 1024:.0f} MB")
            sampler.start()
            services._send = lambda ids: None  # type: ignore[assignment] # rows only here
            services.agreements_schedule(round_id=round_id)
            ids = list(
                AgreementDocument.objects.filter(round_id=round_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            AgreementDocument.objects.filter(round_id=round_id).update(
                status=DocumentStatus.FAILED, pdf=None, sha256="", error_message="x"
            )
            start = time.monotonic()
            made = 0
            for n in range(args.documents):
                document_id = ids[n % len(ids)]
                AgreementDocument.objects.filter(pk=document_id).update(
                    status=DocumentStatus.PENDING,
                    pdf=None,
                    sha256="",
                    page_count=None,
                    error_message="",
                    queued_at=timezone.now(),
                    started_at=None,
                    finished_at=None,
                )
                sender.send_task(services.TASK, args=(document_id,), ignore_result=True)
                waited = time.monotonic() + args.timeout
                while True:
                    doc = AgreementDocument.objects.defer("pdf").get(pk=document_id)
                    if doc.status in (DocumentStatus.READY, DocumentStatus.FAILED):
                        break
                    if time.monotonic() > waited:
                        raise SystemExit(f"document {n + 1} was not made within {args.timeout} s")
                    time.sleep(0.2)
                made += doc.status == DocumentStatus.READY
                time.sleep(1)  # a replaced child starts again
                child, total = sampler.sample()
                print(
                    f"document {n + 1:>2} ({doc.page_count or 0:>3} pages, {doc.status}): "
                    f"child {child / 1024:.0f} MB, worker {total / 1024:.0f} MB",
                    flush=True,
                )
            elapsed = time.monotonic() - start
            time.sleep(2)
            sampler.stop.set()
            child, total = sampler.sample()
            print(
                f"after {args.documents} documents ({made} made, the rest failed) in "
                f"{elapsed:.0f} s "
                f"(max-memory-per-child {args.max_memory_per_child or 'off'}): child "
                f"{child / 1024:.0f} MB, worker {total / 1024:.0f} MB; peak child "
                f"{sampler.peak_child / 1024:.0f} MB, peak worker "
                f"{sampler.peak_total / 1024:.0f} MB; child processes used: "
                f"{len(sampler.child_pids)}"
            )
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
