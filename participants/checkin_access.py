"""Who may be checked in where, and what a session page's roster holds: shared by the page and the offline sync.

The rules are the online page's: a person the user may see, someone already on the session's
list, or a likely match the server itself offered to this user for this session (signed). A
guest (someone of another partner) is shown by name only. users/scoping.py decides what the
user may see; nothing here widens it.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core import signing
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cities.models import City
from cities.timezones import city_zone
from sessions_app.models import TrainingSession
from umkm_program.db import prepared_cursor
from users.scoping import participants_for, scope_sql, sees_every_participant, sessions_for

from .models import Participant
from .phones import phone_display
from .selectors import session_counts, session_roster
from .services.checkin import attendance_may_correct_after_close

MATCH_SALT = "participants.match-offer"
MATCH_MAX_AGE = 12 * 3600


def match_token(*, participant_id: int, session_id: int, user_id: int) -> str:
    """The server's offer of one match, to one user, for one session: it allows a check-in there and nothing else."""
    return signing.dumps([participant_id, session_id, user_id], salt=MATCH_SALT)


def match_token_valid(token: str, *, participant_id: int, session_id: int, user_id: int) -> bool:
    try:
        return signing.loads(token, salt=MATCH_SALT, max_age=MATCH_MAX_AGE) == [participant_id, session_id, user_id]
    except signing.BadSignature:
        return False


def checkin_target(*, user, session: TrainingSession, participant_id, match_token: str = "") -> tuple[Participant | None, bool]:
    """The person to check in, and whether they are a guest: of another partner, reached only through a match.

    A match registered by another partner is a guest: checking them in needs a stated reason and
    opens only this attendance. Guessing ids gains nothing.
    """
    active = Participant.objects.filter(pk=participant_id, merged_into__isnull=True, erased_at__isnull=True)
    # Most taps are for someone already on the session's list: one plain indexed query, without
    # building (and having PostgreSQL plan) the scope's nested subqueries (issue 16's profile: a third
    # of the check-in's CPU). Anyone else must be in the user's scope, as before.
    participant = active.filter(attendances__session=session).first()
    if participant is not None:
        return participant, False
    participant = active.filter(pk__in=participants_for(user).filter(pk=participant_id).values("pk")).first()
    if participant is not None:
        return participant, False
    if not match_token_valid(match_token, participant_id=participant_id, session_id=session.pk, user_id=user.pk):
        return None, False
    participant = active.first()
    if participant is None:
        return None, False
    return participant, participant.home_partner_id != session.partner_id


@dataclass
class CheckInPlace:
    """What one check-in needs to know, read in one statement: the session (None: not the user's) and the person."""

    session: TrainingSession | None
    participant: Participant | None  # None: not someone this user may check in here
    guest: bool
    attendance_id: int | None  # the person's row on the session's list, if any
    status: str  # its status ("" if none)


def _fields(model) -> list:
    return list(model._meta.concrete_fields)


def _columns(alias: str, model) -> str:
    return ", ".join(f'{alias}."{f.column}"' for f in _fields(model))


def _sessions_in_scope(user, marks):
    return sessions_for(user).filter(pk=marks["session"]).values("pk")


def _person_in_scope(user, marks):
    return participants_for(user).filter(pk=marks["person"]).values("pk")


_PLACE_SQL = """
SELECT {session_columns}, {city_columns}, {person_columns}, a.id, a.status,
       a.id IS NOT NULL OR (p.id IS NOT NULL AND EXISTS ({person_in_scope}))
FROM (SELECT 1) AS one
LEFT JOIN sessions_app_trainingsession s ON s.id = %s AND s.id IN ({session_in_scope})
LEFT JOIN cities_city c ON c.id = s.city_id
LEFT JOIN participants_participant p ON p.id = %s AND p.merged_into_id IS NULL AND p.erased_at IS NULL
LEFT JOIN participants_attendance a ON a.session_id = s.id AND a.participant_id = p.id
"""


def _instance(model, values: list):
    return None if values[0] is None else model.from_db(connection.alias, [f.attname for f in _fields(model)], values)


def checkin_place(*, user, session_id: int, participant_id: int, match_token: str = "") -> CheckInPlace:
    """The session in the user's scope, with the person to check in there: the rules of `sessions_for` and of
    `checkin_target`, in one statement. The scope parts are the querysets of users/scoping.py compiled once
    (scope_sql), so what a user may reach is decided there alone; tests/participants/test_checkin_place.py
    holds this equal to get_session + checkin_target for every role."""
    sessions, session_params = scope_sql(user, "checkin.session", _sessions_in_scope, session=session_id)
    people, person_params = scope_sql(user, "checkin.person", _person_in_scope, person=participant_id)
    sql = _PLACE_SQL.format(
        session_columns=_columns("s", TrainingSession),
        city_columns=_columns("c", City),
        person_columns=_columns("p", Participant),
        person_in_scope=people,
        session_in_scope=sessions,
    )
    with prepared_cursor() as cursor:  # the same text for every user of a kind: planned once per connection
        cursor.execute(sql, [*person_params, session_id, *session_params, participant_id])
        row = list(cursor.fetchone())
    n_session, n_city, n_person = len(_fields(TrainingSession)), len(_fields(City)), len(_fields(Participant))
    session = _instance(TrainingSession, row[:n_session])
    if session is None:
        return CheckInPlace(None, None, False, None, "")
    session.city = _instance(City, row[n_session : n_session + n_city])
    participant = _instance(Participant, row[n_session + n_city : n_session + n_city + n_person])
    attendance_id, status, in_scope = row[n_session + n_city + n_person :]
    if participant is None:
        return CheckInPlace(session, None, False, None, "")
    if in_scope:
        return CheckInPlace(session, participant, False, attendance_id, status or "")
    if not match_token_valid(match_token, participant_id=participant.pk, session_id=session.pk, user_id=user.pk):
        return CheckInPlace(session, None, False, None, "")
    return CheckInPlace(session, participant, participant.home_partner_id != session.partner_id, attendance_id, status or "")


def guests_among(user, participant_ids: list[int]) -> set[int]:
    """The people on a roster whose records the user may not open (users/scoping.py decides)."""
    if not participant_ids or sees_every_participant(user):
        return set()
    return set(participant_ids) - set(participants_for(user).filter(pk__in=participant_ids).values_list("pk", flat=True))


def session_day(session: TrainingSession) -> tuple[dt.datetime, dt.datetime]:
    """The session's day(s) in its city's zone: from local midnight before it starts to local midnight after it ends."""
    zone = city_zone(session.city)
    first = session.starts_at.astimezone(zone).date()
    last = session.ends_at.astimezone(zone).date()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def user_leads_session(user, session: TrainingSession) -> bool:
    """The user is this session's lead or co-trainer (not merely someone allowed to see it)."""
    mine = Q(lead_trainer__user_id=user.pk) | Q(co_trainers__user_id=user.pk)
    return TrainingSession.objects.filter(mine, pk=session.pk).exists()


def roster_may_stay_on_device(user, session: TrainingSession, now: dt.datetime | None = None) -> bool:
    """A copy of the roster may be kept on the phone only for the trainer's own sessions of today and the next days."""
    now = now or timezone.now()
    _start, end = session_day(session)
    return end > now and user_leads_session(user, session)


def roster_payload(*, user, session: TrainingSession, rows: list[dict], counts: dict) -> dict:
    """What the session page's script needs to work offline: only what the page shows, nothing more."""
    _start, day_end = session_day(session)
    return {
        "session": session.pk,
        "user": user.pk,
        "url": reverse("participants:session-checkin", kwargs={"pk": session.pk}),
        "keep": roster_may_stay_on_device(user, session),
        "expires_at": day_end.isoformat(),
        "fetched_at": timezone.now().isoformat(),
        "may_change": bool(getattr(session, "user_may_change_attendance", True)),
        "counts": counts,
        "rows": [
            {
                "id": row["participant"].pk,
                "name": row["participant"].full_name,
                # a guest (of another partner) is shown by name only, here as on the page
                "detail": "" if row["guest"] else (row["participant"].business_name or row["participant"].agency),
                "phone": "" if row["guest"] else row["phone"],
                "status": row["status"],
                "guest": row["guest"],
            }
            for row in rows
        ],
    }


def roster_row(participant: Participant, status: str, guest: bool = False) -> dict:
    """A roster line. A guest (someone of another partner checked in here) shows the name only: no phone, no link."""
    phone = "" if guest else phone_display(participant.phone)
    return {"participant": participant, "status": status, "client_id": uuid.uuid4(), "phone": phone, "guest": guest}


def session_roster_payload(*, user, session: TrainingSession) -> dict:
    """The roster payload read afresh: for the offline sync's answer, so the page shows what the server applied."""
    session.user_may_change_attendance = session.attendance_closed_at is None or attendance_may_correct_after_close(  # type: ignore[attr-defined]
        user=user, session=session
    )
    roster = list(session_roster(session=session))
    guests = guests_among(user, [a.participant_id for a in roster])
    rows = [roster_row(a.participant, a.status, guest=a.participant_id in guests) for a in roster]
    return roster_payload(user=user, session=session, rows=rows, counts=session_counts(session=session))
