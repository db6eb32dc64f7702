from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import timezones
from .timezones import ZONE_LABELS  # noqa: F401 (still importable from here)


class Region(models.TextChoices):
    WESTERN = "western", _("Western Indonesia")
    CENTRAL = "central", _("Central Indonesia")
    EASTERN = "eastern", _("Eastern Indonesia")


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta, UTC+7)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar, UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura, UTC+9)")


class Programme(models.Model):
    """A training programme: data, not code, so next year's runs on the same platform."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    umkm_target = models.PositiveIntegerField(_("UMKM target"), validators=[MinValueValidator(1)])
    pemda_target = models.PositiveIntegerField(_("pemda officer target"), default=0)
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep personal data for (days after the end)"),
        null=True,
        blank=True,
        help_text=_(
            "Participants' names and phones are erased this many days after the programme ends, once all their "
            "programmes have ended that long ago. Empty: never erased automatically. Read the retention report first."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="programme_ends_after_start"),
            models.CheckConstraint(condition=models.Q(umkm_target__gt=0), name="programme_umkm_target_positive"),
        ]

    def __str__(self):
        return self.name


class City(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    province = models.CharField(_("province"), max_length=100)
    province_code = models.CharField(_("province code (Kemendagri)"), max_length=4)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    time_zone = models.CharField(_("time zone"), max_length=32, choices=TimeZone.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def zone_label(self):
        return timezones.zone_label(self.time_zone)


class CityTarget(models.Model):
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="city_targets")
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="targets")
    umkm_target = models.PositiveIntegerField(_("UMKM target"))
    pemda_target = models.PositiveIntegerField(_("pemda officer target"), default=0)
    roadshow_order = models.PositiveSmallIntegerField(_("order in the roadshow"), default=0)

    class Meta:
        verbose_name = _("city target")
        verbose_name_plural = _("city targets")
        ordering = ["programme", "roadshow_order", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "city"], name="citytarget_unique_per_programme"),
        ]

    def __str__(self):
        return f"{self.city} – {self.programme}: {self.umkm_target}"
