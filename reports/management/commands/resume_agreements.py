"""Sweep the PDF agreements once: schedule missing ones, send stuck ones again, fail the
ones that a worker started too often (reports.reaper).

    python manage.py resume_agreements

The same as the periodic job `reports.reap_documents` (every 5 minutes with Celery beat):
useful without beat, or after the queue was down.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports import reaper


class Command(BaseCommand):
    help = "Sweep the PDF agreements: send stuck ones again, fail the ones tried too often."

    def handle(self, *args: Any, **options: Any) -> None:
        result = reaper.reap_documents()
        if result.total:
            self.stdout.write(
                f"Scheduled: {result.scheduled}; sent again: {result.resent}; "
                f"failed: {result.failed}."
            )
        else:
            self.stdout.write("No agreement is stuck.")
