"""Load the reference data and create the demo accounts and illustrative figures."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import DEMO_ACCOUNTS, demo_accounts_ensure
from allocation.services import demo_round_ensure
from municipalities.services import illustrative_figures_ensure
from target_groups.services import illustrative_group_figures_ensure


class Command(BaseCommand):
    help = (
        "Load the 30 MRA municipalities, 7 sub-regions and 7 target groups, add illustrative "
        "demo figures where missing, and create the demo accounts (password DEMO_PASSWORD)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (demo accounts have a known password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "demo_data creates accounts with a known password and refuses to run with "
                "DEBUG off. Use --force if you really want this (never in production)."
            )
        call_command("loaddata", "reference", verbosity=0)
        figures = illustrative_figures_ensure(year=2024)
        group_figures = illustrative_group_figures_ensure(year=2024)
        demo_accounts_ensure(password=settings.DEMO_PASSWORD)
        demo_round = demo_round_ensure(
            user=get_user_model().objects.filter(username="programma").first()
        )
        self.stdout.write(
            f"Reference data loaded; {figures} illustrative municipal figures and "
            f"{group_figures} illustrative target-group figures added; "
            f"{len(DEMO_ACCOUNTS)} demo accounts ready; demo round {demo_round.name!r} "
            f"with {demo_round.scenarios.count()} scenarios (not computed yet)."
        )
