from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The start page per role and the demo data that seeds every app (the top layer)."""

    name = "home"
    verbose_name = _("Home")
