"""Roles. Each user has one role, tied to a municipality or a sub-region where the role needs it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("municipal policy officer")
    COORDINATOR = "coordinator", _("sub-region coordinator")
    STEERING = "steering", _("steering group member")
    CHAIR = "chair", _("chair of the steering group")
    PROGRAMME = "programme", _("programme team")
    ADMIN = "admin", _("system administrator")


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    subregion = models.ForeignKey(
        "municipalities.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # An officer belongs to exactly one municipality and nothing else.
            models.CheckConstraint(
                condition=~models.Q(role="officer")
                | models.Q(municipality__isnull=False, subregion__isnull=True),
                name="membership_officer_has_municipality",
            ),
            # Coordinators and steering members belong to exactly one sub-region.
            models.CheckConstraint(
                condition=~models.Q(role__in=["coordinator", "steering"])
                | models.Q(subregion__isnull=False, municipality__isnull=True),
                name="membership_subregion_role_has_subregion",
            ),
            # Region-wide roles are tied to neither.
            models.CheckConstraint(
                condition=~models.Q(role__in=["chair", "programme", "admin"])
                | models.Q(subregion__isnull=True, municipality__isnull=True),
                name="membership_regional_role_has_no_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        scope = self.municipality or self.subregion
        return f"{self.user} ({self.get_role_display()}{', ' + str(scope) if scope else ''})"
