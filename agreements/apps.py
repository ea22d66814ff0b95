from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """From proposal to adopted, frozen agreement: approvals, transfers, adoption, corrections."""

    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # Lower apps announce changes through their signals; this app re-checks approvals.
        # The what-if preview (allocation, below) compares with the round's current proposal.
        from allocation import preview

        from . import receivers  # noqa: F401
        from .selectors import current_proposal

        preview.proposed_run_source_register(
            lambda round_: getattr(current_proposal(round_), "run_id", None)
        )
