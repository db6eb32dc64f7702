"""The schedule pages of admins and coordinators: sessions (list, calendar, CSV, create, edit, cancel, trainers)."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from audit.services import audit_bulk_export
from cities.models import City, Programme
from partners.models import Partner
from umkm_program.spreadsheets import CSV_CONTENT_TYPE, csv_text
from users.areas import Area, may_open
from users.mixins import RoleRequiredMixin
from users.scoping import scoped

from . import selectors
from .forms import ScheduleFilterForm, SessionCancelForm, SessionForm, SessionTrainersForm, When, add_service_errors
from .models import Roadshow, RoadshowStatus, SessionStatus, TrainingSession
from .services import EditConflict, session_assign_trainers, session_cancel, session_create, session_update
from .services_registration_link import session_registration_link_close, session_registration_link_replace

CONFLICT = gettext_lazy(
    "Someone else changed this session since you opened it; your changes were not saved. "
    "The form now shows their version: check it and make your change again."
)


class ScheduleFilterMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    filter_form_class = ScheduleFilterForm

    def filter_form(self) -> ScheduleFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            self._filter_form = self.filter_form_class(
                self.request.GET or None,
                programmes=scoped(user, Programme),  # type: ignore[arg-type]
                cities=scoped(user, City),  # type: ignore[arg-type]
                partners=scoped(user, Partner),  # type: ignore[arg-type]
            )
        return self._filter_form

    def filters(self) -> dict:
        return self.filter_form().filters()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("month", None)
        ctx.update(filter_form=self.filter_form(), filter_query=query.urlencode())
        return ctx


class SessionListView(RoleRequiredMixin, ScheduleFilterMixin, ListView):
    area = Area.SCHEDULE
    template_name = "sessions_app/session_list.html"
    context_object_name = "sessions"
    paginate_by = 50

    def get_queryset(self):
        return selectors.sessions_for_list(user=self.request.user, filters=self.filters())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for key in ("page", "when"):
            query.pop(key, None)
        current = self.filters().get("when", When.ALL)
        ctx["when_links"] = [
            {"value": value, "label": label, "query": _with(query, when=value), "active": value == current}
            for value, label in When.choices
        ]
        return ctx


def _with(query, **params) -> str:
    query = query.copy()
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


class SessionCalendarView(RoleRequiredMixin, ScheduleFilterMixin, TemplateView):
    area = Area.SCHEDULE
    template_name = "sessions_app/session_calendar.html"

    def filter_form(self) -> ScheduleFilterForm:
        form = super().filter_form()
        form.fields.pop("when", None)  # a month shows all its days, past or not
        return form

    def month(self) -> dt.date:
        raw = self.request.GET.get("month", "")
        try:
            return dt.datetime.strptime(raw, "%Y-%m").date()  # noqa: DTZ007  only the calendar month is kept, no time of day
        except ValueError:
            start = self.filters().get("date_from") or timezone.localdate()
            return start.replace(day=1)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        month = self.month()
        prev_month = (month - dt.timedelta(days=1)).replace(day=1)
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        ctx.update(
            month=month,
            prev_month=prev_month.strftime("%Y-%m"),
            next_month=next_month.strftime("%Y-%m"),
            weeks=selectors.month_calendar(user=self.request.user, filters=self.filters(), year=month.year, month=month.month),
        )
        return ctx


class SessionExportView(RoleRequiredMixin, ScheduleFilterMixin, View):
    """The filtered schedule as CSV, times in each city's local zone plus UTC."""

    area = Area.SCHEDULE

    def get(self, request):
        header = [
            _("Session ID"),
            _("Programme"),
            _("City"),
            _("Partner"),
            _("Title"),
            _("Audience"),
            _("Delivery"),
            _("Status"),
            _("Local date"),
            _("Local start"),
            _("Local end"),
            _("Time zone"),
            _("Start (UTC)"),
            _("End (UTC)"),
            _("Venue"),
            _("Capacity"),
            _("Registered"),
            _("Lead trainer"),
            _("Co-trainers"),
        ]
        sessions = selectors.sessions_for_list(user=request.user, filters=self.filters()).select_related("programme")
        audit_bulk_export(actor=request.user, what="sessions", fmt="csv", rows=sessions.count())

        def rows():
            for s in sessions:
                start, end = selectors.local_start(s), selectors.local_end(s)
                yield [
                    s.pk,
                    s.programme.name,
                    s.city.name,
                    s.partner.name,
                    s.title,
                    s.get_audience_display(),
                    s.get_delivery_display(),
                    s.get_status_display(),
                    start.date().isoformat(),
                    start.strftime("%H:%M"),
                    end.strftime("%H:%M"),
                    s.city.zone_label,
                    s.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"),
                    s.ends_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"),
                    s.venue,
                    s.capacity,
                    s.registered,
                    str(s.lead_trainer) if s.lead_trainer else "",
                    "; ".join(str(t) for t in s.co_trainers.all()),
                ]

        response = HttpResponse(csv_text(header, rows()), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="schedule.csv"'
        return response


class SessionObjectMixin:
    """The session comes from the user's scoped queryset: another partner's session is a 404."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_session(self) -> TrainingSession:
        if not hasattr(self, "_session"):
            qs = scoped(self.request.user, TrainingSession).select_related(  # type: ignore[arg-type]
                "city", "partner", "roadshow", "programme", "lead_trainer__user"
            )
            self._session = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._session

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["session"] = self.get_session()
        return ctx

    def get_success_url(self):
        return reverse("sessions_app:session-detail", args=[self.get_session().pk])


class SessionDetailView(RoleRequiredMixin, SessionObjectMixin, DetailView):
    area = Area.SESSION_DETAIL
    template_name = "sessions_app/session_detail.html"
    context_object_name = "session"

    def get_object(self, queryset=None):
        return self.get_session()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        session = self.object
        ctx.update(
            co_trainers=list(session.co_trainers.select_related("user")),
            registered=session.attendances.count(),
            changes=list(session.changes.all()[:20]),
            can_manage=may_open(self.request.user, Area.SCHEDULE),
            registration_url=self.request.build_absolute_uri(
                reverse("participants:self-register", kwargs={"token": session.registration_token})
            ),
            editable=session.status not in (SessionStatus.COMPLETED, SessionStatus.CANCELLED),
            # Everyone who may open this page runs the session (scoped: admin, its partner's coordinator,
            # its trainers); a draft or cancelled session has no registration to offer.
            runs_it=session.status not in (SessionStatus.DRAFT, SessionStatus.CANCELLED),
        )
        return ctx


class SessionRegistrationLinkView(RoleRequiredMixin, SessionObjectMixin, View):
    """Close the session's self-registration link, or replace it with a new one (the old one stops working)."""

    area = Area.SCHEDULE

    def post(self, request, pk):
        session = self.get_session()
        action = request.POST.get("action")
        if action == "close":
            session_registration_link_close(session=session)
            messages.success(request, _("The registration link is closed: it now answers that it is no longer valid."))
        elif action == "replace":
            session_registration_link_replace(session=session)
            messages.success(
                request,
                _("A new registration link is ready. The old link and printed QR codes no longer work: print the new sheet."),
            )
        else:
            messages.error(request, _("Choose whether to close or replace the link."))
        return redirect(self.get_success_url())


class SessionCreateView(RoleRequiredMixin, FormView):
    area = Area.SCHEDULE
    template_name = "sessions_app/session_form.html"
    form_class = SessionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["roadshows"] = (
            scoped(self.request.user, Roadshow).exclude(status=RoadshowStatus.CANCELLED).select_related("city", "partner")
        )
        return kwargs

    def get_initial(self):
        return {"roadshow": self.request.GET.get("roadshow"), "capacity": 30, "status": SessionStatus.SCHEDULED}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            session = session_create(
                roadshow=data["roadshow"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                capacity=data["capacity"],
                audience=data["audience"],
                delivery=data["delivery"],
                venue=data["venue"],
                online_url=data["online_url"],
                modules=data["modules"],
                status=data["status"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Session “%(title)s” created.") % {"title": session.title})
        return redirect("sessions_app:session-detail", session.pk)


class SessionUpdateView(RoleRequiredMixin, SessionObjectMixin, FormView):
    """Edit or move a session; a save over someone else's newer save is refused, not merged silently."""

    area = Area.SCHEDULE
    template_name = "sessions_app/session_form.html"
    form_class = SessionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["session"] = self.get_session()
        return kwargs

    def get_initial(self):
        return SessionForm.initial_for(self.get_session())

    def form_valid(self, form):
        session = self.get_session()
        data = form.cleaned_data
        fields = ("title", "audience", "delivery", "modules", "venue", "online_url", "starts_at", "ends_at", "capacity", "status")
        try:
            session_update(
                session=session,
                expected_version=data["version"] or 0,
                by=self.request.user,
                reason=data.get("reason", ""),
                **{f: data[f] for f in fields},
            )
        except EditConflict:
            session.refresh_from_db()
            fresh = SessionForm(initial=SessionForm.initial_for(session), session=session)
            return self.render_to_response(self.get_context_data(form=fresh, conflict=CONFLICT), status=409)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Session saved."))
        return redirect(self.get_success_url())


class SessionCancelView(RoleRequiredMixin, SessionObjectMixin, FormView):
    area = Area.SCHEDULE
    template_name = "sessions_app/session_cancel.html"
    form_class = SessionCancelForm

    def get_initial(self):
        return {"version": self.get_session().version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["registered"] = self.get_session().attendances.count()
        return ctx

    def form_valid(self, form):
        try:
            session_cancel(
                session=self.get_session(),
                expected_version=form.cleaned_data["version"],
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except EditConflict:
            form.add_error(None, CONFLICT)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Session cancelled."))
        return redirect(self.get_success_url())


class SessionTrainersView(RoleRequiredMixin, SessionObjectMixin, FormView):
    area = Area.SCHEDULE
    template_name = "sessions_app/session_trainers.html"
    form_class = SessionTrainersForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["session"] = self.get_session()
        return kwargs

    def get_initial(self):
        session = self.get_session()
        return {"lead_trainer": session.lead_trainer, "co_trainers": list(session.co_trainers.all()), "version": session.version}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            session_assign_trainers(
                session=self.get_session(),
                expected_version=data["version"],
                lead_trainer=data["lead_trainer"],
                co_trainers=list(data["co_trainers"]),
            )
        except EditConflict:
            form.add_error(None, CONFLICT)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Trainers saved."))
        return redirect(self.get_success_url())
