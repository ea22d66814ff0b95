from django.contrib import admin

from .models import PartnerOrganisation


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "subregion", "province", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities", "agreement_parties"]
