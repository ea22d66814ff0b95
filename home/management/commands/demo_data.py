"""Load the reference data and create the demo accounts, illustrative figures and rounds."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import DEMO_ACCOUNTS, demo_accounts_ensure
from allocation.models import Round, RunStatus, ScenarioRun
from allocation.services import demo_round_ensure
from home.demo import DEMO_CARE_FIGURES, care_figures_ensure, earlier_round_ensure
from municipalities.services import illustrative_figures_ensure
from reports import background
from target_groups.services import illustrative_group_figures_ensure


def _round_state(round_: Round) -> str:
    """What the demo round is now, in words that are true."""
    scenarios = round_.scenarios.count()
    computed = (
        ScenarioRun.objects.filter(scenario__round=round_, status=RunStatus.SUCCEEDED)
        .values("scenario")
        .distinct()
        .count()
    )
    state = f"status {round_.get_status_display()}, {scenarios} scenarios"
    if computed == 0:
        return state + " (not computed yet)"
    return state + f" ({computed} computed)"


class Command(BaseCommand):
    help = (
        "Load the 30 MRA municipalities, 7 sub-regions and 7 target groups, add illustrative "
        "demo figures where missing, create the demo accounts (password DEMO_PASSWORD), an "
        "adopted earlier round with its PDF agreements and a quarter of monitoring, and the "
        "open current round."
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
        # A batch command: the demo's PDFs are made here and now, not by the background
        # thread `make run` uses for the chair's adoption (two makers would race).
        with background.in_caller():
            self._load()

    def _load(self) -> None:
        call_command("loaddata", "reference", verbosity=0)
        figures = illustrative_figures_ensure(year=2024)
        group_figures = illustrative_group_figures_ensure(year=2024)
        demo_accounts_ensure(password=settings.DEMO_PASSWORD)
        try:
            earlier = earlier_round_ensure()
        except ValidationError as exc:
            raise CommandError(f"The demo's earlier round failed: {exc.messages}") from None
        demo_round = demo_round_ensure(
            user=get_user_model().objects.filter(username="programma").first()
        )
        # The care provider's figures wait for the municipalities' officers (submitted, not
        # confirmed): no demo number changes until an officer confirms them.
        care_figures_ensure()
        documents = (
            f"{earlier.documents_ready} of {earlier.documents} PDF agreements ready"
            if earlier.documents_ready == earlier.documents
            else f"{earlier.documents_ready} of {earlier.documents} PDF agreements ready, the "
            "rest queued"
        )
        self.stdout.write(
            f"Reference data loaded; {figures} illustrative municipal figures and "
            f"{group_figures} illustrative target-group figures added; "
            f"{len(DEMO_ACCOUNTS)} demo accounts ready.\n"
            f"Earlier round {earlier.round.name!r}: {earlier.round.get_status_display()}, "
            f"{earlier.transfers} accepted transfer(s), {documents}, a quarter of monitoring "
            "confirmed for Haarlem and Amsterdam.\n"
            f"Current round {demo_round.name!r}: {_round_state(demo_round)}.\n"
            f"The care provider's figures of {len(DEMO_CARE_FIGURES)} municipalities await "
            "confirmation."
        )
