"""The trainer's own pages: upcoming sessions and the secret iCalendar feed."""

import datetime as dt

import icalendar
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from cities.timezones import session_time_text
from partners.models import Trainer
from partners.services import trainer_calendar_token_rotate
from users.access import user_has_access
from users.areas import Area
from users.mixins import RoleRequiredMixin
from users.models import Role
from users.roles import role_of

from . import selectors
from .models import SessionStatus


class TrainerSessionsView(RoleRequiredMixin, ListView):
    area = Area.OWN_SESSIONS
    template_name = "sessions_app/trainer_sessions.html"
    context_object_name = "sessions"

    def get_queryset(self):
        return selectors.sessions_upcoming_for_trainer(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        trainer = Trainer.objects.filter(user=self.request.user).first()
        feed_url = None
        if trainer and trainer.calendar_token:
            feed_url = self.request.build_absolute_uri(reverse("sessions_app:trainer-feed", args=[trainer.calendar_token]))
        ctx.update(trainer=trainer, feed_url=feed_url)
        return ctx


class TrainerCalendarTokenView(RoleRequiredMixin, View):
    """POST: make (or replace) the secret calendar link; the old link stops working."""

    area = Area.OWN_SESSIONS

    def post(self, request):
        trainer = get_object_or_404(Trainer, user=request.user)
        trainer_calendar_token_rotate(trainer=trainer)
        messages.success(request, _("Your calendar link is ready. Any earlier link no longer works."))
        return redirect("sessions_app:trainer-sessions")


class TrainerCalendarFeedView(View):
    """The trainer's sessions as iCalendar, times with their city's TZID; the secret in the URL is the key."""

    def get(self, request, token: str):
        trainer = get_object_or_404(Trainer.objects.select_related("user"), calendar_token=token, is_active=True)
        if role_of(trainer.user) != Role.TRAINER or not user_has_access(trainer.user):
            raise Http404  # the secret stops working with the trainer's access
        cal = icalendar.Calendar()
        cal.add("prodid", "-//LAJU DIGITAL//Training schedule//ID")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"LAJU DIGITAL – {trainer}")
        stamp = timezone.now().astimezone(dt.UTC)
        for session in selectors.sessions_for_feed(trainer=trainer):
            event = icalendar.Event()
            event.add("uid", f"session-{session.pk}@laju-digital")
            event.add("summary", session.title)
            event.add("dtstart", selectors.local_start(session))
            event.add("dtend", selectors.local_end(session))
            event.add("dtstamp", stamp)
            event.add("last-modified", session.updated_at.astimezone(dt.UTC))
            event.add("sequence", session.version)
            event.add("location", f"{session.venue}, {session.city}" if session.venue else str(session.city))
            event.add("description", f"{session_time_text(session)} · {session.partner} · {session.get_audience_display()}")
            if session.online_url:
                event.add("url", session.online_url)
            event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
            cal.add_component(event)
        cal.add_missing_timezones()
        response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="laju-digital.ics"'
        response["Cache-Control"] = "private, max-age=300"
        return response
