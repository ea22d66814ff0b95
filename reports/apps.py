from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # An adopted round (agreements app) schedules its PDF agreements here.
        # manage.py reap_jobs (core) runs every app's reaper of stuck jobs.
        from core import jobs

        from . import receivers  # noqa: F401
        from .reaper import documents_reap

        jobs.reaper_register("reports", documents_reap)
