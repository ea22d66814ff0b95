"""Read-only admin views of the workflow records: they are written by figures.services only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import FigureUnlock, PendingImport, ReminderLog, WarningAcknowledgement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WarningAcknowledgement)
class WarningAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "year", "code", "field", "acknowledged_by", "acknowledged_at"]
    list_filter = ["code", "year"]
    list_select_related = ["municipality", "acknowledged_by"]


@admin.register(FigureUnlock)
class FigureUnlockAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "year", "unlocked_by", "unlocked_at", "closed_at"]
    list_select_related = ["municipality", "unlocked_by"]


@admin.register(PendingImport)
class PendingImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "uploaded_by", "uploaded_at", "status", "changed_count"]
    list_filter = ["status"]
    exclude = ["rows"]
    list_select_related = ["uploaded_by"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["year", "sent_by", "sent_at", "recipient_count"]
    list_select_related = ["sent_by"]
