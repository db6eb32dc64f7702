from django.contrib import admin

from .models import ApiToken, DimensionRollup, SessionRollup


@admin.register(DimensionRollup)
class DimensionRollupAdmin(admin.ModelAdmin):
    list_display = ["programme", "city", "partner", "audience", "day", "dimension", "value", "trained", "attended"]
    list_filter = ["programme", "dimension", "audience"]


@admin.register(SessionRollup)
class SessionRollupAdmin(admin.ModelAdmin):
    list_display = ["session", "registrations", "attended", "no_shows", "computed_at"]
    list_select_related = ["session"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py api_token_create`, which shows the key once; here they can be revoked."""

    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at"]

    def has_add_permission(self, request):
        return False
