from django.contrib import admin

from .models import DimensionRollup, ProgressCheck, ProgressSnapshot, SessionRollup


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(admin.ModelAdmin):
    list_display = ["programme", "key", "umkm_trained", "pemda_trained", "attendances", "sessions_held", "computed_at"]
    list_filter = ["programme", "city", "partner", "audience"]
    search_fields = ["key"]
    list_select_related = ["programme"]
    readonly_fields = [f.name for f in ProgressSnapshot._meta.fields]


class _DerivedAdmin(admin.ModelAdmin):
    """Rows written by the roll-up jobs: looked at, never typed in (the nightly check would undo it)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DimensionRollup)
class DimensionRollupAdmin(_DerivedAdmin):
    list_display = ["programme", "city", "partner", "audience", "day", "dimension", "value", "trained", "attended"]
    list_filter = ["programme", "dimension", "audience"]


@admin.register(SessionRollup)
class SessionRollupAdmin(_DerivedAdmin):
    list_display = ["session", "registrations", "attended", "no_shows", "computed_at"]
    list_select_related = ["session"]


@admin.register(ProgressCheck)
class ProgressCheckAdmin(_DerivedAdmin):
    """The nightly check's record: any run with differences is what an operator looks into."""

    list_display = ["programme", "checked_at", "differences", "seconds"]
    list_filter = ["programme"]
    readonly_fields = ["programme", "checked_at", "seconds", "differences", "details"]
