from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    """An NGO partner whose trainers went through the training of trainers (ToT)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class TotStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_TRAINING = "in_training", _("In training")
    CERTIFIED = "certified", _("Certified")


class Trainer(models.Model):
    """A field trainer: one user of one partner, with their ToT status."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="trainer"
    )
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="trainers")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    tot_status = models.CharField(_("ToT status"), max_length=16, choices=TotStatus.choices, default=TotStatus.NOT_STARTED)
    tot_started_on = models.DateField(_("ToT started"), null=True, blank=True)
    tot_certified_on = models.DateField(_("ToT certified"), null=True, blank=True)
    cities = models.ManyToManyField("cities.City", verbose_name=_("cities served"), related_name="trainers", blank=True)
    calendar_token = models.CharField(_("calendar feed token"), max_length=64, unique=True, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["user__name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(tot_status="certified") | models.Q(tot_certified_on__isnull=False),
                name="trainer_certified_has_date",
            ),
        ]

    def __str__(self):
        return str(self.user)
