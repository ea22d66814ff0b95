"""Mail the officers of municipalities with missing or unconfirmed figures before a round's
deadline. Runs daily through Celery beat too; sending twice for one deadline never happens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from agreements.services import DEADLINE_REMINDER_DAYS, deadline_reminders_send


class Command(BaseCommand):
    help = "E-mail officers with missing figures N days before a collecting round's deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=DEADLINE_REMINDER_DAYS,
            help=f"Remind from this many days before the deadline (default {DEADLINE_REMINDER_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        sent = deadline_reminders_send(today=timezone.localdate(), days_before=days)
        self.stdout.write(f"{sent} reminder(s) sent.")
