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
    # Partners (issue 15): people of a partner organisation, scoped by its working area.
    CORPORATION = "corporation", _("housing corporation")
    CARE_PROVIDER = "care_provider", _("care provider")
    PROVINCE = "province", _("province")


PARTNER_ROLES = (Role.CORPORATION, Role.CARE_PROVIDER, Role.PROVINCE)
"""Roles of people of a partner organisation: their scope is the organisation's working area."""


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
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
    # A lazy reference, not an import: partners sits above accounts in the layers.
    organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        verbose_name=_("partner organisation"),
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
            # People of a partner belong to exactly one organisation, whose working area is
            # their scope; nobody else belongs to an organisation.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=["corporation", "care_provider", "province"],
                        organisation__isnull=False,
                        municipality__isnull=True,
                        subregion__isnull=True,
                    )
                    | (
                        ~models.Q(role__in=["corporation", "care_provider", "province"])
                        & models.Q(organisation__isnull=True)
                    )
                ),
                name="membership_partner_role_has_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        scope = self.municipality or self.subregion or self.organisation
        return f"{self.user} ({self.get_role_display()}{', ' + str(scope) if scope else ''})"
