import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .consent import CURRENT_CONSENT_VERSION, consent_text
from .models import BusinessScale, ErasureReason, Gender, MatchReason, Participant, Sector, SocialMediaUse
from .phones import phone_display, phone_normalise
from .validators import nib_clean, validate_nib


class ParticipantForm(forms.ModelForm):
    """The walk-in and self-registration form: the same fields, with consent."""

    # Hidden, so an error on it could not be shown: a missing or broken id (an old page, a stripped
    # form) gets a fresh one; the phone still finds the person again.
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        max_length=30,
        help_text=_("Any format: 0812…, +62 812… or 62812…"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("client_id"):
            cleaned["client_id"] = uuid.uuid4()
            self.errors.pop("client_id", None)
        return cleaned

    consent = forms.BooleanField(
        label=_("I agree"),
        required=True,
        error_messages={"required": _("Consent is needed to register. Tick the box to agree.")},
    )
    consent_version = forms.CharField(widget=forms.HiddenInput, initial=CURRENT_CONSENT_VERSION, required=False)

    class Meta:
        model = Participant
        fields = [
            "full_name",
            "phone",
            "gender",
            "business_name",
            "agency",
            "sector",
            "scale",
            "nib",
            "email",
            "baseline_social_media",
            "whatsapp_opt_in",
        ]
        labels = {"whatsapp_opt_in": _("Send me messages about the programme on WhatsApp (optional)")}
        help_texts = {
            "scale": _(
                "PP 7/2021 annual sales: micro up to Rp2 billion, small over Rp2 billion up to Rp15 billion, "
                "medium over Rp15 billion up to Rp50 billion."
            ),
            "nib": _("Optional: the 13-digit business identification number from OSS."),
        }
        widgets = {"nib": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "13"})}

    def __init__(self, *args, pemda: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.pemda = pemda
        self.fields["gender"].choices = [("", "---------"), *Gender.choices]  # type: ignore[attr-defined]
        self.fields["sector"].choices = [("", "---------"), *Sector.choices]  # type: ignore[attr-defined]
        self.fields["scale"].choices = [("", "---------"), *BusinessScale.choices]  # type: ignore[attr-defined]
        self.fields["baseline_social_media"].choices = [("", "---------"), *SocialMediaUse.choices]  # type: ignore[attr-defined]
        self.consent_text = consent_text(CURRENT_CONSENT_VERSION)
        self.fields["consent"].help_text = self.consent_text
        if pemda:
            for name in ("business_name", "sector", "scale", "nib"):
                del self.fields[name]
            self.fields["agency"].required = True
            self.fields["agency"].help_text = _("Your office, e.g. Diskominfo Kota Gorontalo.")
        else:
            del self.fields["agency"]
            self.fields["business_name"].required = True

    def clean_phone(self):
        return phone_normalise(self.cleaned_data["phone"])

    def clean_nib(self):
        nib = nib_clean(self.cleaned_data.get("nib"))
        validate_nib(nib)
        return nib

    def participant_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("client_id", "consent", "consent_version")}


class CheckInForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    # required (by the view) only for a person registered by another partner, offered as a match
    match_reason = forms.ChoiceField(
        label=_("Why are you checking in this person?"), choices=MatchReason.choices, required=False, widget=forms.RadioSelect
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"), help_text=_("Columns: session, name, phone, gender, business, nib, email, status.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a CSV or XLSX file."), code="file_type")
        from .services.import_files import MAX_BYTES

        if upload.size > MAX_BYTES:  # known before a byte is read: Django spooled it to disk
            raise ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.") % {"size": MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(value, label) for value, label in ErasureReason.choices if value != ErasureReason.RETENTION],
        widget=forms.RadioSelect,
    )
    reference = forms.RegexField(
        label=_("Reference number"),
        max_length=40,
        regex=r"^[A-Za-z0-9][A-Za-z0-9/._-]*$",
        error_messages={"invalid": _("Use only letters, digits and / . _ - (for example PDP-2026-014); no names.")},
        help_text=_("The number of the request in your records, for example PDP-2026-014. Kept in the audit log."),
    )


class ParticipantEditForm(forms.ModelForm):
    """Correcting a participant: phone first (the usual mistake), the same rules as the walk-in form."""

    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        max_length=30,
        required=False,
        help_text=_("Any format: 0812…, +62 812… or 62812…"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    updated_at = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Participant
        fields = [
            "phone",
            "full_name",
            "gender",
            "kind",
            "business_name",
            "agency",
            "sector",
            "scale",
            "nib",
            "email",
            "city",
            "whatsapp_opt_in",
        ]
        labels = {"whatsapp_opt_in": _("Agrees to messages about the programme on WhatsApp")}
        widgets = {"nib": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "13"})}

    def __init__(self, *args, cities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "---------"), *Sector.choices]
        self.fields["scale"].choices = [("", "---------"), *BusinessScale.choices]
        self.fields["nib"].help_text = _("Optional: the 13-digit business identification number from OSS.")
        if cities is not None:
            self.fields["city"].queryset = cities
        if not self.is_bound:
            self.initial["updated_at"] = self.instance.updated_at.isoformat()
            self.initial["phone"] = phone_display(self.instance.phone)

    def clean_phone(self):
        return phone_normalise(self.cleaned_data["phone"])

    def clean_nib(self):
        nib = nib_clean(self.cleaned_data.get("nib"))
        validate_nib(nib)
        return nib

    def clean_updated_at(self):
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(self.cleaned_data["updated_at"] or "")
        if value is None:
            raise ValidationError(_("The page is out of date. Reload it and try again."), code="stale")
        return value

    def _post_clean(self):
        pass  # the service validates and saves; the form must not touch the instance

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
