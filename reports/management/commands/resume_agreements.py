"""Send again the PDF agreements that wait or are being made for too long.

    python manage.py resume_agreements

The same as the periodic job `reports.resume_stuck_agreements` (every 5 minutes with
Celery beat): useful without beat, or after the queue was down.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports import services


class Command(BaseCommand):
    help = "Send again the PDF agreements that wait or are being made for too long."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.agreements_resume_stuck()
        if sent:
            self.stdout.write(f"Sent again: {len(sent)} agreement(s) (ids {sent}).")
        else:
            self.stdout.write("No agreement is stuck.")
