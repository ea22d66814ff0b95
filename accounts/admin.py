from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "subregion"]
    list_filter = ["role", "subregion"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
