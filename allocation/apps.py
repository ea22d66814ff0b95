from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Allocation")

    def ready(self) -> None:
        # The figures app (below) learns which years are locked and which round is current.
        from figures import rounds

        from .selectors import FiguresCalendar

        rounds.calendar_register(FiguresCalendar())
