import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    # The person's data was erased, or the record was merged into one that has its own certificate.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SendWhen(models.TextChoices):
    ON_CLOSE = "on_close", _("When attendance is closed")
    AFTER_SURVEY = "after_survey", _("After the participant answers the feedback survey")


def _download_token() -> str:
    return secrets.token_urlsafe(24)


class CertificateSettings(models.Model):
    """A programme's certificate choices. No row means the defaults (sent when attendance is closed)."""

    programme = models.OneToOneField(
        "cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="certificate_settings"
    )
    send_when = models.CharField(
        _("send the certificate link"), max_length=16, choices=SendWhen.choices, default=SendWhen.ON_CLOSE
    )

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")

    def __str__(self):
        return str(self.programme)


class Certificate(models.Model):
    """A participant's certificate of attendance at one session.

    The PDF is not stored: it is rendered on demand from these fields and the session, so a
    corrected name (a new `version`) can never be served from an old file, and erasing a person
    leaves no copy of their name anywhere. `name` is the name as printed, kept so the
    verification page shows exactly what the paper says.
    """

    number = models.CharField(_("certificate number"), max_length=16, unique=True)
    participant = models.ForeignKey(
        "participants.Participant", verbose_name=_("participant"), on_delete=models.PROTECT, related_name="certificates"
    )
    session = models.ForeignKey(
        "sessions_app.TrainingSession", verbose_name=_("session"), on_delete=models.PROTECT, related_name="certificates"
    )
    name = models.CharField(_("name on the certificate"), max_length=150, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    download_token = models.CharField(
        _("personal download key"), max_length=40, unique=True, default=_download_token, editable=False
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    reissued_at = models.DateTimeField(_("reissued"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked or withdrawn"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["session_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "session"], name="certificate_unique_participant_session"),
            models.CheckConstraint(
                condition=models.Q(status="valid", revoked_at__isnull=True)
                | (~models.Q(status="valid") & models.Q(revoked_at__isnull=False)),
                name="certificate_revoked_has_time",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID
