from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cities.models import City
from cities.widgets import DateInput

from .models import Partner, TotStatus


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ("name", "short_name", "contact_email", "contact_phone", "website", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def validate_unique(self):
        """Uniqueness is the service's job (case-insensitive), so the message is the same from every caller."""


class TrainerForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    tot_status = forms.ChoiceField(label=_("ToT status"), choices=TotStatus.choices)
    tot_started_on = forms.DateField(label=_("ToT started"), required=False, widget=DateInput())
    tot_certified_on = forms.DateField(label=_("ToT certified"), required=False, widget=DateInput())
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities served"), queryset=City.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].queryset = cities
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
