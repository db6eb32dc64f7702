import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class NotificationKind(models.TextChoices):
    SESSION_DAY_BEFORE = "session_day_before", _("Reminder the day before a session")
    SESSION_TWO_HOURS = "session_two_hours", _("Reminder two hours before a session")
    ATTENDANCE_OPEN = "attendance_open", _("Attendance not closed")
    LOW_REGISTRATION = "low_registration", _("Session less than half full")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    SESSION_MOVED = "session_moved", _("Session moved")
    CERTIFICATE_READY = "certificate_ready", _("Certificate of attendance")
    SURVEY_FEEDBACK = "survey_feedback", _("Feedback survey invitation")
    SURVEY_FOLLOW_UP = "survey_follow_up", _("Follow-up survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")


class Notification(models.Model):
    """One message the platform will send: the outbox row that makes sending idempotent.

    Writing a row is how code asks for a message. `recipient_key` ("participant:12",
    "user:3") and `subject_key` ("session:7@2018-09-12T01:00:00+00:00", "change:5")
    name who and what, so one recipient gets one message per subject and kind however
    often the planner runs.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=12, choices=NotificationState.choices, default=NotificationState.PENDING)
    recipient_key = models.CharField(_("recipient"), max_length=40)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    subject_key = models.CharField(_("subject"), max_length=80)
    session = models.ForeignKey(
        "sessions_app.TrainingSession",
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    language = models.CharField(_("language"), max_length=8)
    to = models.CharField(_("address"), max_length=254, blank=True)
    subject_line = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    params = models.JSONField(_("template parameters"), default=list, blank=True)
    context = models.JSONField(_("facts checked before sending"), default=dict, blank=True)
    send_after = models.DateTimeField(_("send after"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-send_after", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient_key", "subject_key", "kind"], name="notification_unique_per_recipient"),
        ]
        indexes = [models.Index(fields=["state", "send_after"]), models.Index(fields=["subject_key", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_key} ({self.get_state_display()})"


class ContactPreference(models.Model):
    """What a recipient asked for: their language and whether they opted out of messages."""

    recipient_key = models.CharField(_("recipient"), max_length=40, unique=True)
    participant = models.OneToOneField(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_preference",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_preference",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self):
        return self.recipient_key
