"""`manage.py reap_jobs`: run every app's reaper of stuck jobs once.

The same work Celery beat does periodically (docs/security.md, "Jobs"), for operators and
for `make run` without beat. Each app registers its reaper in its AppConfig.ready
(core.jobs.reaper_register); exit status 1 when a reaper failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core import jobs


class Command(BaseCommand):
    help = "Send again, or end failed, the background jobs that are stuck past their limit."

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = jobs.reap_all()
        for name, counts in outcomes.items():
            summary = ", ".join(f"{key}: {value}" for key, value in counts.items()) or "-"
            self.stdout.write(f"{name}: {summary}")
        failed = sorted(name for name, counts in outcomes.items() if counts.get("error"))
        if failed:
            raise CommandError(f"reaper failed: {', '.join(failed)} (see the log)")
