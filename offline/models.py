from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncOutcome(models.TextChoices):
    APPLIED = "applied", _("applied")
    ALREADY_APPLIED = "already_applied", _("already applied")
    MERGED = "merged", _("merged into an existing person")
    REFUSED = "refused", _("refused")


class SyncKind(models.TextChoices):
    CHECK_IN = "check_in", _("check-in")
    UNDO = "undo", _("undo check-in")
    WALK_IN = "walk_in", _("walk-in")


class SyncedAction(models.Model):
    """One action a phone sent from its offline queue, with the receipt it got: a replay gets the same receipt.

    `device_at` is the phone's clock when the trainer acted, kept as sent (it may be wrong);
    `applied_at` is the time the attendance got, within the session's day. `reason` is a generic
    refusal text, never personal data.
    """

    client_id = models.UUIDField(_("client-generated id"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    session = models.ForeignKey(
        "sessions_app.TrainingSession", verbose_name=_("session"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant", verbose_name=_("participant"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SyncKind.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=SyncOutcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    device_at = models.DateTimeField(_("device time"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("synced action")
        verbose_name_plural = _("synced actions")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.kind} {self.client_id}: {self.outcome}"
