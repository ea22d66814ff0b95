from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring of realisation")

    def ready(self) -> None:
        # The monitoring rules (M0xx) join the figures' rule registry, so that forms,
        # imports and the API report them the same way.
        from . import validation  # noqa: F401
