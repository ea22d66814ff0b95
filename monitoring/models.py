"""Realised numbers per target group and quarter, against the numbers of an adopted round.

A realisation carries what every entered figure carries (core.models.SourcedFigure: source,
reference date, draft/submitted/confirmed with four eyes, version, who did what) and its
history (django-simple-history). Only confirmed realisations count on the dashboard and in
the carry-over to the next round.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import FigureStatus, SourcedFigure


class Realisation(SourcedFigure):
    """How many a municipality realised for one group in one quarter of an adopted round."""

    round = models.ForeignKey(
        "allocation.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="realisations",
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="realisations",
    )
    group = models.ForeignKey(
        "target_groups.TargetGroup",
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="realisations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    realised = models.PositiveIntegerField(_("realised"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "municipality__name", "year", "quarter", "group__position"]
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality", "group", "year", "quarter"],
                name="realisation_unique_per_quarter",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="realisation_quarter_range",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="realisation_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in FigureStatus]),
                name="realisation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.municipality_id} {self.group_id} {self.year}-Q{self.quarter}: {self.realised}"
        )
