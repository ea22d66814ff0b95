"""Rounds of agreements. Scenarios, runs and results are added beside the round."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("allocation:round_detail", kwargs={"pk": self.pk})
