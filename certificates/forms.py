from django import forms
from django.utils.translation import gettext_lazy as _


class CertificateLookupForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40, help_text=_("For example LD-7K3M9-QXP4R-F"))


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this certificate revoked?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Kept for the programme team; the verification page only says that it was revoked."),
    )
