from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, MunicipalFigure, Municipality, SubRegion


@admin.register(SubRegion)
class SubRegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "province"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "subregion", "province"]
    list_filter = ["subregion", "province"]
    search_fields = ["name", "cbs_code"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "unit", "required", "position"]


@admin.register(MunicipalFigure)
class MunicipalFigureAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "indicator", "year", "value", "status", "illustrative"]
    list_filter = ["year", "indicator", "status", "illustrative", "municipality__subregion"]
    search_fields = ["municipality__name", "municipality__cbs_code"]
    list_select_related = ["municipality", "indicator"]
    readonly_fields = ["version", "updated_at"]
