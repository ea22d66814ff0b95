"""`make run` in one process: migrate, the demo data, then Django's development server.

Three separate commands paid Python and Django start-up three times; a second `make run`
then took about 12 s to its first page. Here start-up is paid once for the set-up and once
for the server process that the auto-reloader starts. That child process (RUN_MAIN set by
Django's reloader) skips the set-up, which its parent has just done.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Migrate, load the demo data and serve the app (what `make run` does)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload", action="store_true", help="Serve without the auto-reloader."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("serve_demo is for the demo with DEBUG on (make run).")
        if os.environ.get("RUN_MAIN") != "true":
            started = time.perf_counter()
            call_command("migrate", interactive=False, verbosity=1)
            call_command("demo_data")
            self.stdout.write(f"Set-up took {time.perf_counter() - started:.1f} s.")
        call_command(
            "runserver", options["addrport"], use_reloader=not options["noreload"], skip_checks=True
        )
