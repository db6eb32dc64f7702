from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")
    PARTICIPANT_MERGED = "participant_merged", _("Participants merged")
    CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")
    PARTICIPANT_UPDATED = "participant_updated", _("Participant details corrected")


class AuditEvent(models.Model):
    """Who did what to which record, and when. Never holds the personal values themselves."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_email = models.CharField(_("who (e-mail at the time)"), max_length=254, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type}#{self.object_id}"
