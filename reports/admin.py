from django.contrib import admin
from django.http import HttpRequest

from .models import AgreementDocument


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are made by the background job from the agreed run."""

    list_display = ("round", "subregion", "status", "attempts", "page_count", "finished_at")
    list_filter = ("status", "round")
    list_select_related = ("round", "subregion")
    exclude = ("pdf",)
    readonly_fields = (
        "round",
        "subregion",
        "status",
        "digest",
        "run_digest",
        "sha256",
        "page_count",
        "error_message",
        "created_at",
        "queued_at",
        "attempts",
        "started_at",
        "finished_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
