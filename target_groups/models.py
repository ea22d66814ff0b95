"""Target groups (data, not code) and their yearly figures per municipality."""

from decimal import Decimal

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import SourcedFigure


class Unit(models.TextChoices):
    PERSONS = "persons", _("persons")
    HOUSEHOLDS = "households", _("households")
    BEDS = "beds", _("persons (beds)")
    UNITS = "units", _("units")
    PITCHES = "pitches", _("pitches")


class TargetGroupManager(models.Manager["TargetGroup"]):
    def get_by_natural_key(self, code: str) -> "TargetGroup":
        return self.get(code=code)


class TargetGroup(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("Dutch name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150)
    definition_nl = models.TextField(_("Dutch definition"))
    definition_en = models.TextField(_("English definition"), blank=True)
    entry_hint_nl = models.TextField(_("what officers enter (Dutch)"), blank=True)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    household_size = models.DecimalField(
        _("average household size"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text=_("Units per dwelling, to convert the group's numbers to dwellings needed."),
    )
    household_size_is_assumption = models.BooleanField(
        _("household size is an assumption"), default=True
    )
    spreading_suitable = models.BooleanField(_("spreading suits this group"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = TargetGroupManager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household_size__gt=0),
                name="target_group_household_size_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def definition(self) -> str:
        if (get_language() or "nl").startswith("en") and self.definition_en:
            return self.definition_en
        return self.definition_nl


class GroupFigure(SourcedFigure):
    """Demand, existing effort and realised numbers of one group in one municipality and year."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="group_figures",
    )
    group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="figures",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    demand = models.PositiveIntegerField(_("demand"), null=True, blank=True)
    existing_effort = models.PositiveIntegerField(
        _("existing effort"),
        null=True,
        blank=True,
        help_text=_("Places or homes already provided."),
    )
    realised = models.PositiveIntegerField(_("realised"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality__name", "-year", "group__position"]
        verbose_name = _("target group figure")
        verbose_name_plural = _("target group figures")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "group", "year"], name="group_figure_unique_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="group_figure_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year} {self.group.code}"
