from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import idle_clock_start

        user_logged_in.connect(idle_clock_start, dispatch_uid="core.idle_clock_start")
