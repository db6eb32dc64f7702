from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the services, never edited by hand."""

    list_display = ["at", "actor_email", "ip_address", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "object_id", "ip_address"]
    date_hierarchy = "at"
    readonly_fields = ["actor", "actor_email", "at", "ip_address", "action", "object_type", "object_id", "changes"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
