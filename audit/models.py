from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")
    PARTICIPANT_MERGED = "participant_merged", _("Participants merged")
    CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")
    PARTICIPANT_UPDATED = "participant_updated", _("Participant details corrected")
    BULK_EXPORTED = "bulk_exported", _("List exported")
    BULK_IMPORTED = "bulk_imported", _("List imported")
    CROSS_PARTNER_MATCH = "cross_partner_match", _("Person from another partner acted on")
    CHANGE_ACCEPTED = "change_accepted", _("Proposed change accepted")
    CHANGE_REJECTED = "change_rejected", _("Proposed change rejected")
    ATTENDANCE_AFTER_CLOSE = "attendance_after_close", _("Attendance corrected after closing")
    ROLE_CHANGED = "role_changed", _("Role changed")
    PERSONAL_DATA_GRANT = "personal_data_grant", _("Personal-data access granted or withdrawn")
    USER_DEACTIVATED = "user_deactivated", _("Access withdrawn")
    LOGGED_IN = "logged_in", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGGED_OUT = "logged_out", _("Logged out")
    CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Never holds the personal values themselves."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_email = models.CharField(_("who (e-mail at the time)"), max_length=254, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("from (address)"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type}#{self.object_id}"
