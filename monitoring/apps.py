from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring of realisation")

    def ready(self) -> None:
        # The monitoring rules (M0xx) join the figures' rule registry, so that forms,
        # imports and the API report them the same way.
        # The allocation app reads the previous round's agreed and realised numbers for the
        # carry-over through this source (allocation does not import monitoring).
        from allocation import carry_over

        from . import validation  # noqa: F401
        from .selectors import CarryOver

        carry_over.source_register(CarryOver())
