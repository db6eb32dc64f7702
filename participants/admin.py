from django.contrib import admin

from .models import Attendance, DuplicateCandidate, Participant, ParticipantImport, ProposedChange


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["session", "status", "source", "checked_in_at", "checked_in_by"]
    raw_id_fields = ["session", "checked_in_by"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "phone", "city", "kind", "business_name", "scale", "gender", "is_test"]
    list_filter = ["kind", "city", "scale", "sector", "gender", "is_test"]
    search_fields = ["full_name", "phone", "business_name", "agency", "nib", "email"]
    list_select_related = ["city"]
    raw_id_fields = ["merged_into", "created_by"]
    show_full_result_count = False
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["participant", "session", "status", "source", "registered_at", "checked_in_at"]
    list_filter = ["status", "source", "session__city"]
    search_fields = ["participant__full_name", "participant__phone", "session__title"]
    list_select_related = ["participant", "session", "session__city"]
    raw_id_fields = ["participant", "session", "checked_in_by"]
    show_full_result_count = False


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ["participant", "existing", "reason", "score", "status", "created_at"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["participant", "existing", "resolved_by"]
    list_select_related = ["participant", "existing"]


@admin.register(ParticipantImport)
class ParticipantImportAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "created_by",
        "status",
        "total_rows",
        "created_count",
        "matched_count",
        "error_count",
        "created_at",
    ]
    list_filter = ["status"]
    exclude = ["rows", "preview"]
    raw_id_fields = ["created_by"]


@admin.register(ProposedChange)
class ProposedChangeAdmin(admin.ModelAdmin):
    """Read-only here: proposals are accepted or rejected on the review page, where the decision is audited."""

    list_display = ["participant", "session", "source", "status", "created_at", "decided_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["participant", "session"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
