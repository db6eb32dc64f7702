import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities.models import City, Programme
from cities.timezones import city_zone, to_city_time
from cities.widgets import DateInput, TimeInput
from partners.models import Partner, TotStatus, Trainer
from umkm_program.forms import add_service_errors  # noqa: F401  (the schedule views import it from here)

from .models import Audience, Delivery, Roadshow, RoadshowStatus, SessionStatus


class _CrispyForm(forms.Form):
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class When(models.TextChoices):
    UPCOMING = "upcoming", _("Today and later")
    PAST = "past", _("Past")
    ALL = "all", _("All dates")


class ScheduleFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("All")
    )
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), required=False, empty_label=_("All"))
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(), required=False, empty_label=_("All"))
    audience = forms.ChoiceField(label=_("Audience"), choices=[("", _("All"))] + list(Audience.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(SessionStatus.choices), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    when = forms.ChoiceField(label=_("Sessions"), choices=When.choices, required=False, initial=When.UPCOMING)

    def __init__(self, data=None, *args, programmes, cities, partners, **kwargs):
        # The tabs carry the query string from the session list to the roadshow list and back; a status
        # only the other list knows ("scheduled", "confirmed") is dropped rather than voiding every filter.
        known = {value for value, _label in self.base_fields["status"].choices}
        if data is not None and data.get("status", "") not in known:
            data = data.copy()
            data.pop("status")
        # Sessions from today on unless asked otherwise; explicit dates without a choice mean "those dates".
        if "when" in self.base_fields and data is not None and not data.get("when"):
            data = data.copy()
            data["when"] = When.ALL if data.get("date_from") or data.get("date_to") else When.UPCOMING
        super().__init__(data, *args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["city"].queryset = cities
        self.fields["partner"].queryset = partners
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if isinstance(f, forms.ChoiceField) else "form-control form-control-sm"
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("“To” must be on or after “From”."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {"when": When.UPCOMING} if "when" in self.fields else {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class RoadshowFilterForm(ScheduleFilterForm):
    """The schedule filters for the roadshow list: the status is the roadshow's own; the audience
    keeps the roadshows that hold a session for that audience."""

    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(RoadshowStatus.choices), required=False)
    when = None  # type: ignore[assignment]  # roadshows are filtered by their dates only


class RoadshowForm(_CrispyForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none())
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ends_on = forms.DateField(label=_("End date"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=RoadshowStatus.choices, initial=RoadshowStatus.PLANNED)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, programmes, cities, partners, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["city"].queryset = cities
        self.fields["partner"].queryset = partners
        if editing:
            for name in ("programme", "city", "partner"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return data


class SessionForm(_CrispyForm):
    """Date and times are the city's local time; clean() turns them into aware datetimes."""

    roadshow = forms.ModelChoiceField(label=_("Roadshow"), queryset=Roadshow.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)
    modules = forms.CharField(label=_("Modules covered"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    venue = forms.CharField(label=_("Venue"), max_length=255, required=False)
    online_url = forms.URLField(label=_("Online meeting link"), required=False)
    date = forms.DateField(label=_("Date (city's local date)"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts (local time)"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends (local time)"), widget=TimeInput())
    capacity = forms.IntegerField(label=_("Capacity"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(SessionStatus.DRAFT, SessionStatus.DRAFT.label), (SessionStatus.SCHEDULED, SessionStatus.SCHEDULED.label)],
    )
    reason = forms.CharField(
        label=_("Reason for the change (sent to registered people)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, roadshows=None, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        if session is None:
            self.fields["roadshow"].queryset = roadshows
            self.fields["roadshow"].label_from_instance = lambda r: (
                f"{r.city} · {r.partner} · {r.starts_on:%d/%m/%Y}–{r.ends_on:%d/%m/%Y}"
            )
            del self.fields["reason"]
        else:
            del self.fields["roadshow"]
            statuses = [SessionStatus.DRAFT, SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS, SessionStatus.COMPLETED]
            self.fields["status"].choices = [(s, s.label) for s in statuses]
            zone = session.city.zone_label
            for name in ("start_time", "end_time"):
                self.fields[name].label = f"{self.fields[name].label} ({zone})"

    def city(self):
        if self.session is not None:
            return self.session.city
        roadshow = self.cleaned_data.get("roadshow")
        return roadshow.city if roadshow else None

    def clean(self):
        data = super().clean()
        city = self.city()
        if city and data.get("date") and data.get("start_time") and data.get("end_time"):
            zone = city_zone(city)
            data["starts_at"] = dt.datetime.combine(data["date"], data["start_time"], tzinfo=zone)
            data["ends_at"] = dt.datetime.combine(data["date"], data["end_time"], tzinfo=zone)
        return data

    @staticmethod
    def initial_for(session) -> dict:
        start, end = to_city_time(session.starts_at, session.city), to_city_time(session.ends_at, session.city)
        fields = ("title", "audience", "delivery", "modules", "venue", "online_url", "capacity", "status", "version")
        return {
            **{f: getattr(session, f) for f in fields},
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
        }


class SessionCancelForm(_CrispyForm):
    submit_label = _("Cancel session")
    reason = forms.CharField(
        label=_("Reason (sent to registered people)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.inputs[0].field_classes = "btn btn-danger"


class SessionTrainersForm(_CrispyForm):
    lead_trainer = forms.ModelChoiceField(label=_("Lead trainer"), queryset=Trainer.objects.none(), required=False)
    co_trainers = forms.ModelMultipleChoiceField(
        label=_("Co-trainers"), queryset=Trainer.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        offered = (
            Trainer.objects.filter(partner_id=session.partner_id, tot_status=TotStatus.CERTIFIED, is_active=True)
            .select_related("user")
            .order_by("user__name")
        )
        self.fields["lead_trainer"].queryset = offered
        self.fields["co_trainers"].queryset = offered
        self.fields["lead_trainer"].help_text = _("Only certified trainers of %(partner)s are offered.") % {
            "partner": session.partner
        }
