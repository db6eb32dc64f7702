from django.contrib import admin

from .models import Partner, Trainer


class TrainerInline(admin.TabularInline):
    model = Trainer
    extra = 0
    fields = ["user", "tot_status", "tot_certified_on", "is_active"]
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
