"""The participant list's filters, which its exports follow: a city among those the user may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from users.scoping import cities_for


class ParticipantCityFilterForm(forms.Form):
    """?city=<id>: narrows the list and the exports (never widens them: the rows still come from users/scoping.py)."""

    city = forms.ModelChoiceField(  # type: ignore[var-annotated]
        label=_("City"),
        queryset=None,
        required=False,
        empty_label=_("All cities"),
        widget=forms.Select(attrs={"class": "form-select flex-grow-0 w-auto"}),
        error_messages={"invalid_choice": _("Choose a city from the list.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities_for(user).order_by("name")

    def city_id(self) -> int | None:
        city = self.cleaned_data.get("city") if self.is_valid() else None
        return city.pk if city else None
