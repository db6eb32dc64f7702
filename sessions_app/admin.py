from django.contrib import admin

from .models import Roadshow, SessionChange, TrainingSession


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0
    fields = ["title", "audience", "starts_at", "ends_at", "capacity", "status"]
    show_change_link = True


@admin.register(Roadshow)
class RoadshowAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "partner", "starts_on", "ends_on", "status"]
    list_filter = ["programme", "status", "city", "partner"]
    search_fields = ["city__name", "partner__name"]
    list_select_related = ["programme", "city", "partner"]
    date_hierarchy = "starts_on"
    inlines = [TrainingSessionInline]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "partner", "audience", "delivery", "starts_at", "capacity", "status"]
    list_filter = ["programme", "status", "audience", "delivery", "city", "partner"]
    search_fields = ["title", "venue", "city__name", "partner__name"]
    list_select_related = ["city", "partner"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["lead_trainer", "roadshow"]
    filter_horizontal = ["co_trainers"]


@admin.register(SessionChange)
class SessionChangeAdmin(admin.ModelAdmin):
    list_display = ["session", "kind", "old_starts_at", "new_starts_at", "registrations_affected", "created_at", "notified_at"]
    list_filter = ["kind"]
    list_select_related = ["session"]
    raw_id_fields = ["session", "changed_by"]
