"""Roadshow pages (the admin's programme overview is monitoring/overview_views.py)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView

from cities.models import City, Programme
from partners.models import Partner
from users.areas import Area
from users.mixins import RoleRequiredMixin
from users.scoping import scoped

from . import selectors
from .forms import RoadshowFilterForm, RoadshowForm, add_service_errors
from .models import Roadshow
from .services import EditConflict, roadshow_create, roadshow_update
from .views import ScheduleFilterMixin

ROADSHOW_CONFLICT = gettext_lazy(
    "Someone else changed this roadshow since you opened it; your changes were not saved. Check the current values and try again."
)


class RoadshowListView(RoleRequiredMixin, ScheduleFilterMixin, ListView):
    area = Area.SCHEDULE
    template_name = "sessions_app/roadshow_list.html"
    context_object_name = "roadshows"
    paginate_by = 50
    filter_form_class = RoadshowFilterForm

    def get_queryset(self):
        return selectors.roadshows_for_list(user=self.request.user, filters=self.filters())


class RoadshowFormMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    form_class = RoadshowForm
    template_name = "sessions_app/roadshow_form.html"
    editing = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        kwargs.update(
            programmes=scoped(user, Programme),
            cities=scoped(user, City),
            partners=scoped(user, Partner).filter(is_active=True),
            editing=self.editing,
        )
        return kwargs


class RoadshowCreateView(RoleRequiredMixin, RoadshowFormMixin, FormView):  # type: ignore[misc]
    area = Area.SCHEDULE

    def get_initial(self):
        programme = scoped(self.request.user, Programme).first()
        return {"programme": programme, "partner": self.request.user.partner} if programme else {}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            roadshow = roadshow_create(
                programme=data["programme"],
                city=data["city"],
                partner=data["partner"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                status=data["status"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Roadshow in %(city)s created. Now add its sessions.") % {"city": roadshow.city})
        return redirect(reverse("sessions_app:session-create") + f"?roadshow={roadshow.pk}")


class RoadshowUpdateView(RoleRequiredMixin, RoadshowFormMixin, FormView):  # type: ignore[misc]
    area = Area.SCHEDULE
    editing = True

    def get_roadshow(self) -> Roadshow:
        if not hasattr(self, "_roadshow"):
            qs = scoped(self.request.user, Roadshow).select_related("city", "partner", "programme")  # type: ignore[arg-type]
            self._roadshow = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._roadshow

    def get_initial(self):
        r = self.get_roadshow()
        return {"starts_on": r.starts_on, "ends_on": r.ends_on, "status": r.status, "notes": r.notes, "version": r.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["roadshow"] = self.get_roadshow()
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            roadshow_update(
                roadshow=self.get_roadshow(),
                expected_version=data["version"] or 0,
                **{k: data[k] for k in ("starts_on", "ends_on", "status", "notes")},
            )
        except EditConflict:
            form.add_error(None, ROADSHOW_CONFLICT)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Roadshow saved."))
        return redirect("sessions_app:roadshow-list")
