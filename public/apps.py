from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public page of adopted agreements and the kit to recompute them (no login)."""

    name = "public"
    verbose_name = _("Public agreements")
