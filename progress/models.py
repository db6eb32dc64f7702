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
