"""Reads for the schedule pages: always start from users/scoping.py, never from Model.objects."""

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cities.models import TimeZone
from cities.timezones import to_city_time
from partners.models import Trainer
from users.models import User
from users.scoping import scoped

from .models import Roadshow, SessionStatus, TrainingSession

FILTER_KEYS = ("programme", "city", "partner", "audience", "status", "date_from", "date_to")


def local_start(session: TrainingSession) -> dt.datetime:
    return to_city_time(session.starts_at, session.city)


def local_end(session: TrainingSession) -> dt.datetime:
    return to_city_time(session.ends_at, session.city)


def sessions_filtered(*, user: User, filters: dict) -> QuerySet[TrainingSession]:
    """The user's sessions narrowed by the list filters; date bounds are the city's local dates."""
    qs = scoped(user, TrainingSession)
    if filters.get("programme"):
        qs = qs.filter(programme=filters["programme"])
    if filters.get("city"):
        qs = qs.filter(city=filters["city"])
    if filters.get("partner"):
        qs = qs.filter(partner=filters["partner"])
    if filters.get("audience"):
        qs = qs.filter(audience=filters["audience"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    zone_q_from, zone_q_to = Q(), Q()
    for tz in TimeZone.values:
        zone = zoneinfo.ZoneInfo(tz)
        if filters.get("date_from"):
            start = dt.datetime.combine(filters["date_from"], dt.time(), tzinfo=zone)
            zone_q_from |= Q(city__time_zone=tz, starts_at__gte=start)
        if filters.get("date_to"):
            end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time(), tzinfo=zone)
            zone_q_to |= Q(city__time_zone=tz, starts_at__lt=end)
    if filters.get("date_from"):
        qs = qs.filter(zone_q_from)
    if filters.get("date_to"):
        qs = qs.filter(zone_q_to)
    if filters.get("when") in ("upcoming", "past"):
        qs = qs.filter(_from_today_q() if filters["when"] == "upcoming" else _before_today_q())
    return qs


def _local_midnights(now: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """The start of today in each city time zone (Jayapura's day begins two hours before Jakarta's)."""
    now = now or timezone.now()
    midnights = {}
    for tz in TimeZone.values:
        zone = zoneinfo.ZoneInfo(tz)
        midnights[tz] = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), tzinfo=zone)
    return midnights


def _from_today_q() -> Q:
    q = Q()
    for tz, midnight in _local_midnights().items():
        q |= Q(city__time_zone=tz, starts_at__gte=midnight)
    return q


def _before_today_q() -> Q:
    q = Q()
    for tz, midnight in _local_midnights().items():
        q |= Q(city__time_zone=tz, starts_at__lt=midnight)
    return q


def sessions_for_list(*, user: User, filters: dict) -> QuerySet[TrainingSession]:
    return (
        sessions_filtered(user=user, filters=filters)
        .select_related("city", "partner", "roadshow", "lead_trainer__user")
        .prefetch_related("co_trainers__user")
        .annotate(registered=Count("attendances", distinct=True))
        # past sessions: the most recent first; otherwise soonest first
        .order_by(*(("-starts_at", "-pk") if filters.get("when") == "past" else ("starts_at", "pk")))
    )


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    sessions: list = field(default_factory=list)


def month_calendar(*, user: User, filters: dict, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day holding the sessions that start on it in their city's local time."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    month_filters = {
        **filters,
        "when": "all",  # a month shows all its days
        "date_from": max(first, filters.get("date_from") or first),
        "date_to": min(last, filters.get("date_to") or last),
    }
    by_day: dict[dt.date, list] = {}
    for session in sessions_for_list(user=user, filters=month_filters):
        session.local_start = local_start(session)  # type: ignore[attr-defined]  # display attributes for the template
        session.local_end = local_end(session)  # type: ignore[attr-defined]  # display attributes for the template
        by_day.setdefault(session.local_start.date(), []).append(session)  # type: ignore[attr-defined]  # display attributes for the template
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([CalendarDay(date=d, in_month=d.month == month, sessions=by_day.get(d, [])) for d in week])
    return weeks


def roadshows_for_list(*, user: User, filters: dict) -> QuerySet[Roadshow]:
    qs = scoped(user, Roadshow).select_related("programme", "city", "partner")
    for key in ("programme", "city", "partner", "status"):  # status: the roadshow's own (RoadshowFilterForm)
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("date_from"):
        qs = qs.filter(ends_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(starts_on__lte=filters["date_to"])
    counted = ~Q(sessions__status=SessionStatus.CANCELLED)
    if filters.get("audience"):  # roadshows holding a session for that audience; the count is of those sessions
        qs = qs.filter(Exists(TrainingSession.objects.filter(roadshow=OuterRef("pk"), audience=filters["audience"])))
        counted &= Q(sessions__audience=filters["audience"])
    listed: QuerySet[Roadshow] = qs.annotate(session_count=Count("sessions", filter=counted, distinct=True))
    return listed.order_by("starts_on", "city__name")


def sessions_upcoming_for_trainer(*, user: User) -> QuerySet[TrainingSession]:
    """The trainer's own sessions that have not ended yet, soonest first."""
    return (
        scoped(user, TrainingSession)
        .filter(Q(lead_trainer__user=user) | Q(co_trainers__user=user), ends_at__gte=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("city", "partner", "lead_trainer__user")
        .prefetch_related("co_trainers__user")
        .distinct()
        .order_by("starts_at")
    )


def sessions_for_feed(*, trainer: Trainer) -> QuerySet[TrainingSession]:
    """Everything a trainer's calendar feed lists: their sessions from 30 days ago on, cancelled ones included
    (so phones remove them)."""
    since = timezone.now() - dt.timedelta(days=30)
    return (
        TrainingSession.objects.filter(Q(lead_trainer=trainer) | Q(co_trainers=trainer), ends_at__gte=since)
        .select_related("city", "partner")
        .distinct()
        .order_by("starts_at")
    )
