from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        # The PDF's party list shows the partners' acknowledgements through this port
        # (reports sits below partners and does not import it).
        from reports import acknowledgements

        from .selectors import AcknowledgementSource

        acknowledgements.source_register(AcknowledgementSource())
