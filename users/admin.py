from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import user_set_role
from .services import user_update_access

# Changed through users/services.py so that each change is audited and the role's group follows the role.
ACCESS_FIELDS = ("role", "partner", "is_active", "can_see_personal_data")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "role", "partner", "is_active", "last_login"]
    list_filter = ["role", "partner", "is_active", "is_superuser"]
    search_fields = ["email", "name"]
    list_select_related = ["partner"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "role", "partner", "can_see_personal_data")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "role", "partner", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        if change:
            # Everything else is saved here; the access fields keep their stored values until save_related.
            obj._wanted_access = {f: getattr(obj, f) for f in ACCESS_FIELDS}  # per request, not on the shared admin
            stored = User.objects.get(pk=obj.pk)
            for field in ACCESS_FIELDS:
                setattr(obj, field, getattr(stored, field))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the groups picked on the form
        user = form.instance
        if change:
            user_update_access(user=user, by=request.user, **user._wanted_access)
        else:
            user_set_role(user=user, role=user.role, partner=user.partner, by=request.user)
