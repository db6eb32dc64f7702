"""Reads for the participants pages. Querysets always start from users/scoping.py."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cities.timezones import to_city_time
from sessions_app.models import SessionStatus, TrainingSession
from users.scoping import participants_for, sessions_for

from .models import Attendance, AttendanceStatus, Participant
from .phones import phone_search_digits

SEARCH_LIMIT = 15


def session_local(session: TrainingSession, value: dt.datetime | None = None) -> dt.datetime:
    return to_city_time(value or session.starts_at, session.city)


def sessions_with_counts(qs: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return qs.select_related("city").annotate(
        registered_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.REGISTERED)),
        attended_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ATTENDED)),
        no_show_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.NO_SHOW)),
    )


def trainer_sessions_upcoming(*, user, now: dt.datetime | None = None) -> list[TrainingSession]:
    """Today's and upcoming sessions the user may run, each with `local_start`, `local_end`, `is_today`."""
    now = now or timezone.now()
    qs = (
        sessions_with_counts(sessions_for(user))
        .filter(ends_at__gte=now - dt.timedelta(hours=18))
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.DRAFT])
        .order_by("starts_at")[:50]
    )
    sessions = list(qs)
    for s in sessions:
        s.local_start = session_local(s)
        s.local_end = session_local(s, s.ends_at)
        s.is_today = s.local_start.date() == session_local(s, now).date()
    return [s for s in sessions if s.is_today or s.starts_at >= now]


PAST_OPEN_LIMIT = 30


def trainer_sessions_past_open(*, user, now: dt.datetime | None = None) -> list[TrainingSession]:
    """Sessions the user may run that started before today (in their city) and whose attendance is still open,
    most recent first: late arrivals can still be added there, and attendance closed."""
    now = now or timezone.now()
    qs = (
        sessions_with_counts(sessions_for(user))
        .filter(starts_at__lt=now, attendance_closed_at__isnull=True)
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.DRAFT])
        .order_by("-starts_at")[: PAST_OPEN_LIMIT + 1]
    )
    sessions = []
    for s in qs:
        s.local_start = session_local(s)
        s.local_end = session_local(s, s.ends_at)
        s.is_today = s.local_start.date() == session_local(s, now).date()
        if not s.is_today:  # today's sessions are in the upcoming list
            sessions.append(s)
    return sessions[:PAST_OPEN_LIMIT]


def session_roster(*, session: TrainingSession) -> QuerySet[Attendance]:
    return Attendance.objects.filter(session=session).select_related("participant").order_by("status", "participant__full_name")


def session_counts(*, session: TrainingSession) -> dict[str, int]:
    counts = dict(Attendance.objects.filter(session=session).values_list("status").annotate(n=Count("pk")))
    return {
        "registered": counts.get(AttendanceStatus.REGISTERED, 0),
        "attended": counts.get(AttendanceStatus.ATTENDED, 0),
        "no_show": counts.get(AttendanceStatus.NO_SHOW, 0),
        "capacity": session.capacity,
    }


def participant_search(*, user, session: TrainingSession, query: str) -> list[Participant]:
    """People the user may see in the session's city (or already on its roster), by name, phone in any format or business."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    digits = phone_search_digits(query)
    if digits:
        match = Q(phone__contains=digits)
    else:
        match = Q(full_name__icontains=query) | Q(business_name__icontains=query) | Q(agency__icontains=query)
    visible = participants_for(user).filter(merged_into__isnull=True, erased_at__isnull=True)
    on_roster = Attendance.objects.filter(session=session).values("participant_id")
    people = list(
        Participant.objects.filter(pk__in=visible.values("pk"))
        .filter(Q(city_id=session.city_id) | Q(pk__in=on_roster))
        .filter(match)
        .order_by("full_name")[:SEARCH_LIMIT]
    )
    statuses = dict(
        Attendance.objects.filter(session=session, participant__in=[p.pk for p in people]).values_list("participant_id", "status")
    )
    for p in people:
        p.session_status = statuses.get(p.pk, "")
    return people


@dataclass(frozen=True)
class RegistrationState:
    open: bool
    reason: str  # "", "full", "over", "cancelled", "closed"


def registration_state(*, session: TrainingSession, now: dt.datetime | None = None) -> RegistrationState:
    """Whether the public registration link still accepts people, and if not, why."""
    now = now or timezone.now()
    if session.status in (SessionStatus.CANCELLED, SessionStatus.DRAFT):
        return RegistrationState(False, "cancelled")
    if session.ends_at <= now or session.status == SessionStatus.COMPLETED:
        return RegistrationState(False, "over")
    if session.attendance_closed_at:
        return RegistrationState(False, "closed")
    taken = Attendance.objects.filter(
        session=session, status__in=[AttendanceStatus.REGISTERED, AttendanceStatus.ATTENDED]
    ).count()
    if taken >= session.capacity:
        return RegistrationState(False, "full")
    return RegistrationState(True, "")
