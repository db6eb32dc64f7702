"""Who is asked to answer which survey, when: invitations and their outbox messages.

Feedback: when a session's attendance closes, every attendee (consenting, reachable, not opted
out) gets one invitation. Follow-ups: a periodic planner invites each UMKM `days_after` days after
their first counted attendance, at FOLLOW_UP_HOUR in the zone of that session's city. Unanswered
invitations get one reminder after REMINDER_AFTER. Every write is keyed (one invitation per
participant, wave and session; one message per recipient, subject and kind), so running any of
these twice or concurrently adds nothing.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cities.models import City
from cities.timezones import to_zone_time, zone_date
from notifications.models import ContactPreference, Notification, NotificationKind
from notifications.services.messages import language_for, opt_out_url, participant_channel, participant_key
from notifications.services.outbox import notifications_enqueue
from participants.counting import counted_attendances_sql
from participants.models import Attendance, AttendanceStatus, Participant
from sessions_app.models import TrainingSession

from ..links import link_token, new_nonce, survey_url, token_hash
from ..models import SurveyInvitation, SurveyWave, WaveKind

FOLLOW_UP_HOUR = dt.time(10, 0)
# A follow-up missed by this many days (planner down, wave added late) is not sent any more.
FOLLOW_UP_GRACE_DAYS = 7
REMINDER_AFTER = dt.timedelta(days=5)


def eligible(participants: Iterable[Participant]) -> list[Participant]:
    """People who may be asked: consent given, not erased or merged away, not test data, reachable, not opted out."""
    people = [
        p
        for p in participants
        if p.consent_at and not p.erased_at and not p.merged_into_id and not p.is_test and participant_channel(p)
    ]
    opted_out = set(
        ContactPreference.objects.filter(participant_id__in=[p.pk for p in people], opted_out_at__isnull=False).values_list(
            "participant_id", flat=True
        )
    )
    return [p for p in people if p.pk not in opted_out]


def feedback_invitations_create(*, session_id: int, now: dt.datetime | None = None) -> int:
    """Invite every attendee of a closed session to each active feedback wave. Returns new invitations."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_related("city").get(pk=session_id)
    if session.attendance_closed_at is None:
        return 0
    attendees = [
        a.participant
        for a in Attendance.objects.filter(session=session, status=AttendanceStatus.ATTENDED).select_related("participant")
    ]
    people = eligible(attendees)
    created = 0
    for wave in SurveyWave.objects.filter(programme_id=session.programme_id, kind=WaveKind.FEEDBACK, is_active=True):
        created += _invite(wave=wave, people=people, session=session, send_after=now, time_zone=session.city.time_zone, now=now)
    return created


def followup_invitations_plan(*, now: dt.datetime | None = None) -> int:
    """Invite the people whose follow-up is due today (local day and hour of their first session's city)."""
    now = now or timezone.now()
    zones = dict(City.objects.values_list("pk", "time_zone"))
    created = 0
    for wave in SurveyWave.objects.filter(kind=WaveKind.FOLLOW_UP, is_active=True).order_by("pk"):
        due: dict[str, list[tuple[int, dt.datetime]]] = {}
        for participant_id, first_start, city_id in _first_attendances(wave=wave, now=now):
            time_zone = zones[city_id]
            send_at = _follow_up_at(first_start, time_zone=time_zone, days=wave.days_after)
            if send_at <= now and now - send_at < dt.timedelta(days=FOLLOW_UP_GRACE_DAYS):
                due.setdefault(time_zone, []).append((participant_id, send_at))
        for time_zone, pairs in due.items():
            send_at_by_id = dict(pairs)
            people = eligible(Participant.objects.filter(pk__in=list(send_at_by_id)))
            for send_at in sorted(set(send_at_by_id.values())):
                batch = [p for p in people if send_at_by_id[p.pk] == send_at]
                created += _invite(wave=wave, people=batch, session=None, send_after=send_at, time_zone=time_zone, now=now)
    return created


def _follow_up_at(first_start: dt.datetime, *, time_zone: str, days: int) -> dt.datetime:
    local_day = zone_date(first_start, time_zone) + dt.timedelta(days=days)
    return dt.datetime.combine(local_day, FOLLOW_UP_HOUR, tzinfo=to_zone_time(first_start, time_zone).tzinfo)


def _first_attendances(*, wave: SurveyWave, now: dt.datetime) -> list[tuple[int, dt.datetime, int]]:
    """(participant id, first counted session start, its city) of UMKM whose follow-up may fall around now."""
    sql, params = counted_attendances_sql(
        programme_id=wave.programme_id, columns=["a.participant_id", "s.starts_at", "s.city_id", "p.kind"]
    )
    earliest = now - dt.timedelta(days=wave.days_after + FOLLOW_UP_GRACE_DAYS + 2)
    latest = now - dt.timedelta(days=wave.days_after - 2)
    # The only interpolation is the fixed SQL fragment from counted_attendances_sql; values are parameters.
    query = f"""
        SELECT c.participant_id, c.starts_at, c.city_id FROM ({sql}) c
        WHERE c.kind = 'umkm' AND c.starts_at >= %s AND c.starts_at < %s
          AND NOT EXISTS (SELECT 1 FROM surveys_surveyinvitation i
                          WHERE i.wave_id = %s AND i.participant_id = c.participant_id AND i.session_id IS NULL)
    """  # noqa: S608  only the fixed fragment above is interpolated
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, earliest, latest, wave.pk])
        rows: list[tuple[int, dt.datetime, int]] = cursor.fetchall()
        return rows


def _invite(
    *,
    wave: SurveyWave,
    people: list[Participant],
    session: TrainingSession | None,
    send_after: dt.datetime,
    time_zone: str,
    now: dt.datetime,
) -> int:
    if not people:
        return 0
    closes_at = send_after + dt.timedelta(days=wave.open_days)
    rows = []
    for person in people:
        nonce = new_nonce()
        rows.append(
            SurveyInvitation(
                wave=wave,
                participant=person,
                session=session,
                nonce=nonce,
                token_hash=token_hash(link_token(nonce)),
                send_after=send_after,
                closes_at=closes_at,
            )
        )
    with transaction.atomic():
        before = SurveyInvitation.objects.filter(wave=wave, session=session).count()
        SurveyInvitation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        created = SurveyInvitation.objects.filter(wave=wave, session=session).count() - before
        invitations = SurveyInvitation.objects.filter(
            wave=wave, session=session, participant__in=[p.pk for p in people]
        ).select_related("participant")
        kind = NotificationKind.SURVEY_FEEDBACK if wave.kind == WaveKind.FEEDBACK else NotificationKind.SURVEY_FOLLOW_UP
        notifications_enqueue(rows=survey_messages(invitations=invitations, kind=kind, time_zone=time_zone))
    return created


def survey_reminders_plan(*, now: dt.datetime | None = None) -> int:
    """One reminder per invitation unanswered REMINDER_AFTER after it went out, while its link is open."""
    now = now or timezone.now()
    total = 0
    with transaction.atomic():
        due = list(
            SurveyInvitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                reminded_at__isnull=True,
                response__isnull=True,
                send_after__lte=now - REMINDER_AFTER,
                closes_at__gt=now,
                wave__is_active=True,
            )
            .select_related("participant", "session__city", "wave")
            .order_by("pk")[:2000]
        )
        if not due:
            return 0
        zones = dict(City.objects.values_list("pk", "time_zone"))
        people = {p.pk for p in eligible([i.participant for i in due])}
        sendable = [i for i in due if i.participant_id in people]
        for invitation in sendable:
            zone = zones[invitation.session.city_id] if invitation.session_id else zones[invitation.participant.city_id]  # type: ignore[union-attr]  # the matching _id was checked first
            rows = survey_messages(invitations=[invitation], kind=NotificationKind.SURVEY_REMINDER, time_zone=zone)
            notifications_enqueue(rows=rows)
            total += len(rows)
        SurveyInvitation.objects.filter(pk__in=[i.pk for i in due]).update(reminded_at=now)
    return total


def _subject(kind: str) -> str:
    subjects: dict[str, str] = {
        NotificationKind.SURVEY_FEEDBACK: _("How was the training? Tell us in two minutes"),
        NotificationKind.SURVEY_FOLLOW_UP: _("How is your business doing since the training?"),
        NotificationKind.SURVEY_REMINDER: _("Reminder: your answers still count"),
    }
    return subjects[kind]


def survey_messages(*, invitations: Iterable[SurveyInvitation], kind: str, time_zone: str) -> list[Notification]:
    """Outbox rows for these invitations, each in the participant's language, keyed by invitation."""
    invitations = list(invitations)
    keys = {participant_key(i.participant_id) for i in invitations}
    preferences = {p.recipient_key: p for p in ContactPreference.objects.filter(recipient_key__in=keys)}
    rows = []
    for invitation in invitations:
        person, key = invitation.participant, participant_key(invitation.participant_id)
        route = participant_channel(person)
        if route is None:
            continue
        language = language_for(person, preferences.get(key))
        with translation.override(language):
            context = {
                "name": person.full_name,
                "survey": invitation.wave.name,
                "title": invitation.session.title if invitation.session else "",
                "url": survey_url(invitation.nonce),
                "closes": date_format(to_zone_time(invitation.closes_at, time_zone).date(), "j F Y"),
                "opt_out_url": opt_out_url(key),
            }
            body = render_to_string(f"surveys/messages/{kind}.txt", context).strip()
            subject_line = _subject(kind)
        channel, address = route
        rows.append(
            Notification(
                kind=kind,
                channel=channel,
                recipient_key=key,
                subject_key=f"survey:{invitation.pk}",
                session=invitation.session,
                participant=person,
                language=language,
                to=address,
                subject_line=subject_line[:200],
                body=body,
                params=[context["name"], context["survey"], context["url"], context["closes"], context["opt_out_url"]],
                send_after=timezone.now() if kind == NotificationKind.SURVEY_REMINDER else invitation.send_after,
            )
        )
    return rows
