from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import GroupFigure, TargetGroup


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "unit", "household_size", "spreading_suitable", "active"]
    list_editable = ["active"]


@admin.register(GroupFigure)
class GroupFigureAdmin(SimpleHistoryAdmin):
    list_display = [
        "municipality",
        "group",
        "year",
        "demand",
        "existing_effort",
        "realised",
        "status",
    ]
    list_filter = ["year", "group", "status", "illustrative", "municipality__subregion"]
    search_fields = ["municipality__name", "municipality__cbs_code"]
    list_select_related = ["municipality", "group"]
    readonly_fields = ["version", "updated_at"]
