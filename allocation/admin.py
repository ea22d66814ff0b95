from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Round,
    RoundHalfYear,
    Scenario,
    ScenarioGroupSetting,
    ScenarioRun,
    ScenarioWeight,
)


class RoundHalfYearInline(admin.TabularInline):
    """Read-only: the national figures change on the round page (services validate)."""

    model = RoundHalfYear
    extra = 0
    can_delete = False
    fields = ("label", "national_total", "national_population", "estimate")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "reference_year", "period_start", "period_end", "status"]
    list_filter = ["status"]
    inlines = [RoundHalfYearInline]


class ScenarioGroupSettingInline(admin.TabularInline):
    model = ScenarioGroupSetting
    extra = 0
    can_delete = False
    fields = (
        "group",
        "included",
        "mode",
        "task_source",
        "entered_total",
        "entered_total_basis",
        "credit_factor",
        "method",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Scenario)
class ScenarioAdmin(SimpleHistoryAdmin):
    """Read-only: scenarios change through the scenario editor (services validate)."""

    list_display = ["name", "round", "created_by", "updated_at"]
    list_filter = ["round"]
    inlines = [ScenarioGroupSettingInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScenarioWeight)
class ScenarioWeightAdmin(SimpleHistoryAdmin):
    list_display = ["setting", "indicator", "weight"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScenarioRun)
class ScenarioRunAdmin(admin.ModelAdmin):
    """Read-only: a computation is a record and never changes once done."""

    list_display = ["scenario", "status", "progress", "queued_at", "duration", "digest"]
    list_filter = ["status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
