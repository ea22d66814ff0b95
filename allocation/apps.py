from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Allocation")

    def ready(self) -> None:
        # The figures app (below) learns which years are locked and which round is current.
        from figures import rounds

        from .selectors import FiguresCalendar

        calendar = FiguresCalendar()
        rounds.calendar_register(calendar)

        # So does the CBS loader in the municipalities app, which may not write a locked year.
        from municipalities import locks

        locks.locked_years_register(calendar.locked_years)

        # manage.py reap_jobs (core) runs every app's reaper of stuck jobs.
        from core import jobs

        from .reaper import runs_reap

        jobs.reaper_register("allocation", runs_reap)
