from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import SurveyQuestion, SurveyWave
from .services.responses import question_revise


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["code", "version", "position", "kind", "text_id", "text_en", "required", "retired_at"]
    readonly_fields = ["version", "retired_at"]
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False  # questions change through their own page, which versions answered ones


@admin.register(SurveyWave)
class SurveyWaveAdmin(admin.ModelAdmin):
    list_display = ["name_id", "programme", "kind", "days_after", "open_days", "is_active"]
    list_filter = ["programme", "kind", "is_active"]
    inlines = [SurveyQuestionInline]


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "wave", "kind", "required", "retired_at"]
    list_filter = ["wave__programme", "wave", "kind"]
    readonly_fields = ["version", "retired_at"]
    fields = [
        "wave",
        "code",
        "version",
        "position",
        "kind",
        "text_id",
        "text_en",
        "choices",
        "required",
        "min_value",
        "max_value",
        "baseline_values",
        "retired_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "wave", "code"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            revised = question_revise(question=SurveyQuestion.objects.get(pk=obj.pk), changes=changes)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level="error")
            return
        if revised.pk != obj.pk:
            self.message_user(request, _("The question had answers: a new version %(v)s replaces it.") % {"v": revised.version})
        obj.pk = revised.pk
