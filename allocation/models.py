"""Rounds of agreements, their scenarios (settings per target group) and computations (runs).

A scenario holds the settings of the fair-share model per target group; a run computes a
scenario in the background and keeps its canonical inputs, settings, results and digest.
A run that succeeded never changes again (see allocation/services.py).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from target_groups.models import AllocationMode


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    COLLECTING = "collecting", _("collecting figures")
    COMPUTING = "computing", _("computing")
    IN_REVIEW = "in_review", _("in review")
    AGREED = "agreed", _("agreed")
    SUPERSEDED = "superseded", _("superseded")


# While a round is computing or in review, confirmed figures of its reference year are locked.
FIGURE_LOCKING_STATUSES = (RoundStatus.COMPUTING, RoundStatus.IN_REVIEW)


class Round(models.Model):
    """A round of agreements, for example *Afspraken 2026-2027*."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    period_start = models.DateField(_("start of period"))
    period_end = models.DateField(_("end of period"))
    reference_year = models.PositiveSmallIntegerField(
        _("reference year"), help_text=_("The year whose figures the computation uses.")
    )
    deadline = models.DateField(_("deadline for figures"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fallback_pct = models.DecimalField(
        _("fall-back rule: percentage of yearly mutations"),
        max_digits=5,
        decimal_places=2,
        default=15,
        help_text=_(
            "Without regional agreements a municipality would have to give this share of its "
            "yearly vacated social rental dwellings to statutory urgents (15% in the MRA "
            "discussions)."
        ),
    )
    statutory_urgent_groups = models.ManyToManyField(
        "target_groups.TargetGroup",
        verbose_name=_("groups that count as statutory urgents"),
        blank=True,
        related_name="+",
        help_text=_("What a municipality agreed for these groups is compared with the fall-back."),
    )
    agreed_run = models.ForeignKey(
        "ScenarioRun",
        verbose_name=_("agreed computation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The computation whose numbers were agreed. Set when the round is adopted; the "
            "next round takes its backlog (agreed minus realised) from it."
        ),
    )

    history = HistoricalRecords(m2m_fields=[statutory_urgent_groups])

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="round_period_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(reference_year__gte=2000, reference_year__lte=2100),
                name="round_reference_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in RoundStatus]),
                name="round_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(fallback_pct__gt=0, fallback_pct__lte=100),
                name="round_fallback_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("allocation:round_detail", kwargs={"pk": self.pk})


# Rounds in these statuses take new scenarios, changes and computations; later statuses are
# the review and adoption steps, where the figures and settings must stay as they are.
EDITABLE_ROUND_STATUSES = (RoundStatus.DRAFT, RoundStatus.COLLECTING, RoundStatus.COMPUTING)


class RoundHalfYear(models.Model):
    """The national figures of one half-year of a round's period, for the statutory task.

    Huisvestingswet 2014 art. 28-29: the task of a municipality in a half-year is
    ceil(vg * p_i / P_NL); the round's statutory task is the sum over its half-years, each
    rounded by itself. A half-year whose national total is not yet published uses an
    estimate, marked as such.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="half_years"
    )
    label = models.CharField(_("half-year"), max_length=7, help_text=_("For example 2026-H1."))
    national_total = models.PositiveIntegerField(
        _("national half-year total (vg)"),
        null=True,
        blank=True,
        help_text=_("The number of status holders the Netherlands houses in this half-year."),
    )
    national_population = models.PositiveBigIntegerField(
        _("national population (P_NL)"),
        help_text=_("Inhabitants of the Netherlands on 1 January of the year before."),
    )
    estimate = models.BooleanField(
        _("estimate"),
        default=True,
        help_text=_("The national total is not yet published: this is an estimate."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "label"]
        verbose_name = _("half-year of a round")
        verbose_name_plural = _("half-years of a round")
        constraints = [
            models.UniqueConstraint(fields=["round", "label"], name="round_half_year_unique"),
            models.CheckConstraint(
                condition=models.Q(label__regex=r"^[0-9]{4}-H[12]$"),
                name="round_half_year_label_format",
            ),
            models.CheckConstraint(
                condition=models.Q(national_population__gt=0),
                name="round_half_year_population_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.label}"

    def as_engine_dict(self) -> dict[str, object]:
        """The half-year as the engine's ``statutory`` list entry (DOMAIN.md 5)."""
        return {
            "label": self.label,
            "national_total": self.national_total,
            "national_population": self.national_population,
            "estimate": self.estimate,
        }


class TaskSource(models.TextChoices):
    """Where a group's regional task T comes from."""

    ENTERED = "entered", _("entered total")
    DEMAND = "demand", _("sum of the municipalities' demand")
    STATUTORY = "statutory", _("sum of the statutory tasks")


class TotalBasis(models.TextChoices):
    """Whether an entered regional task is a yearly figure or one for the whole period."""

    PER_YEAR = "per_year", _("per year")
    PERIOD = "period", _("for the whole period")


class RoundingMethod(models.TextChoices):
    """The engine's rounding methods for a group that is spread (allocation.engine.METHODS).

    ``statutory`` is kept only for settings stored before the allocation mode existed
    (issue 10); the statutory task is now the mode ``statutory``.
    """

    HAMILTON = "hamilton", _("largest remainder (Hamilton)")
    SAINTE_LAGUE = "sainte-lague", _("Sainte-Laguë")
    DHONDT = "dhondt", _("D'Hondt")
    HUNTINGTON_HILL = "huntington-hill", _("Huntington-Hill")
    STATUTORY = "statutory", _("statutory task (Huisvestingswet 2014, art. 29)")


SPREAD_METHODS = (
    RoundingMethod.HAMILTON,
    RoundingMethod.SAINTE_LAGUE,
    RoundingMethod.DHONDT,
    RoundingMethod.HUNTINGTON_HILL,
)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("done")
    FAILED = "failed", _("failed")


class Scenario(models.Model):
    """One way to share the round's tasks: the settings of the model per target group."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    mutation_threshold_pct = models.DecimalField(
        _("warning threshold (percentage of yearly mutations)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        help_text=_(
            "Warn when all tasks together need more than this share of a municipality's yearly mutations."
        ),
    )
    urgent_fallback_pct = models.DecimalField(
        _("fall-back for urgent cases (percentage of yearly mutations)"),
        max_digits=5,
        decimal_places=2,
        default=15,
        help_text=_("A copy of the round's fall-back percentage; the round's setting decides."),
    )
    sensitivity_draws = models.PositiveIntegerField(
        _("sensitivity: number of draws"), default=10000
    )
    sensitivity_concentration = models.DecimalField(
        _("sensitivity: concentration κ"), max_digits=8, decimal_places=2, default=100
    )
    sensitivity_seed = models.PositiveIntegerField(_("sensitivity: seed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "name"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"], name="scenario_name_unique_per_round"
            ),
            models.CheckConstraint(
                condition=models.Q(mutation_threshold_pct__gt=0, mutation_threshold_pct__lte=100),
                name="scenario_mutation_threshold_range",
            ),
            models.CheckConstraint(
                condition=models.Q(urgent_fallback_pct__gt=0, urgent_fallback_pct__lte=100),
                name="scenario_urgent_fallback_range",
            ),
            models.CheckConstraint(
                condition=models.Q(sensitivity_draws__gte=100, sensitivity_draws__lte=100000),
                name="scenario_sensitivity_draws_range",
            ),
            models.CheckConstraint(
                condition=models.Q(sensitivity_concentration__gt=0),
                name="scenario_sensitivity_concentration_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:scenario_detail", kwargs={"pk": self.pk})


class ScenarioGroupSetting(models.Model):
    """The model's settings for one target group in one scenario (DOMAIN.md 4)."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="settings"
    )
    group = models.ForeignKey(
        "target_groups.TargetGroup",
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    included = models.BooleanField(_("compute this group"), default=True)
    mode = models.CharField(
        _("allocation mode"),
        max_length=12,
        choices=AllocationMode.choices,
        default=AllocationMode.SPREAD,
    )
    task_source = models.CharField(
        _("regional task"), max_length=12, choices=TaskSource.choices, default=TaskSource.DEMAND
    )
    entered_total = models.PositiveIntegerField(_("entered total"), null=True, blank=True)
    entered_total_basis = models.CharField(
        _("the entered total is"),
        max_length=8,
        choices=TotalBasis.choices,
        default=TotalBasis.PERIOD,
    )
    effort_indicator = models.ForeignKey(
        "municipalities.Indicator",
        verbose_name=_("existing effort from indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    credit_factor = models.DecimalField(
        _("credit factor c"), max_digits=5, decimal_places=4, default=0
    )
    max_credit_fraction = models.DecimalField(
        _("credit cuts at most (fraction m)"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    upper_bound_mutations_pct = models.DecimalField(
        _("upper bound (percentage of yearly mutations)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    method = models.CharField(
        _("rounding method"),
        max_length=16,
        choices=RoundingMethod.choices,
        default=RoundingMethod.HAMILTON,
    )
    two_tier = models.BooleanField(_("two tiers (sub-regions first)"), default=False)
    carry_over = models.BooleanField(_("carry over the backlog"), default=False)
    strict_ties = models.BooleanField(_("refuse exact ties"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "group__position"]
        verbose_name = _("scenario setting")
        verbose_name_plural = _("scenario settings")
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "group"], name="scenario_setting_unique_per_group"
            ),
            models.CheckConstraint(
                condition=models.Q(task_source__in=[s.value for s in TaskSource]),
                name="scenario_setting_task_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=[m.value for m in RoundingMethod]),
                name="scenario_setting_method_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(task_source=TaskSource.ENTERED)
                | models.Q(entered_total__isnull=False),
                name="scenario_setting_entered_total_given",
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=[m.value for m in AllocationMode]),
                name="scenario_setting_mode_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(entered_total_basis__in=[b.value for b in TotalBasis]),
                name="scenario_setting_entered_total_basis_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_factor__gte=0, credit_factor__lte=1),
                name="scenario_setting_credit_factor_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_credit_fraction__isnull=True)
                | models.Q(max_credit_fraction__gte=0, max_credit_fraction__lte=1),
                name="scenario_setting_max_credit_fraction_range",
            ),
            models.CheckConstraint(
                condition=models.Q(upper_bound_mutations_pct__isnull=True)
                | models.Q(upper_bound_mutations_pct__gt=0, upper_bound_mutations_pct__lte=100),
                name="scenario_setting_upper_bound_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.group}"


class ScenarioWeight(models.Model):
    """The weight α_k of one indicator in a group's key, as an exact fraction (0.5 = 50%)."""

    setting = models.ForeignKey(
        ScenarioGroupSetting,
        verbose_name=_("scenario setting"),
        on_delete=models.CASCADE,
        related_name="weights",
    )
    indicator = models.ForeignKey(
        "municipalities.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=6)

    history = HistoricalRecords()

    class Meta:
        ordering = ["setting", "indicator__position"]
        verbose_name = _("weight")
        verbose_name_plural = _("weights")
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "indicator"], name="scenario_weight_unique_per_indicator"
            ),
            # Only weights above 0 are stored; together they add up to 1 (checked by the
            # service, across rows).
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=1), name="scenario_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.setting} · {self.indicator.code} {self.weight}"


class ScenarioSubregionWeight(models.Model):
    """Two-tier maatwerk: one weight α^r_k of a sub-region's own inner key for one group.

    In two-tier mode the region's key sets the sub-region totals N_r; a sub-region with its own
    key spreads N_r over its municipalities with these weights (together 1, checked by the
    service). Without rows the region's key is used inside the sub-region too.
    """

    setting = models.ForeignKey(
        ScenarioGroupSetting,
        verbose_name=_("scenario setting"),
        on_delete=models.CASCADE,
        related_name="subregion_weights",
    )
    subregion = models.ForeignKey(
        "municipalities.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "municipalities.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=6)

    history = HistoricalRecords()

    class Meta:
        ordering = ["setting", "subregion__name", "indicator__position"]
        verbose_name = _("sub-region weight")
        verbose_name_plural = _("sub-region weights")
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "subregion", "indicator"],
                name="scenario_subregion_weight_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=1),
                name="scenario_subregion_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.setting} · {self.subregion} · {self.indicator.code} {self.weight}"


class ScenarioRun(models.Model):
    """One computation of a scenario, done by a background job. Never changes once done."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="runs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    celery_task_id = models.CharField(_("task id"), max_length=64, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    scenario_settings = models.JSONField(_("settings"), null=True, blank=True)
    inputs = models.JSONField(_("inputs"), null=True, blank=True)
    results = models.JSONField(_("results"), null=True, blank=True)
    digest = models.CharField(_("digest (SHA-256)"), max_length=64, blank=True)
    input_provenance = models.JSONField(
        _("provenance of the input figures"),
        null=True,
        blank=True,
        help_text=_(
            "Where each figure the computation used came from (source, reference date, who "
            "entered and who confirmed it, and when), as it was at the time of the computation. "
            "Not part of the digest."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name = _("computation")
        verbose_name_plural = _("computations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in RunStatus]),
                name="scenario_run_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="scenario_run_progress_range"
            ),
            # A queued run has not started.
            models.CheckConstraint(
                condition=~models.Q(status=RunStatus.QUEUED) | models.Q(started_at__isnull=True),
                name="scenario_run_queued_not_started",
            ),
            # Results exist only for a run that succeeded, and then completely.
            models.CheckConstraint(
                condition=(
                    models.Q(status=RunStatus.SUCCEEDED)
                    & models.Q(
                        inputs__isnull=False,
                        scenario_settings__isnull=False,
                        results__isnull=False,
                        digest__regex=r"^[0-9a-f]{64}$",
                        finished_at__isnull=False,
                        progress=100,
                    )
                )
                | (
                    ~models.Q(status=RunStatus.SUCCEEDED)
                    & models.Q(results__isnull=True, digest="")
                ),
                name="scenario_run_results_only_when_succeeded",
            ),
            # A failed run says why, in words.
            models.CheckConstraint(
                condition=~models.Q(status=RunStatus.FAILED)
                | (~models.Q(error_message="") & models.Q(finished_at__isnull=False)),
                name="scenario_run_failed_has_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {timezone.localtime(self.queued_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:run_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)
