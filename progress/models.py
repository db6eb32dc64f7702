from django.db import models
from django.utils.translation import gettext_lazy as _

ALL = "*"


class ProgressSnapshot(models.Model):
    """Roll-up of progress for one slice of a programme, written by background jobs.

    A slice is a combination of city, partner, audience and day; an empty
    dimension (NULL / "") means "all". `key` names the slice uniquely so a
    rebuild can upsert. Dashboards read these rows, never the raw ones.
    """

    programme = models.ForeignKey(
        "cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="snapshots"
    )
    key = models.CharField(_("slice"), max_length=120)
    city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(_("audience"), max_length=8, blank=True)
    day = models.DateField(_("day"), null=True, blank=True)

    umkm_trained = models.PositiveIntegerField(_("unique UMKM trained"), default=0)
    umkm_women = models.PositiveIntegerField(_("women among UMKM trained"), default=0)
    umkm_mikro = models.PositiveIntegerField(_("micro businesses trained"), default=0)
    umkm_kecil = models.PositiveIntegerField(_("small businesses trained"), default=0)
    umkm_menengah = models.PositiveIntegerField(_("medium businesses trained"), default=0)
    pemda_trained = models.PositiveIntegerField(_("pemda officers trained"), default=0)
    pemda_women = models.PositiveIntegerField(_("women among pemda officers trained"), default=0)
    registrations = models.PositiveIntegerField(_("registrations"), default=0)
    attendances = models.PositiveIntegerField(_("attendances"), default=0)
    no_shows = models.PositiveIntegerField(_("no-shows"), default=0)
    sessions_held = models.PositiveIntegerField(_("sessions held"), default=0)
    sessions_planned = models.PositiveIntegerField(_("sessions planned"), default=0)
    sessions_cancelled = models.PositiveIntegerField(_("sessions cancelled"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="snapshot_unique_slice")]
        indexes = [models.Index(fields=["programme", "city", "partner", "audience", "day"])]

    def __str__(self):
        return f"{self.programme} {self.key}: {self.umkm_trained}"

    @property
    def women_share(self) -> float | None:
        trained = self.umkm_trained + self.pemda_trained
        return (self.umkm_women + self.pemda_women) / trained if trained else None


class Dimension(models.TextChoices):
    GENDER = "gender", _("Gender")
    SECTOR = "sector", _("Sector")
    SOCIAL_MEDIA = "social_media", _("Social-media use at baseline")


class DimensionRollup(models.Model):
    """People trained and attendances per participant trait, at the finest slice (city, partner, audience, day).

    `trained` counts a person once, at their counted attendance (participants/counting.py);
    `attended` counts every attendance. Moved here from monitoring, which reads it; the table keeps its name.
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
        db_table = "monitoring_dimensionrollup"
        verbose_name = _("dimension roll-up")
        verbose_name_plural = _("dimension roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "city", "partner", "audience", "day", "dimension", "value"], name="dimension_rollup_unique"
            )
        ]
        indexes = [models.Index(fields=["programme", "dimension"], name="monitoring__program_d5fc1e_idx")]

    def __str__(self):
        return f"{self.dimension}={self.value}: {self.trained}"


class SessionRollup(models.Model):
    """Every figure of one session (test records excluded), and the finest slice it falls in. Table name kept from monitoring.

    The finest slices are the sums of their sessions' rows: a refresh recounts the sessions a change
    touched (their own attendances and counted people) and moves the slices by the difference, so
    its work follows the change, not how many sessions and people share its city-day. `traits` holds
    the session's share of the dimension roll-ups: {"dimension|value": [trained, attended]}.
    """

    session = models.OneToOneField(
        "sessions_app.TrainingSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rollup",
    )
    programme = models.ForeignKey("cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(_("audience"), max_length=8, blank=True)
    day = models.DateField(_("day"), null=True, blank=True)  # empty until the first rebuild after this column came
    registrations = models.PositiveIntegerField(_("registrations"), default=0)
    attended = models.PositiveIntegerField(_("attendances"), default=0)
    no_shows = models.PositiveIntegerField(_("no-shows"), default=0)
    umkm_trained = models.PositiveIntegerField(_("unique UMKM trained"), default=0)
    umkm_women = models.PositiveIntegerField(_("women among UMKM trained"), default=0)
    umkm_mikro = models.PositiveIntegerField(_("micro businesses trained"), default=0)
    umkm_kecil = models.PositiveIntegerField(_("small businesses trained"), default=0)
    umkm_menengah = models.PositiveIntegerField(_("medium businesses trained"), default=0)
    pemda_trained = models.PositiveIntegerField(_("pemda officers trained"), default=0)
    pemda_women = models.PositiveIntegerField(_("women among pemda officers trained"), default=0)
    sessions_held = models.PositiveIntegerField(_("sessions held"), default=0)
    sessions_planned = models.PositiveIntegerField(_("sessions planned"), default=0)
    sessions_cancelled = models.PositiveIntegerField(_("sessions cancelled"), default=0)
    traits = models.JSONField(_("traits"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        db_table = "monitoring_sessionrollup"
        verbose_name = _("session roll-up")
        verbose_name_plural = _("session roll-ups")
        indexes = [
            # The dashboards' "sessions computed at" is the latest of a programme's rows: one index probe, not a scan of
            # every session (27,000 at 1,000,000 participants). It replaces a plain programme index the FK index already gave.
            models.Index(fields=["programme", "computed_at"], name="session_rollup_latest_idx"),
            models.Index(fields=["programme", "city", "partner", "audience", "day"], name="session_rollup_slice_idx"),
        ]

    def __str__(self):
        return f"{self.session_id}: {self.attended}/{self.registrations}"


class PendingSlice(models.Model):
    """A finest slice whose figures a change touched and the next refresh recounts.

    `session_id` names the session in it whose figures changed (only that one is recounted, the
    slice re-summed); 0 recounts every session of the slice.

    Written after the change commits (progress/receivers.py), removed by the refresh that recounts
    it, in the refresh's own transaction: a refresh that fails leaves it here for the retry.
    """

    programme = models.ForeignKey("cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey("cities.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=8)
    day = models.DateField(_("day"))
    session_id = models.IntegerField(_("session"), default=0)  # not a key: a deleted session's row still re-sums its slice

    class Meta:
        verbose_name = _("slice to recount")
        verbose_name_plural = _("slices to recount")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "city", "partner", "audience", "day", "session_id"], name="pending_slice_session_once"
            )
        ]

    def __str__(self):
        return f"{self.programme_id} c{self.city_id} p{self.partner_id} {self.audience} {self.day}"


class ProgressCheck(models.Model):
    """One run of the nightly check: the roll-ups recomputed from raw rows and compared with what changes kept.

    `differences` must be zero; anything else is repaired by the same run and shown to operators
    in the admin (with which tables and slices differed, never personal data).
    """

    programme = models.ForeignKey(
        "cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="progress_checks"
    )
    checked_at = models.DateTimeField(_("checked at"))
    seconds = models.FloatField(_("duration (seconds)"), default=0)
    differences = models.PositiveIntegerField(_("differences found and repaired"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("roll-up check")
        verbose_name_plural = _("roll-up checks")
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["programme", "checked_at"])]

    def __str__(self):
        return f"{self.programme} {self.checked_at:%Y-%m-%d %H:%M}: {self.differences}"
