from django.contrib import admin

from .models import ProgressSnapshot


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(admin.ModelAdmin):
    list_display = ["programme", "key", "umkm_trained", "pemda_trained", "attendances", "sessions_held", "computed_at"]
    list_filter = ["programme", "city", "partner", "audience"]
    search_fields = ["key"]
    list_select_related = ["programme"]
    readonly_fields = [f.name for f in ProgressSnapshot._meta.fields]
