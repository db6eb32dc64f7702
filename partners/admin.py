from django.contrib import admin

from .models import Partner, Trainer
from .services import trainer_update


class TrainerInline(admin.TabularInline):
    model = Trainer
    extra = 0
    fields = ["user", "tot_status", "tot_certified_on", "is_active"]
    readonly_fields = ["is_active"]  # changed on the trainer's own page, where withdrawing access is audited
    raw_id_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "contact_email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name"]
    inlines = [TrainerInline]


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partner", "tot_status", "tot_certified_on", "is_active"]
    list_filter = ["partner", "tot_status", "is_active", "cities"]
    search_fields = ["user__name", "user__email"]
    list_select_related = ["user", "partner"]
    raw_id_fields = ["user"]
    filter_horizontal = ["cities"]

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data:
            wanted = obj.is_active
            obj.is_active = not wanted
            super().save_model(request, obj, form, change)
            trainer_update(trainer=obj, is_active=wanted, by=request.user)
            return
        super().save_model(request, obj, form, change)
