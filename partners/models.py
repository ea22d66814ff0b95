"""Partner organisations (issue 15): housing corporations, care providers and the provinces.

An organisation has a kind and a working area: a corporation the municipalities it works in,
a care provider one sub-region, a province the MRA municipalities in that province. Its
people are users whose `accounts.Membership` points here. The parties an agreement lists
(`agreements.AgreementPartner`, one per sub-region) are linked to the organisation they
stand for, so the programme team keeps one record per partner.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from municipalities.models import Municipality, Province


class OrganisationKind(models.TextChoices):
    # The same values as agreements.PartnerKind, so a party and its organisation agree.
    CORPORATION = "corporatie", _("housing corporation")
    CARE_PROVIDER = "zorgaanbieder", _("care provider")
    PROVINCE = "provincie", _("province")


# The role people of an organisation of each kind have (accounts.Role values).
ROLE_OF_KIND = {
    OrganisationKind.CORPORATION: "corporation",
    OrganisationKind.CARE_PROVIDER: "care_provider",
    OrganisationKind.PROVINCE: "province",
}


class PartnerOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    # Working area: a corporation's municipalities, a care provider's sub-region, a
    # province's province code (its municipalities follow from Municipality.province).
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        verbose_name=_("municipalities of the working area"),
        blank=True,
        related_name="partner_organisations",
    )
    subregion = models.ForeignKey(
        "municipalities.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_organisations",
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    agreement_parties = models.ManyToManyField(
        "agreements.AgreementPartner",
        verbose_name=_("parties in agreements"),
        blank=True,
        related_name="organisations",
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in OrganisationKind]),
                name="partner_organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="partner_organisation_name_not_empty"
            ),
            # A care provider works in one sub-region; the others are not tied to one.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="zorgaanbieder", subregion__isnull=False, province="")
                    | models.Q(kind="provincie", subregion__isnull=True, province__in=["NH", "FL"])
                    | models.Q(kind="corporatie", subregion__isnull=True, province="")
                ),
                name="partner_organisation_area_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def area_municipalities(self) -> models.QuerySet[Municipality]:
        """The municipalities of the working area (one query when evaluated)."""
        if self.kind == OrganisationKind.CARE_PROVIDER:
            return Municipality.objects.filter(subregion=self.subregion)
        if self.kind == OrganisationKind.PROVINCE:
            return Municipality.objects.filter(province=self.province)
        return self.municipalities.all()

    def area_municipality_ids(self) -> frozenset[int]:
        """Read by accounts.access through the membership relation (no import)."""
        return frozenset(self.area_municipalities().values_list("pk", flat=True))


class Acknowledgement(models.Model):
    """A partner co-signs an adopted agreement in the app (issue 15): bound to the digest the
    sub-regions approved (agreements.selectors.agreed_result(round).digest). An
    acknowledgement with another digest than the round's current one does not count, and a
    correction (a new round) asks again: nothing carries over."""

    round = models.ForeignKey(
        "allocation.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="partner_acknowledgements",
    )
    subregion = models.ForeignKey(
        "municipalities.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        related_name="partner_acknowledgements",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    digest = models.CharField(_("approved digest"), max_length=64)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        related_name="partner_acknowledgements",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        ordering = ["round", "subregion__name", "organisation__name"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "subregion", "organisation", "digest"],
                name="partner_acknowledgement_once_per_digest",
            ),
            models.CheckConstraint(
                condition=~models.Q(digest=""), name="partner_acknowledgement_has_digest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.round} ({self.subregion})"


class LettingReport(models.Model):
    """A corporation's lettings (verhuringen) to one target group in one municipality and
    quarter of an adopted round (issue 15), in the group's unit (persons or households).

    One row per organisation: two corporations letting in the same municipality each keep
    their own number, and the municipality's realised number (monitoring.Realisation) is
    its own part plus the sum of these rows (partners.services.lettings_submit). A report
    counts once an officer of the municipality has confirmed that realised number
    (monitoring's four-eyes flow); its status is read from it (partners.selectors)."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="letting_reports",
    )
    round = models.ForeignKey(
        "allocation.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="letting_reports",
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="letting_reports",
    )
    group = models.ForeignKey(
        "target_groups.TargetGroup",
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="letting_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    lettings = models.PositiveIntegerField(_("housed through lettings"))
    source = models.CharField(_("source"), max_length=300)
    reference_date = models.DateField(_("reference date"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "municipality__name", "year", "quarter", "group__position"]
        verbose_name = _("letting report")
        verbose_name_plural = _("letting reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "round", "municipality", "group", "year", "quarter"],
                name="letting_report_once_per_organisation_and_quarter",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="letting_report_quarter_range",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="letting_report_year_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=""), name="letting_report_has_source"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.organisation_id} {self.municipality_id} {self.group_id} "
            f"{self.year}-Q{self.quarter}: {self.lettings}"
        )
