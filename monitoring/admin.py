"""Read-only admin: realisations are written by monitoring.services only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import Realisation


@admin.register(Realisation)
class RealisationAdmin(SimpleHistoryAdmin):
    list_display = ["round", "municipality", "group", "year", "quarter", "realised", "status"]
    list_filter = ["round", "status", "year", "quarter", "group"]
    list_select_related = ["round", "municipality", "group"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
