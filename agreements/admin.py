"""Admin: the partners of the sub-regions' agreements (entered by the programme team).

Standing texts are edited on their own page (agreements:standing_texts) and listed here
read-only, as the history of their versions."""

from django.contrib import admin
from django.http import HttpRequest

from .models import AgreementPartner, StandingText


@admin.register(AgreementPartner)
class AgreementPartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "subregion", "kind", "role", "representative", "active")
    list_filter = ("subregion", "kind", "role", "active")
    list_select_related = ("subregion",)
    search_fields = ("name", "representative")
    ordering = ("subregion__name", "position", "name")


@admin.register(StandingText)
class StandingTextAdmin(admin.ModelAdmin):
    list_display = ("round", "kind", "version", "created_by", "created_at")
    list_filter = ("kind", "round")
    list_select_related = ("round", "created_by")
    readonly_fields = ("round", "kind", "version", "body", "reason", "created_by", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
