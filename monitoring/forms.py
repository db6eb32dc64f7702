from django import forms
from django.utils.translation import gettext_lazy as _

from cities.widgets import DateInput
from sessions_app.models import Audience
from users.scoping import cities_for, partners_for, programmes_for

from .selectors import DashboardFilters


class DashboardFilterForm(forms.Form):
    """The policy dashboards' filters, read from the query string; every choice comes from users/scoping.py."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False, empty_label=None)  # type: ignore[var-annotated]
    city = forms.ModelChoiceField(label=_("City"), queryset=None, required=False, empty_label=_("All cities"))  # type: ignore[var-annotated]
    province = forms.ChoiceField(label=_("Province"), required=False)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None, required=False, empty_label=_("All partners"))  # type: ignore[var-annotated]
    audience = forms.ChoiceField(label=_("Audience"), required=False, choices=[("", _("All audiences")), *Audience.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for(user).order_by("-starts_on", "pk")
        cities = cities_for(user)
        self.fields["city"].queryset = cities
        self.fields["partner"].queryset = partners_for(user)
        provinces = cities.order_by("province").values_list("province", flat=True).distinct()
        self.fields["province"].choices = [("", _("All provinces"))] + [(p, p) for p in provinces]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def filters(self, *, default_programme) -> DashboardFilters | None:
        """The filters to apply, or None when there is no programme to show."""
        data = self.cleaned_data if self.is_valid() else {}
        programme = data.get("programme") or default_programme
        if programme is None:
            return None
        return DashboardFilters(
            programme=programme,
            city_id=data["city"].pk if data.get("city") else None,
            province=data.get("province") or "",
            partner_id=data["partner"].pk if data.get("partner") else None,
            audience=data.get("audience") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
