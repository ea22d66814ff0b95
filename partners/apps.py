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

        # Monitoring's quarter page shows which corporation reported which lettings through
        # this port (monitoring sits below partners and does not import it).
        from monitoring import contributions

        from .selectors import LettingContributions

        contributions.source_register(LettingContributions())

        # A care provider's confirmed clients ready to move on become a group's demand, in
        # the confirmation's transaction (figures sits below partners and does not import it).
        from figures.signals import figures_confirmed

        from .receivers import care_clients_become_demand

        figures_confirmed.connect(
            care_clients_become_demand, dispatch_uid="partners.care_clients_become_demand"
        )
