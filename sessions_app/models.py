import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    UMKM = "umkm", _("UMKM")
    PEMDA = "pemda", _("Local government (pemda)")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class RoadshowStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Roadshow(models.Model):
    """A partner team's stay in one city for one programme."""

    programme = models.ForeignKey(
        "cities.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="roadshows"
    )
    city = models.ForeignKey("cities.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="roadshows")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="roadshows")
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=16, choices=RoadshowStatus.choices, default=RoadshowStatus.PLANNED)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("roadshow")
        verbose_name_plural = _("roadshows")
        ordering = ["starts_on", "city__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="roadshow_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.city} ({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"


class TrainingSession(models.Model):
    programme = models.ForeignKey(
        "cities.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="sessions"
    )
    roadshow = models.ForeignKey(
        Roadshow, verbose_name=_("roadshow"), on_delete=models.PROTECT, related_name="sessions", null=True, blank=True
    )
    city = models.ForeignKey("cities.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="sessions")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.UMKM)
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices, default=Delivery.IN_PERSON)
    modules = models.TextField(_("modules covered"), blank=True)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    lead_trainer = models.ForeignKey(
        "partners.Trainer",
        verbose_name=_("lead trainer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_sessions",
    )
    co_trainers = models.ManyToManyField(
        "partners.Trainer", verbose_name=_("co-trainers"), blank=True, related_name="co_sessions"
    )
    attendance_closed_at = models.DateTimeField(_("attendance closed"), null=True, blank=True)
    registration_token = models.UUIDField(_("registration link token"), default=uuid.uuid4, unique=True, editable=False)
    registration_link_closed_at = models.DateTimeField(_("registration link closed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["city", "starts_at"]),
            models.Index(fields=["partner", "starts_at"]),
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["programme", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="session_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.title} – {self.city}"


class SessionChangeKind(models.TextChoices):
    CANCELLED = "cancelled", _("Cancelled")
    MOVED = "moved", _("Moved")


class SessionChange(models.Model):
    """A cancellation or move of a session that had registrations: those people must be told.

    Scheduling writes these; the notifications app turns each into messages and
    sets `notified_at` once the outbox rows exist.
    """

    session = models.ForeignKey(TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=12, choices=SessionChangeKind.choices)
    old_starts_at = models.DateTimeField(_("previous start"))
    old_ends_at = models.DateTimeField(_("previous end"))
    new_starts_at = models.DateTimeField(_("new start"), null=True, blank=True)
    new_ends_at = models.DateTimeField(_("new end"), null=True, blank=True)
    old_venue = models.CharField(_("previous venue"), max_length=255, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    registrations_affected = models.PositiveIntegerField(_("registrations affected"), default=0)
    changed_by = models.ForeignKey(
        "users.User", verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    notified_at = models.DateTimeField(_("people notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["notified_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.session}"
