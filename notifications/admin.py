from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ContactPreference, Notification, NotificationState
from .services.outbox import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, what failed and why; failed messages can be retried."""

    list_display = ["send_after", "kind", "channel", "state", "recipient_key", "to", "attempts", "short_error", "sent_at"]
    list_filter = ["state", "channel", "kind", "language", ("send_after", admin.DateFieldListFilter)]
    search_fields = ["to", "recipient_key", "subject_key", "last_error"]
    date_hierarchy = "send_after"
    actions = ["retry_failed"]
    show_full_result_count = False
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Retry the selected failed messages"), permissions=["change"])
    def retry_failed(self, request, queryset):
        with transaction.atomic():
            count = notifications_retry(
                notification_ids=queryset.filter(state=NotificationState.FAILED).values_list("pk", flat=True)
            )
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ["recipient_key", "language", "opted_out_at", "updated_at"]
    list_filter = ["language", ("opted_out_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient_key"]
    raw_id_fields = ["participant", "user"]
