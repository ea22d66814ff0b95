from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """From proposal to adopted, frozen agreement: approvals, transfers, adoption, corrections."""

    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # Lower apps announce changes through their signals; this app re-checks approvals.
        from . import receivers  # noqa: F401
