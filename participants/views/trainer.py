"""The trainer's flow on a phone: sessions, roster, search, one-tap check-in, walk-in, close attendance."""

import io
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from sessions_app.models import Audience, TrainingSession
from users.areas import Area
from users.scoping import sessions_for

from ..checkin_access import (  # noqa: F401  (match_token: the walk-in page and tests use it from here)
    checkin_place,
    guests_among,
    match_token,
    match_token_valid,
    roster_payload,
    roster_row,
)
from ..forms import CheckInForm, ParticipantForm
from ..models import Attendance, AttendanceStatus, MatchReason
from ..phones import phone_normalise
from ..selectors import (
    match_offers_for,
    participant_search,
    session_counts,
    session_local,
    session_roster,
    trainer_sessions_past_open,
    trainer_sessions_upcoming,
)
from ..services.checkin import (
    attendance_check_in,
    attendance_check_in_matched,
    attendance_close,
    attendance_closed_message,
    attendance_may_correct_after_close,
    attendance_undo_check_in,
    participant_walk_in,
)
from ..services.matching import participant_find_matches
from ..validators import nib_is_valid
from .common import PersonalDataMixin, device_of

# A page the service worker may keep for offline use (static/pwa/sw.js): the server decides, page by page.
OFFLINE_CACHE_HEADER = "X-Offline-Cache"


class SessionScopedMixin(PersonalDataMixin):
    area = Area.CHECK_IN

    def get_session(self) -> TrainingSession:
        if not hasattr(self, "_session"):
            qs = sessions_for(self.request.user).select_related("city")  # type: ignore[arg-type]
            self.set_session(get_object_or_404(qs, pk=self.kwargs["pk"]))
        return self._session

    def set_session(self, session: TrainingSession) -> None:
        """The scoped session, however it was read (get_session, or checkin_place with the person)."""
        self._session = session
        session.local_start = session_local(session)  # type: ignore[attr-defined]
        session.local_end = session_local(session, session.ends_at)  # type: ignore[attr-defined]
        session.user_may_change_attendance = session.attendance_closed_at is None or (  # type: ignore[attr-defined]
            attendance_may_correct_after_close(user=self.request.user, session=session)  # type: ignore[arg-type]
        )


class TrainingSessionListView(PersonalDataMixin, TemplateView):
    area = Area.CHECK_IN
    template_name = "participants/trainer_sessions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sessions"] = trainer_sessions_upcoming(user=self.request.user)
        ctx["past_open"] = trainer_sessions_past_open(user=self.request.user)
        return ctx

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response[OFFLINE_CACHE_HEADER] = "1"  # the service worker keeps a copy, so the list opens offline
        return response


class TrainingSessionCheckInView(SessionScopedMixin, TemplateView):
    """The session page: counts, search as you type, the roster with one-tap check-in."""

    template_name = "participants/session_checkin.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        session = self.get_session()
        query = self.request.GET.get("q", "")
        roster = list(session_roster(session=session))
        guests = _guests_among(self.request.user, [a.participant_id for a in roster])
        rows = [_row(a.participant, a.status, guest=a.participant_id in guests) for a in roster]
        counts = session_counts(session=session)
        ctx.update(
            session=session,
            counts=counts,
            roster=rows,
            roster_data=roster_payload(user=self.request.user, session=session, rows=rows, counts=counts),
            checkin_config=checkin_config(self.request, session),
            walk_in_form=ParticipantForm(pemda=session.audience == Audience.PEMDA)
            if session.user_may_change_attendance
            else None,
            query=query,
            results=[_row(p, p.session_status) for p in participant_search(user=self.request.user, session=session, query=query)],
        )
        return ctx

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["roster_data"]["keep"] and not context["query"]:
            response[OFFLINE_CACHE_HEADER] = "1"  # only the trainer's own sessions of today and the next days
        return response


_row = roster_row


def checkin_config(request, session) -> dict:
    """What the session page's script needs besides the roster: its endpoints and its words, for json_script."""
    page = reverse("participants:session-checkin", kwargs={"pk": session.pk})
    return {
        "user": request.user.pk,
        "session": session.pk,
        "sync_url": reverse("offline:sync"),
        "login_url": f"{reverse('account_login')}?next={page}",
        "edit_url": reverse("participants:edit", kwargs={"pk": 0}) + f"?next={page}",
        "text": {
            "check_in": _("Check in"),
            "checked_in": _("Checked in"),
            "waiting": _("Waiting to be sent"),
            "undo": _("Undo"),
            "registered": _("registered"),
            "no_show": _("no-show"),
            "guest": _("registered by another partner"),
            "edit": _("edit"),
            "queued": _("Saved on this phone; will be sent when online."),
            "undo_queued": _("Undo saved on this phone; will be sent when online."),
            "walk_in_queued": _("New walk-in saved on this phone; will be sent when online."),
            "remove": _("Remove"),
            "offline": _("You are offline. Check-ins are saved on this phone and sent when the connection is back."),
            "pending": _("Actions waiting to be sent:"),
            "sending": _("Sending…"),
            "failed": _("Sending failed; trying again soon."),
            "synced": _("All saved check-ins have been sent."),
            "login": _("Your login has expired. Log in again to send the actions saved on this phone."),
            "login_link": _("Log in again"),
            "send_now": _("Send now"),
            "refused": _("Not saved by the server:"),
            "dismiss": _("Dismiss"),
            "offline_search": _("No connection: searching the roster saved on this phone."),
            "nobody": _("Nobody found. Add them as a walk-in."),
        },
    }


def _guests_among(user, participant_ids: list[int]) -> set[int]:
    return guests_among(user, participant_ids)


class ParticipantSearchView(SessionScopedMixin, View):
    """htmx partial: search results as the trainer types."""

    def get(self, request, pk):
        session = self.get_session()
        query = request.GET.get("q", "")
        results = [_row(p, p.session_status) for p in participant_search(user=request.user, session=session, query=query)]
        return render(request, "participants/_search_results.html", {"session": session, "results": results, "query": query})


class AttendanceCheckInView(SessionScopedMixin, View):
    """One tap: POST participant + client_id. Replays and double taps return the same attendance.

    The session in the user's scope and the person are read in one statement (checkin_place), the check-in
    written in one more (the service); a JSON client gets the answer as JSON, htmx its out-of-band swaps.
    """

    def post(self, request, pk):
        form = CheckInForm(request.POST)
        if not form.is_valid():
            return self._reply(
                request, self.get_session(), None, _("That check-in could not be read. Search for the person again.")
            )
        place = checkin_place(
            user=request.user,
            session_id=pk,
            participant_id=form.cleaned_data["participant"],
            match_token=request.POST.get("match_token", ""),
        )
        if place.session is None:
            raise Http404
        self.set_session(place.session)
        session, participant, guest = place.session, place.participant, place.guest
        if participant is None:
            return self._reply(request, session, None, _("That person is not in your sessions or this city."), status=404)
        common = {
            "session": session,
            "participant": participant,
            "by": request.user,
            "client_id": form.cleaned_data["client_id"],
            "device": device_of(request),
        }
        try:
            if guest:
                result = attendance_check_in_matched(**common, reason=form.cleaned_data["match_reason"])
            else:
                result = attendance_check_in(**common)
        except ValidationError as exc:
            status = 409 if exc.code == "attendance_closed" else 400
            return self._reply(request, session, None, " ".join(exc.messages), status=status)
        note = _("%(name)s is checked in.") % {"name": participant.full_name}
        if not result.checked_in_now:
            note = _("%(name)s was already checked in.") % {"name": participant.full_name}
        return self._reply(request, session, result.attendance, note, guest=guest, counts=result.counts)

    def _reply(self, request, session, attendance, note, status=200, guest=False, counts=None):
        return checkin_reply(request, session, attendance, note, status=status, guest=guest, counts=counts)


class AttendanceUndoCheckInView(SessionScopedMixin, View):
    """Undo a mistaken check-in (back to registered) while attendance is open. Repeats change nothing."""

    def post(self, request, pk):
        session = self.get_session()
        try:
            participant_pk = int(request.POST.get("participant", ""))
        except ValueError:
            participant_pk = None
        attendance = (
            Attendance.objects.filter(session=session, participant_id=participant_pk).select_related("participant").first()
        )
        if attendance is None:
            return checkin_reply(request, session, None, _("That person is not on this session's list."), status=404)
        name = attendance.participant.full_name
        try:
            undone = attendance_undo_check_in(session=session, participant=attendance.participant, by=request.user)
        except ValidationError as exc:
            return checkin_reply(request, session, None, " ".join(exc.messages), status=409)
        note = _("Check-in of %(name)s is undone.") % {"name": name}
        if not undone:
            note = _("%(name)s was not checked in.") % {"name": name}
        if not Attendance.objects.filter(pk=attendance.pk).exists():
            # a guest from another partner: the check-in was all that put them here, and it is gone
            note = _("Check-in of %(name)s is undone; they are no longer on this session's list.") % {"name": name}
            return checkin_reply(request, session, None, note, removed_id=participant_pk)
        attendance.refresh_from_db(fields=["status"])
        guest = attendance.participant_id in _guests_among(request.user, [attendance.participant_id])
        return checkin_reply(request, session, attendance, note, guest=guest)


ROW_PLACES = ("search", "roster")


def checkin_reply(request, session, attendance, note, status=200, guest=False, removed_id=None, counts=None):
    """The answer to a check-in or an undo. JSON (Accept: application/json): what happened and the session's new
    counts, for a script to draw (no template: issue 16's profile). htmx: the new counter and every row of that
    person on the page (out-of-band swaps). Without JavaScript: back to the page.
    `removed_id`: a guest whose undone check-in took them off the list, whose rows leave the page.
    `counts`: the session's counts if the caller already has them (session_counts' keys)."""
    if request.headers.get("Accept", "").startswith("application/json"):
        body = {
            "ok": attendance is not None or removed_id is not None,
            "status": getattr(attendance, "status", ""),
            "message": note,
            "participant": getattr(attendance, "participant_id", None) or removed_id,
            "removed": removed_id is not None,
            "counts": counts or session_counts(session=session),
        }
        return JsonResponse(body, status=status)
    if request.htmx:
        ctx = _update_context(request, session, attendance, note, guest=guest, removed_id=removed_id, counts=counts)
        # 200 even when refused, so htmx shows the message (it does not swap 4xx answers)
        return HttpResponse(render_to_string("participants/_checkin_update.html", ctx, request=request))
    (messages.success if attendance is not None or removed_id is not None else messages.error)(request, note)
    return redirect("participants:session-checkin", pk=session.pk)


def _update_context(request, session, attendance, note, guest=False, removed_id=None, counts=None) -> dict:
    ctx = {"session": session, "counts": counts or session_counts(session=session)}
    if removed_id is not None:
        return {**ctx, "notice": note, "swap_rows": [], "removed_id": removed_id, "remove_rows": ROW_PLACES}
    if attendance is None:
        return {**ctx, "alert": note, "swap_rows": []}
    # The page says which rows of this person it shows ("shown"); without that, both places are assumed.
    shown = request.POST.get("shown")
    places = [p for p in (shown or "").split(",") if p in ROW_PLACES] if shown is not None else list(ROW_PLACES)
    return {
        **ctx,
        "row": _row(attendance.participant, attendance.status, guest=guest),
        "note": note,
        "swap_rows": places,
        "append_to_roster": shown is not None and "roster" not in places,
    }


def _match_rows(matches, session, user) -> list[dict]:
    return [
        {
            "offer": offer,
            "needs_reason": offer.masked and offer.other_partner,
            "token": match_token(participant_id=offer.participant_id, session_id=session.pk, user_id=user.pk),
        }
        for offer in match_offers_for(user=user, session=session, matches=matches)
    ]


class ParticipantWalkInView(SessionScopedMixin, View):
    """A walk-in: the short form; likely matches are offered before a new record is made."""

    template_name = "participants/walk_in.html"

    def form(self, data=None):
        return ParticipantForm(data, pemda=self.get_session().audience == Audience.PEMDA)

    def closed_for_user(self):
        if self.get_session().user_may_change_attendance:
            return None
        messages.error(self.request, attendance_closed_message())
        return redirect("participants:session-checkin", pk=self.get_session().pk)

    def get(self, request, pk):
        if refused := self.closed_for_user():
            return refused
        return render(request, self.template_name, {"session": self.get_session(), "form": self.form()})

    def post(self, request, pk):
        if refused := self.closed_for_user():
            return refused
        session = self.get_session()
        form = self.form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"session": session, "form": form}, status=200)
        data = form.participant_data()
        matches = participant_find_matches(
            city_id=session.city_id,
            phone=data["phone"],
            nib=data.get("nib", ""),
            full_name=data["full_name"],
            business_name=data.get("business_name") or data.get("agency", ""),
        )
        if matches and not request.POST.get("create_anyway"):
            ctx = {
                "session": session,
                "form": form,
                "matches": _match_rows(matches, session, request.user),
                "reasons": MatchReason.choices,
                "client_id": form.cleaned_data["client_id"],
            }
            return render(request, self.template_name, ctx)
        try:
            result = participant_walk_in(
                session=session,
                data=data,
                by=request.user,
                client_id=form.cleaned_data["client_id"],
                device=device_of(request),
                uncertain_matches=matches,
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
        except ValidationError as exc:  # attendance was closed while the form was being filled in
            messages.error(request, " ".join(exc.messages))
            return redirect("participants:session-checkin", pk=session.pk)
        messages.success(request, _("%(name)s is added and checked in.") % {"name": result.attendance.participant.full_name})
        return redirect("participants:session-checkin", pk=session.pk)


class ParticipantMatchesView(SessionScopedMixin, View):
    """htmx partial: likely existing records while the walk-in form is being typed."""

    def get(self, request, pk):
        session = self.get_session()
        phone = ""
        try:
            phone = phone_normalise(request.GET.get("phone", ""))
        except Exception:
            phone = ""
        nib = request.GET.get("nib", "").strip()
        matches = participant_find_matches(
            city_id=session.city_id,
            phone=phone,
            nib=nib if nib_is_valid(nib) else "",
            full_name=request.GET.get("full_name", ""),
            business_name=request.GET.get("business_name", "") or request.GET.get("agency", ""),
        )
        ctx = {
            "session": session,
            "matches": _match_rows(matches, session, request.user),
            "reasons": MatchReason.choices,
            "client_id": request.GET.get("client_id") or uuid.uuid4(),
        }
        return render(request, "participants/_matches.html", ctx)


class AttendanceCloseView(SessionScopedMixin, View):
    template_name = "participants/close_attendance.html"

    def get(self, request, pk):
        session = self.get_session()
        return render(request, self.template_name, {"session": session, "counts": session_counts(session=session)})

    def post(self, request, pk):
        session = self.get_session()
        no_shows = attendance_close(session=session, by=request.user)
        messages.success(
            request,
            _("Attendance is closed. %(count)s registered people who did not come are marked as no-shows.") % {"count": no_shows},
        )
        return redirect("participants:session-checkin", pk=session.pk)


def sign_up_url(request, session: TrainingSession) -> str:
    return request.build_absolute_uri(reverse("participants:self-register", kwargs={"token": session.registration_token}))


class SessionQrView(SessionScopedMixin, View):
    def get(self, request, pk):
        import segno

        qr = segno.make(sign_up_url(request, self.get_session()), error="m")
        # A standalone SVG file (with its namespace), so an <img> can show it; svg_inline() is for embedding.
        out = io.BytesIO()
        qr.save(out, kind="svg", scale=6, border=2)
        return HttpResponse(out.getvalue(), content_type="image/svg+xml")


# Rows that fit one A4 page at 10 mm a row: the first page also carries the QR code and the session's details.
SHEET_FIRST_PAGE_ROWS = 17
SHEET_NEXT_PAGE_ROWS = 22


def sheet_pages(places: int) -> list[range]:
    """Row numbers 1..places split into A4 pages: one row per place, at least one page."""
    pages, first = [], 1
    size = SHEET_FIRST_PAGE_ROWS
    while first <= max(places, 1):
        last = min(first + size - 1, max(places, 1))
        pages.append(range(first, last + 1))
        first, size = last + 1, SHEET_NEXT_PAGE_ROWS
    return pages


class SessionSignUpSheetView(SessionScopedMixin, TemplateView):
    """Printable A4 sign-up sheet: QR, title, place, local time, one blank row per place (paged on A4, the
    session and the column headings repeated on every page), the consent text and its version."""

    template_name = "participants/sign_up_sheet.html"

    def get_context_data(self, **kwargs):
        import segno

        from ..consent import CURRENT_CONSENT_VERSION, consent_text

        ctx = super().get_context_data(**kwargs)
        session = self.get_session()
        url = sign_up_url(self.request, session)
        ctx.update(
            session=session,
            url=url,
            qr_svg=segno.make(url, error="m").svg_inline(scale=5, border=1),
            consent_text=consent_text(),
            consent_version=CURRENT_CONSENT_VERSION,
            pages=sheet_pages(session.capacity),
            statuses=AttendanceStatus,
        )
        return ctx
