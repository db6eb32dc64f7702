from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py api_token_create`, which shows the key once; here they can be revoked."""

    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at"]

    def has_add_permission(self, request):
        return False
