"""Reads for the participants pages. Querysets always start from users/scoping.py."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.timezones import to_city_time
from sessions_app.models import SessionStatus, TrainingSession
from users.models import User
from users.scoping import participants_for, proposed_changes_for, sessions_for

from .models import Attendance, AttendanceStatus, Participant, ProposalStatus, ProposedChange
from .phones import phone_masked
from .search import SEARCH_ORDER, search_filter, search_sort_key, search_terms, search_tier, search_tiers
from .services.matching import Match

SEARCH_LIMIT = 15


def session_local(session: TrainingSession, value: dt.datetime | None = None) -> dt.datetime:
    return to_city_time(value or session.starts_at, session.city)


def sessions_with_counts(qs: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return qs.select_related("city").annotate(
        registered_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.REGISTERED)),
        attended_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ATTENDED)),
        no_show_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.NO_SHOW)),
    )


def trainer_sessions_upcoming(*, user: User, now: dt.datetime | None = None) -> list[TrainingSession]:
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
        s.local_start = session_local(s)  # type: ignore[attr-defined]  # display attributes for the template
        s.local_end = session_local(s, s.ends_at)  # type: ignore[attr-defined]  # display attributes for the template
        s.is_today = s.local_start.date() == session_local(s, now).date()  # type: ignore[attr-defined]  # display attributes for the template
    return [s for s in sessions if s.is_today or s.starts_at >= now]  # type: ignore[attr-defined]  # display attributes for the template


PAST_OPEN_LIMIT = 30


def trainer_sessions_past_open(*, user: User, now: dt.datetime | None = None) -> list[TrainingSession]:
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
        s.local_start = session_local(s)  # type: ignore[attr-defined]  # display attributes for the template
        s.local_end = session_local(s, s.ends_at)  # type: ignore[attr-defined]  # display attributes for the template
        s.is_today = s.local_start.date() == session_local(s, now).date()  # type: ignore[attr-defined]  # display attributes for the template
        if not s.is_today:  # type: ignore[attr-defined]  # today's sessions are in the upcoming list
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


def participant_search(*, user: User, session: TrainingSession, query: str) -> list[Participant]:
    """People the user may see in the session's city (or already on its roster), by name, phone in any format or business.

    Best matches first, at most SEARCH_LIMIT, read tier by tier (participants/search.py): each tier is one query
    over the session's city that the database stops once it has the best SEARCH_LIMIT in scope (an index read in
    the tier's order), and the next tier is asked only while fewer were found, so a fragment that matches tens of
    thousands costs what a rare one does. People on the roster from other cities are one small query first.
    Queries: 1 + the tiers read (1 to 4), each row carrying its status in this session.
    """
    terms = search_terms(query)
    if terms is None:
        return []
    # The user's scope, compiled once for the up to five queries below (building and compiling its nested subqueries
    # was half the CPU of each). As `pk IN (...)` the planner checks it per person read, in the tier's order, instead
    # of hashing a busy trainer's 112,000 attendances up front, which it chose when the rule was a plain filter.
    scope_sql, scope_params = participants_for(user).order_by().values("pk").query.sql_with_params()
    status_here = Attendance.objects.filter(session=session, participant_id=OuterRef("pk")).order_by().values("status")[:1]
    rows = (
        Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
        .filter(pk__in=RawSQL(scope_sql, scope_params))  # noqa: S611  Django's own SQL for the scope, values kept as parameters
        .annotate(session_status=Coalesce(Subquery(status_here), Value("")))
    )
    on_roster = Attendance.objects.filter(session=session).values("participant_id")
    found: list[Participant] = list(
        rows.filter(pk__in=on_roster)
        .exclude(city_id=session.city_id)
        .filter(search_filter(terms))
        .annotate(search_key=search_sort_key(terms), search_tier=search_tier(terms))
        .order_by("search_tier", *SEARCH_ORDER)[:SEARCH_LIMIT]
    )
    for tier, match in enumerate(search_tiers(terms)):
        ranked_before = len([p for p in found if p.search_tier < tier])  # type: ignore[attr-defined]  # annotated or set below
        if ranked_before >= SEARCH_LIMIT:
            break
        in_tier: list[Participant] = list(
            rows.filter(city_id=session.city_id)
            .filter(match)
            .annotate(search_key=search_sort_key(terms, tier=tier))
            .order_by(*SEARCH_ORDER)[: SEARCH_LIMIT - ranked_before]
        )
        for p in in_tier:
            p.search_tier = tier  # type: ignore[attr-defined]  # the tier it was read in, for the merge below
        found.extend(in_tier)
    found.sort(key=lambda p: (p.search_tier, p.search_key, p.full_name, p.pk))  # type: ignore[attr-defined]  # annotations
    return found[:SEARCH_LIMIT]


@dataclass(frozen=True)
class RegistrationState:
    open: bool
    reason: str  # "", "link_closed", "full", "over", "cancelled", "closed"


def registration_state(*, session: TrainingSession, now: dt.datetime | None = None) -> RegistrationState:
    """Whether the public registration link still accepts people, and if not, why."""
    now = now or timezone.now()
    if session.registration_link_closed_at:
        return RegistrationState(False, "link_closed")
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


@dataclass(frozen=True)
class ProposedField:
    label: str
    stored: str
    proposed: str


def _shown(field: Any, value: object) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field.choices:
        return str(dict(field.choices).get(value, value))
    return str(value or "")


def proposed_changes_pending(*, user: User) -> QuerySet[ProposedChange]:
    """The proposals waiting for this user's decision, oldest first, with what the review page shows."""
    return (
        proposed_changes_for(user)
        .filter(status=ProposalStatus.PENDING)
        .select_related("participant", "participant__city", "session", "session__city")
        .order_by("created_at", "pk")
    )


def proposed_change_fields(*, proposal: ProposedChange) -> list[ProposedField]:
    """Each proposed field next to what is stored now, as the reviewer reads them."""
    rows = []
    for name, value in proposal.values.items():
        field = Participant._meta.get_field(name)
        rows.append(
            ProposedField(
                label=str(field.verbose_name),  # type: ignore[union-attr]  # concrete fields only (listed by name)
                stored=_shown(field, getattr(proposal.participant, name)),
                proposed=_shown(field, value),
            )
        )
    return rows


def name_masked(full_name: str) -> str:
    """ "Siti Wahyuni" -> "S*** W.": enough for the person in front of you to confirm, not enough to learn a name."""
    parts = (full_name or "").split()
    if not parts:
        return "***"
    first = parts[0][0].upper() + "***"
    return f"{first} {parts[-1][0].upper()}." if len(parts) > 1 else first


@dataclass(frozen=True)
class MatchOffer:
    """A likely existing record offered on the walk-in form, as much of it as the user may see."""

    participant_id: int
    reason: str  # "phone", "nib" or "name"
    score: int
    masked: bool  # outside the user's scope: only `hint` is shown
    other_partner: bool  # registered by another partner: checking them in needs a stated reason
    hint: str  # "S*** W., Makassar" (masked name and city; the year is shown beside it)
    first_trained_year: int | None
    full_name: str = ""
    business: str = ""
    masked_phone: str = ""
    city: str = ""


def match_offers_for(*, user: User, session: TrainingSession, matches: Sequence[Match]) -> list[MatchOffer]:
    """THE rule for showing matches: full details for people in the user's scope, masked hints otherwise.

    Matching looks across the whole programme so that a returning person is recognised; outside
    users/scoping.py's participants_for(user) the offer carries only the masked name, the city and
    the year of first training, never the name, phone or business. Two queries for any number of matches.
    """
    ids = [m.participant.pk for m in matches]
    if not ids:
        return []
    visible = set(participants_for(user).filter(pk__in=ids).values_list("pk", flat=True))
    first_attended = dict(
        Attendance.objects.filter(participant_id__in=ids, status=AttendanceStatus.ATTENDED)
        .values("participant_id")
        .annotate(first=Min("session__starts_at"))
        .values_list("participant_id", "first")
    )
    offers = []
    for m in matches:
        p = m.participant
        first = first_attended.get(p.pk)
        common: dict[str, Any] = {
            "participant_id": p.pk,
            "reason": m.reason,
            "score": m.score,
            "other_partner": p.home_partner_id != session.partner_id,
            "hint": f"{name_masked(p.full_name)}, {p.city.name}",
            "first_trained_year": to_city_time(first, p.city).year if first else None,
        }
        if p.pk in visible:
            offers.append(
                MatchOffer(
                    **common,
                    masked=False,
                    full_name=p.full_name,
                    business=p.business_name or p.agency,
                    masked_phone=phone_masked(p.phone),
                    city=p.city.name,
                )
            )
        else:
            offers.append(MatchOffer(**common, masked=True))
    return offers
