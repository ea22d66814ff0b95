from django.contrib import admin

from .models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "reference_year", "period_start", "period_end", "status"]
    list_filter = ["status"]
