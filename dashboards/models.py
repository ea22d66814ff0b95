"""Municipal boundaries for the dashboard map, imported by an operator from a CBS/PDOK file.

Without boundaries the map is a tile map of the 30 municipalities (reports.charts.tile_map).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MunicipalityBoundary(models.Model):
    """The simplified outline of one municipality as a GeoJSON geometry."""

    municipality = models.OneToOneField(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="boundary",
    )
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    source = models.CharField(_("source file"), max_length=255)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality__cbs_code"]
        verbose_name = _("municipal boundary")
        verbose_name_plural = _("municipal boundaries")

    def __str__(self) -> str:
        return str(self.municipality_id)
