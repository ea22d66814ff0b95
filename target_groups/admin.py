from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import GroupFigure, TargetGroup


@admin.register(TargetGroup)
class TargetGroupAdmin(SimpleHistoryAdmin):
    """The programme team edits the groups and their maatwerk defaults (groups are data)."""

    list_display = [
        "code",
        "name_nl",
        "unit",
        "household_size",
        "spreading_suitable",
        "allocation_mode",
        "housed_from_mutations",
        "counts_as_statutory_urgent",
        "active",
    ]
    list_editable = ["active"]
    list_select_related = ["default_effort_indicator"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name_nl",
                    "name_en",
                    "definition_nl",
                    "definition_en",
                    "entry_hint_nl",
                    "unit",
                    "household_size",
                    "household_size_is_assumption",
                    "position",
                    "active",
                ]
            },
        ),
        (
            _("Maatwerk: default mode and key"),
            {
                "fields": [
                    "spreading_suitable",
                    "allocation_mode",
                    "default_weights",
                    "default_credit_factor",
                    "default_effort_indicator",
                ]
            },
        ),
        (
            _("Read-outs and the fall-back rule"),
            {"fields": ["housed_from_mutations", "counts_as_statutory_urgent"]},
        ),
    ]


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
