"""Roll-ups the dashboards need beyond progress.ProgressSnapshot, and API tokens.

Like the progress snapshots these rows are rebuilt from raw rows by a job and
read by the pages, so a page's cost follows the number of sessions, never the
number of participants.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    GENDER = "gender", _("Gender")
    SECTOR = "sector", _("Sector")
    SOCIAL_MEDIA = "social_media", _("Social-media use at baseline")


class DimensionRollup(models.Model):
    """People trained and attendances per participant trait, at the finest slice (city, partner, audience, day).

    `trained` counts a person once, at their first attendance (the same rule as
    the progress snapshots); `attended` counts every attendance.
    """

    programme = models.ForeignKey("cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey("cities.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=8)
    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=16, blank=True)
    trained = models.PositiveIntegerField(_("people trained"), default=0)
    attended = models.PositiveIntegerField(_("attendances"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("dimension roll-up")
        verbose_name_plural = _("dimension roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "city", "partner", "audience", "day", "dimension", "value"], name="dimension_rollup_unique"
            )
        ]
        indexes = [models.Index(fields=["programme", "dimension"])]

    def __str__(self):
        return f"{self.dimension}={self.value}: {self.trained}"


class SessionRollup(models.Model):
    """Registrations, attendances and no-shows of one session (test records excluded)."""

    session = models.OneToOneField(
        "sessions_app.TrainingSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rollup",
    )
    programme = models.ForeignKey("cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+")
    registrations = models.PositiveIntegerField(_("registrations"), default=0)
    attended = models.PositiveIntegerField(_("attendances"), default=0)
    no_shows = models.PositiveIntegerField(_("no-shows"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("session roll-up")
        verbose_name_plural = _("session roll-ups")
        indexes = [models.Index(fields=["programme"])]

    def __str__(self):
        return f"{self.session_id}: {self.attended}/{self.registrations}"


class ApiToken(models.Model):
    """A revocable key another government system uses to pull the progress API as one user.

    Only a SHA-256 digest of the key is stored; the key itself is shown once.
    The token acts with its user's role, so the API is scoped like the pages.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class TrainedPerson(models.Model):
    """The attendance at which one person counts as trained: the rows behind every 'trained' number.

    Written by monitoring_rebuild with the same rule as the progress snapshots,
    so a drill-down list is an indexed filter rather than a search for each
    person's first attendance among all attendances.
    """

    programme = models.ForeignKey("cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        "participants.Participant", verbose_name=_("participant"), on_delete=models.CASCADE, related_name="+"
    )
    attendance = models.ForeignKey(
        "participants.Attendance", verbose_name=_("attendance"), on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(
        "sessions_app.TrainingSession", verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    city = models.ForeignKey("cities.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=8)
    is_woman = models.BooleanField(_("woman"), default=False)
    starts_at = models.DateTimeField(_("starts"))

    class Meta:
        verbose_name = _("person trained")
        verbose_name_plural = _("people trained")
        constraints = [models.UniqueConstraint(fields=["programme", "participant"], name="trained_person_once_per_programme")]
        indexes = [
            models.Index(fields=["programme", "audience", "city", "starts_at", "attendance"]),
            models.Index(fields=["programme", "audience", "starts_at", "attendance"]),
        ]

    def __str__(self):
        return f"{self.participant_id} @ {self.session_id}"
