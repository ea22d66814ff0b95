"""Target groups (data, not code) and their yearly figures per municipality.

Each group carries its *maatwerk* defaults (DOMAIN.md 3): how it is allocated (spread with a
key, each municipality its own demand, or the statutory task), the default key (indicator
weights, credit for existing effort) and two attributes the read-outs use: whether the group
is housed from social-rental mutations and whether it counts as statutory urgent for the
fall-back rule. A new scenario starts from these defaults; the programme team edits them in
the admin.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import SourcedFigure
from municipalities.models import Indicator


class Unit(models.TextChoices):
    PERSONS = "persons", _("persons")
    HOUSEHOLDS = "households", _("households")
    BEDS = "beds", _("persons (beds)")
    UNITS = "units", _("units")
    PITCHES = "pitches", _("pitches")


class AllocationMode(models.TextChoices):
    """How a group's task is shared (DOMAIN.md 3), in plain words."""

    SPREAD = "spread", _("spread with a key")
    LOCAL = "local", _("own demand (where the need arises)")
    STATUTORY = "statutory", _("statutory task")


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
    allocation_mode = models.CharField(
        _("default allocation mode"),
        max_length=12,
        choices=AllocationMode.choices,
        default=AllocationMode.SPREAD,
        help_text=_(
            "How a new scenario shares this group: spread with a key, each municipality its "
            "own demand, or the statutory task. A group that spreading does not suit cannot "
            "be spread by default."
        ),
    )
    default_weights = models.JSONField(
        _("default key: weights"),
        default=dict,
        blank=True,
        help_text=_(
            "Indicator code and weight as a fraction, together exactly 1, for example "
            '{"social_rental": "0.5", "mutations": "0.5"}. Used when the group is spread.'
        ),
    )
    default_credit_factor = models.DecimalField(
        _("default key: credit factor"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        help_text=_("How much existing effort counts: 0 = no credit, 1 = all of it."),
    )
    default_effort_indicator = models.ForeignKey(
        "municipalities.Indicator",
        verbose_name=_("default key: existing effort from indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Take the existing effort from this indicator (for example existing shelter "
            "places). Empty: the group's own figure for existing effort."
        ),
    )
    housed_from_mutations = models.BooleanField(
        _("housed from social-rental mutations"),
        default=True,
        help_text=_(
            "Counts in the share of yearly mutations that the tasks need (mutation pressure)."
        ),
    )
    counts_as_statutory_urgent = models.BooleanField(
        _("counts as statutory urgent (default)"),
        default=False,
        help_text=_(
            "A new round compares this group with the fall-back rule (a share of the "
            "yearly mutations for statutory urgents). Each round can change the choice."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = TargetGroupManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household_size__gt=0),
                name="target_group_household_size_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(allocation_mode__in=[m.value for m in AllocationMode]),
                name="target_group_allocation_mode_valid",
            ),
            # Maatwerk: a group that spreading does not suit is not spread by default.
            models.CheckConstraint(
                condition=models.Q(spreading_suitable=True)
                | ~models.Q(allocation_mode=AllocationMode.SPREAD),
                name="target_group_unsuitable_not_spread_by_default",
                violation_error_message=_(
                    "Spreading does not suit this group: choose own demand or the statutory "
                    "task as its default mode."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(default_credit_factor__gte=0, default_credit_factor__lte=1),
                name="target_group_default_credit_factor_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = default_weights_errors(self.default_weights, mode=self.allocation_mode)
        if errors:
            raise ValidationError({"default_weights": errors})

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

    def default_weight_fractions(self) -> dict[str, Decimal]:
        """The default weights as exact decimals (0.5 = 50%); checked by `clean`."""
        return {code: Decimal(str(w)) for code, w in (self.default_weights or {}).items()}


def default_weights_errors(weights: Any, *, mode: str) -> list[str]:
    """What is wrong with a group's default weights (empty when they are fine).

    Weights map an existing indicator code to a fraction above 0; together exactly 1 when
    the group is spread by default. Another mode may leave them empty.
    """
    if not isinstance(weights, dict):
        return [str(_('Give the weights as {"indicator code": "weight"}.'))]
    if not weights:
        if mode == AllocationMode.SPREAD:
            return [str(_("A group that is spread needs a default key: give the weights."))]
        return []
    known = set(Indicator.objects.filter(code__in=list(weights)).values_list("code", flat=True))
    total = Decimal(0)
    for code, raw in weights.items():
        if code not in known:
            return [str(_("Unknown indicator: %(code)s.") % {"code": code})]
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            return [str(_("The weight of %(code)s is not a number.") % {"code": code})]
        if not value.is_finite() or not 0 < value <= 1:
            return [str(_("The weight of %(code)s lies above 0 and at most 1.") % {"code": code})]
        total += value
    if total != 1:
        return [
            str(
                _("The weights must add up to exactly 1; now they add up to %(sum)s.")
                % {"sum": total}
            )
        ]
    return []


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
