"""Sub-regions, municipalities and their yearly figures (population, dwellings, ...)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import SourcedFigure


class Province(models.TextChoices):
    NOORD_HOLLAND = "NH", "Noord-Holland"
    FLEVOLAND = "FL", "Flevoland"


class SubRegionManager(models.Manager["SubRegion"]):
    def get_by_natural_key(self, slug: str) -> "SubRegion":
        return self.get(slug=slug)


class MunicipalityManager(models.Manager["Municipality"]):
    def get_by_natural_key(self, cbs_code: str) -> "Municipality":
        return self.get(cbs_code=cbs_code)


class IndicatorManager(models.Manager["Indicator"]):
    def get_by_natural_key(self, code: str) -> "Indicator":
        return self.get(code=code)


class MunicipalFigureManager(models.Manager["MunicipalFigure"]):
    def get_by_natural_key(self, cbs_code: str, indicator: str, year: int) -> "MunicipalFigure":
        return self.get(municipality__cbs_code=cbs_code, indicator__code=indicator, year=year)


class SubRegion(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)

    objects = SubRegionManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sub-region")
        verbose_name_plural = _("sub-regions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:subregion_detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Municipality(models.Model):
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=6,
        unique=True,
        help_text=_("GM followed by four digits, as used by CBS."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    subregion = models.ForeignKey(
        SubRegion,
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)

    objects = MunicipalityManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cbs_code__regex=r"^GM[0-9]{4}$"),
                name="municipality_cbs_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("figures:municipality", kwargs={"code": self.cbs_code})

    def natural_key(self) -> tuple[str]:
        return (self.cbs_code,)


class Indicator(models.Model):
    """A municipal indicator usable in a distribution key. Data, not code: more can be added."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("Dutch name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    description_nl = models.TextField(_("Dutch description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = IndicatorManager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class MunicipalFigure(SourcedFigure):
    """One indicator value of one municipality for one year, with its source."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    objects = MunicipalFigureManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality__name", "-year", "indicator__position"]
        verbose_name = _("municipal figure")
        verbose_name_plural = _("municipal figures")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "indicator", "year"],
                name="municipal_figure_unique_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="municipal_figure_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="municipal_figure_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year} {self.indicator.code}"

    def natural_key(self) -> tuple[str, str, int]:
        return (self.municipality.cbs_code, self.indicator.code, self.year)

    natural_key.dependencies = ["municipalities.municipality", "municipalities.indicator"]  # type: ignore[attr-defined]
