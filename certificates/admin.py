from django.contrib import admin

from .models import Certificate, CertificateSettings


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(admin.ModelAdmin):
    list_display = ("programme", "send_when")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Look-up only: revoking goes through the certificate pages (a reason, the audit log)."""

    list_display = ("number", "name", "session", "status", "version", "issued_at")
    list_filter = ("status",)
    search_fields = ("number",)
    list_select_related = ("session",)
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
