from django.contrib import admin

from .models import City, CityTarget, Programme


class CityTargetInline(admin.TabularInline):
    model = CityTarget
    extra = 0
    autocomplete_fields = ["city"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "umkm_target", "pemda_target", "personal_data_retention_days"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CityTargetInline]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "province_code", "region", "time_zone"]
    list_filter = ["region", "time_zone"]
    search_fields = ["name", "province"]


@admin.register(CityTarget)
class CityTargetAdmin(admin.ModelAdmin):
    list_display = ["programme", "city", "umkm_target", "pemda_target", "roadshow_order"]
    list_filter = ["programme"]
    list_select_related = ["programme", "city"]
    search_fields = ["city__name"]
