from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # An adopted round (agreements app) schedules its PDF agreements here.
        from . import receivers  # noqa: F401
