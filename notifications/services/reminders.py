"""The reminder planner: turns sessions and session changes into outbox rows.

It runs every few minutes (and may run late, twice, or concurrently); every row
it writes is keyed by recipient, subject and kind, so running it again adds
nothing. Rows carry `send_after`; the sender delivers them when they are due.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cities.timezones import city_zone, to_city_time
from participants.models import Attendance, AttendanceStatus
from sessions_app.models import SessionChange, SessionChangeKind, SessionStatus, TrainingSession
from users.models import Role, User

from ..models import Channel, Notification, NotificationKind
from .messages import (
    language_for,
    local_when,
    message_render,
    opt_out_url,
    participant_channel,
    participant_key,
    preferences_for,
    user_key,
)
from .outbox import notifications_enqueue

LOOKAHEAD = dt.timedelta(days=3)
ATTENDANCE_GRACE = dt.timedelta(hours=12)
ATTENDANCE_GIVE_UP = dt.timedelta(days=7)
DAY_BEFORE_HOUR = dt.time(9, 0)


def session_subject(session: TrainingSession) -> str:
    """A session at a given time: a moved session is a new subject and gets new reminders."""
    return f"session:{session.pk}@{session.starts_at.astimezone(dt.UTC).isoformat()}"


def day_before_at(session: TrainingSession) -> dt.datetime:
    """09.00 city time on the day before the session (Jayapura: 00.00 UTC, Makassar: 01.00 UTC)."""
    local_day = to_city_time(session.starts_at, session.city).date() - dt.timedelta(days=1)
    return dt.datetime.combine(local_day, DAY_BEFORE_HOUR, tzinfo=city_zone(session.city))


def reminders_plan(*, now: dt.datetime | None = None) -> int:
    """Write every reminder that is due to exist at `now`; returns how many rows were asked for."""
    now = now or timezone.now()
    return (
        participant_reminders_plan(now=now)
        + attendance_reminders_plan(now=now)
        + low_registration_reminders_plan(now=now)
        + session_changes_notify(now=now)
    )


def participant_reminders_plan(*, now: dt.datetime) -> int:
    sessions = TrainingSession.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + LOOKAHEAD
    ).select_related("city")
    rows = []
    for session in sessions:
        kinds = {NotificationKind.SESSION_TWO_HOURS: session.starts_at - dt.timedelta(hours=2)}
        if now < session.starts_at - dt.timedelta(hours=2):
            kinds[NotificationKind.SESSION_DAY_BEFORE] = day_before_at(session)
        attendances = _registered(session)
        for kind, send_after in kinds.items():
            rows += _participant_rows(session=session, attendances=attendances, kind=kind, send_after=send_after)
    notifications_enqueue(rows=rows)
    return len(rows)


def attendance_reminders_plan(*, now: dt.datetime) -> int:
    sessions = (
        TrainingSession.objects.filter(
            attendance_closed_at__isnull=True,
            ends_at__lte=now - ATTENDANCE_GRACE,
            ends_at__gt=now - ATTENDANCE_GIVE_UP,
            status__in=[SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS, SessionStatus.COMPLETED],
        )
        .select_related("city", "lead_trainer__user")
        .prefetch_related("co_trainers__user")
    )
    rows = []
    for session in sessions:
        trainers = [session.lead_trainer, *session.co_trainers.all()]
        users = {t.user_id: t.user for t in trainers if t is not None and t.user.is_active}
        context = {"title": session.title, "city": session.city.name}
        rows += _user_rows(
            session=session, users=users.values(), kind=NotificationKind.ATTENDANCE_OPEN, send_after=now, context=context
        )
    notifications_enqueue(rows=rows)
    return len(rows)


def low_registration_reminders_plan(*, now: dt.datetime) -> int:
    active = Q(attendances__status__in=[AttendanceStatus.REGISTERED, AttendanceStatus.ATTENDED])
    candidates = (
        TrainingSession.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + LOOKAHEAD)
        .annotate(registered=Count("attendances", filter=active & Q(attendances__participant__is_test=False)))
        .select_related("city")
    )
    sessions = [s for s in candidates if s.registered * 2 < s.capacity]
    coordinators: dict[int | None, list[User]] = {}
    for user in User.objects.filter(
        role=Role.PARTNER_COORDINATOR, is_active=True, partner_id__in={s.partner_id for s in sessions}
    ):
        coordinators.setdefault(user.partner_id, []).append(user)
    rows = []
    for session in sessions:
        context = {
            "title": session.title,
            "city": session.city.name,
            "registered": session.registered,
            "capacity": session.capacity,
        }
        rows += _user_rows(
            session=session,
            users=coordinators.get(session.partner_id, []),
            kind=NotificationKind.LOW_REGISTRATION,
            send_after=now,
            context=context,
        )
    notifications_enqueue(rows=rows)
    return len(rows)


def session_changes_notify(*, now: dt.datetime) -> int:
    """Tell everyone registered about each recorded cancel/move, once: rows and notified_at in one transaction."""
    total = 0
    with transaction.atomic():
        changes = (
            SessionChange.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(notified_at__isnull=True)
            .select_related("session__city")
            .order_by("pk")
        )
        for change in changes:
            session = change.session
            kind = (
                NotificationKind.SESSION_CANCELLED
                if change.kind == SessionChangeKind.CANCELLED
                else NotificationKind.SESSION_MOVED
            )
            attendances = _registered(session, statuses=[AttendanceStatus.REGISTERED, AttendanceStatus.ATTENDED])
            rows = _participant_rows(
                session=session,
                attendances=attendances,
                kind=kind,
                send_after=now,
                subject=f"change:{change.pk}",
                old_starts_at=change.old_starts_at,
                reason=change.reason,
            )
            notifications_enqueue(rows=rows)
            total += len(rows)
            change.notified_at = now
            change.save(update_fields=["notified_at"])
    return total


def _registered(session: TrainingSession, statuses: Sequence[str] = (AttendanceStatus.REGISTERED,)) -> list[Attendance]:
    return list(
        Attendance.objects.filter(
            session=session,
            status__in=list(statuses),
            participant__is_test=False,
            participant__merged_into__isnull=True,
            participant__erased_at__isnull=True,
        ).select_related("participant")
    )


def _place(session: TrainingSession) -> str:
    return str(session.venue or session.online_url or session.city.name)


def _existing_and_preferences(*, subject: str, kind: str, keys: set[str]) -> tuple[set[str], dict]:
    """Recipients who already have this notification, and the contact preferences of the others."""
    existing = set(
        Notification.objects.filter(subject_key=subject, kind=kind, recipient_key__in=keys).values_list(
            "recipient_key", flat=True
        )
    )
    return existing, preferences_for(keys - existing)


def _participant_rows(
    *,
    session: TrainingSession,
    attendances: Iterable[Attendance],
    kind: str,
    send_after: dt.datetime,
    subject: str | None = None,
    old_starts_at: dt.datetime | None = None,
    reason: str = "",
) -> list[Notification]:
    subject = subject or session_subject(session)
    keys = {participant_key(a.participant_id) for a in attendances}
    existing, preferences = _existing_and_preferences(subject=subject, kind=kind, keys=keys)
    rows = []
    for attendance in attendances:
        participant, key = attendance.participant, participant_key(attendance.participant_id)
        preference = preferences.get(key)
        route = participant_channel(participant)
        if key in existing or route is None or (preference and preference.opted_out_at):
            continue
        language = language_for(participant, preference)
        context = {
            "name": participant.full_name,
            "title": session.title,
            "when": local_when(session.starts_at, time_zone=session.city.time_zone, language=language),
            "place": _place(session),
            "city": session.city.name,
            "reason": reason,
            "opt_out_url": opt_out_url(key),
        }
        if old_starts_at:
            context["old_when"] = local_when(old_starts_at, time_zone=session.city.time_zone, language=language)
        rows.append(_row(kind, route, key, subject, session, language, context, send_after, participant=participant))
    return rows


def _user_rows(
    *, session: TrainingSession, users: Iterable[User], kind: str, send_after: dt.datetime, context: dict[str, Any]
) -> list[Notification]:
    subject = session_subject(session)
    keys = {user_key(u.pk) for u in users}
    existing, preferences = _existing_and_preferences(subject=subject, kind=kind, keys=keys)
    rows = []
    for user in users:
        key = user_key(user.pk)
        preference = preferences.get(key)
        if key in existing or not user.email or (preference and preference.opted_out_at):
            continue
        language = language_for(user, preference)
        full = {
            **context,
            "name": user.name or user.email,
            "when": local_when(session.starts_at, time_zone=session.city.time_zone, language=language),
            "opt_out_url": opt_out_url(key),
        }
        rows.append(_row(kind, (Channel.EMAIL, user.email), key, subject, session, language, full, send_after, user=user))
    return rows


def _row(
    kind: str,
    route: tuple[str, str],
    key: str,
    subject: str,
    session: TrainingSession,
    language: str,
    context: dict[str, Any],
    send_after: dt.datetime,
    **recipient: Any,
) -> Notification:
    channel, address = route
    subject_line, body, params = message_render(kind=kind, language=language, context=context)
    return Notification(
        kind=kind,
        channel=channel,
        recipient_key=key,
        subject_key=subject,
        session=session,
        language=language,
        to=address,
        subject_line=subject_line,
        body=body,
        params=params,
        context={"starts_at": session.starts_at.isoformat()},
        send_after=send_after,
        **recipient,
    )
