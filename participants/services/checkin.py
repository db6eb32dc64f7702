"""Checking people in at a session, walk-ins, and closing attendance.

Every write carries a client-generated id (Attendance.client_id). A double tap, a resubmitted
form or a replay from an offline queue finds the attendance it already made and changes
nothing; two trainers checking in the same person at once meet at the unique
(participant, session) constraint and both get the one attendance.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from sessions_app.events import attendance_closed
from sessions_app.models import TrainingSession
from umkm_program.db import prepared_cursor
from umkm_program.events import send_on_commit
from users.models import Role, User
from users.roles import role_of

from ..counting import (
    CHECK_IN_COUNTED_CTES,
    CHECK_IN_COUNTED_RESULT,
    check_in_counted_params,
    counted_after_check_in,
    counts_changed,
    counts_changed_by_check_in,
)
from ..events import attendance_corrected_after_close, participant_created
from ..models import Attendance, AttendanceStatus, MatchReason, Participant, RegistrationSource
from .locks import advisory_lock
from .matching import Match, duplicate_candidates_record
from .registration import participant_create


@dataclass(frozen=True)
class CheckInResult:
    attendance: Attendance
    created: bool  # a new attendance row
    checked_in_now: bool  # this call is the one that turned it into "attended"
    counts: dict[str, int] | None = None  # the session's counts after it, when the statement read them (session_counts' keys)


def attendance_closed_message() -> str:
    return _(
        "Attendance for this session is closed, so it can no longer be changed here. "
        "Ask your partner coordinator or a programme admin to correct it."
    )


def attendance_may_correct_after_close(*, user: User, session: TrainingSession) -> bool:
    """Once attendance is closed only a programme admin or a coordinator of the session's partner changes it."""
    role = role_of(user)
    if role == Role.PROGRAMME_ADMIN:
        return True
    return role == Role.PARTNER_COORDINATOR and user.partner_id == session.partner_id


def _ensure_may_change(*, session: TrainingSession, by: User) -> bool:
    """True if attendance is closed and `by` may correct it (the change is to be audited); raises if not allowed."""
    if session.attendance_closed_at is None:
        return False
    if not attendance_may_correct_after_close(user=by, session=session):
        raise ValidationError(attendance_closed_message(), code="attendance_closed")
    return True


# The guard on the session makes the statement write nothing once attendance was closed by someone
# else since the caller loaded the session (the caller then takes the closed path).
_UPSERT_SQL = """
INSERT INTO participants_attendance
    (participant_id, session_id, status, source, registered_at, checked_in_at, checked_in_by_id, device, client_id)
SELECT %s, %s, 'attended', %s, %s, %s, %s, %s, %s
WHERE {open_guard}
ON CONFLICT (participant_id, session_id) DO UPDATE
    SET status = 'attended', checked_in_at = EXCLUDED.checked_in_at,
        checked_in_by_id = EXCLUDED.checked_in_by_id, device = EXCLUDED.device
    WHERE participants_attendance.status <> 'attended' AND {open_guard}
RETURNING id, {created}
"""
_OPEN_GUARD = "NOT EXISTS (SELECT 1 FROM sessions_app_trainingsession s WHERE s.id = %s AND s.attendance_closed_at IS NOT NULL)"


def attendance_check_in(
    *,
    session: TrainingSession,
    participant: Participant,
    by: User,
    client_id: uuid.UUID,
    device: str = "",
    source: str = RegistrationSource.TRAINER,
    at: dt.datetime | None = None,
) -> CheckInResult:
    """Mark the participant as attended at the session. Idempotent by client_id and by (participant, session).

    `at`: when it happened, if not now (an offline check-in sent later; the caller keeps it within the session's day).

    One statement does it (insert, or turn a registration/no-show into attended), so two trainers
    tapping at the same moment meet in the unique index and neither gets an error. Once attendance
    is closed, trainers are refused (ValidationError) and a coordinator's or admin's correction is audited.
    """
    if session.attendance_closed_at is None:
        write = _check_in_statement if connection.vendor == "postgresql" else _upsert_attended
        result = write(
            session=session,
            participant=participant,
            by=by,
            client_id=client_id,
            device=device,
            only_while_open=True,
            source=source,
            at=at,
        )
        if result is not None:
            return result
        session.refresh_from_db(fields=["attendance_closed_at"])  # closed since the caller loaded it
    already = Attendance.objects.filter(participant=participant, session=session, status=AttendanceStatus.ATTENDED).first()
    if already is not None:  # a replay or a second tap: nothing to change, nothing to refuse
        return CheckInResult(already, created=False, checked_in_now=False)
    _ensure_may_change(session=session, by=by)
    with transaction.atomic():
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        before = Attendance.objects.select_for_update().filter(participant=participant, session=session).first()
        result = _upsert_attended(
            session=session,
            participant=participant,
            by=by,
            client_id=client_id,
            device=device,
            only_while_open=False,
            source=source,
            at=at,
        )
        if result.checked_in_now:  # type: ignore[union-attr]  # only_while_open=False always gives a result
            audit_record(
                actor=by,
                action=AuditAction.ATTENDANCE_AFTER_CLOSE,
                obj=result.attendance,  # type: ignore[union-attr]  # only_while_open=False always gives a result
                changes={"done": "check_in", "status": [before.status if before else None, AttendanceStatus.ATTENDED]},
            )
            _after_commit_corrected(session_id=session.pk, participant_id=participant.pk)
    return result  # type: ignore[return-value]  # only_while_open=False always gives a result


def _after_commit_corrected(*, session_id: int, participant_id: int) -> None:
    send_on_commit(attendance_corrected_after_close, sender=Attendance, session_id=session_id, participant_id=participant_id)


def _upsert_attended(
    *,
    session: TrainingSession,
    participant: Participant,
    by: User,
    client_id: uuid.UUID,
    device: str,
    only_while_open: bool,
    source: str = RegistrationSource.TRAINER,
    at: dt.datetime | None = None,
) -> CheckInResult | None:
    """The one-statement check-in; None if `only_while_open` and attendance turned out to be closed."""
    # No separate look-up by client_id: a replay meets its own row in the upsert and changes nothing.
    now = at or timezone.now()
    created_expr = "(xmax = 0)" if connection.vendor == "postgresql" else "NULL"
    guard, guard_params = (_OPEN_GUARD, [session.pk]) if only_while_open else ("TRUE", [])
    params = [participant.pk, session.pk, source, now, now, getattr(by, "pk", None), device[:200], client_id]
    if connection.vendor != "postgresql":
        params[-1] = client_id.hex
    try:
        # The counted attendance follows in the same transaction; inside a caller's transaction
        # this is a savepoint, which keeps that transaction usable if the statement fails.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_UPSERT_SQL.format(created=created_expr, open_guard=guard), [*params, *guard_params, *guard_params])
            row = cursor.fetchone()
            if row is not None:
                counts_changed_by_check_in(session=session, participant_id=participant.pk, attendance_id=row[0])
    except IntegrityError:  # the client id was already used, by a concurrent copy of this very request
        return CheckInResult(Attendance.objects.get(client_id=client_id), created=False, checked_in_now=False)
    if row is None:
        attendance = Attendance.objects.filter(participant=participant, session=session).first()
        if attendance is None or attendance.status != AttendanceStatus.ATTENDED:
            return None  # the guard refused: attendance was closed meanwhile
        return CheckInResult(attendance, created=False, checked_in_now=False)  # already attended: nothing changed
    attendance = Attendance(
        pk=row[0],
        participant=participant,
        session=session,
        status=AttendanceStatus.ATTENDED,
        checked_in_at=now,
        checked_in_by=by,
        device=device[:200],
    )
    return CheckInResult(attendance, created=bool(row[1]), checked_in_now=True)


_OPEN_GUARD_NAMED = (
    "NOT EXISTS (SELECT 1 FROM sessions_app_trainingsession s WHERE s.id = %(session)s AND s.attendance_closed_at IS NOT NULL)"
)
# The check-in in one statement (PostgreSQL): the attendance upsert above, the counted attendance
# (participants/counting.py's rule, CHECK_IN_COUNTED_CTES) and the session's counts for the answer.
# The counts are read in the statement's snapshot, before its own write: the caller adds that.
# Prepared (umkm_program/db.py): the casts say what PostgreSQL cannot infer from a SELECT list.
_CHECK_IN_SQL = f"""
WITH prior AS (
    SELECT id, status, source, registered_at, checked_in_at, checked_in_by_id, device, client_id
    FROM participants_attendance WHERE participant_id = %(person)s AND session_id = %(session)s
),
att AS (
    INSERT INTO participants_attendance
        (participant_id, session_id, status, source, registered_at, checked_in_at, checked_in_by_id, device, client_id)
    SELECT %(person)s::bigint, %(session)s::bigint, 'attended', %(source)s::text, %(now)s::timestamptz,
           %(now)s::timestamptz, %(by)s::bigint, %(device)s::text, %(client_id)s::uuid
    WHERE {_OPEN_GUARD_NAMED}
    ON CONFLICT (participant_id, session_id) DO UPDATE
        SET status = 'attended', checked_in_at = EXCLUDED.checked_in_at,
            checked_in_by_id = EXCLUDED.checked_in_by_id, device = EXCLUDED.device
        WHERE participants_attendance.status <> 'attended' AND {_OPEN_GUARD_NAMED}
    RETURNING id, (xmax = 0) AS created
),
{CHECK_IN_COUNTED_CTES},
tally AS (
    SELECT COUNT(*) FILTER (WHERE status = 'registered') AS registered,
           COUNT(*) FILTER (WHERE status = 'attended') AS attended,
           COUNT(*) FILTER (WHERE status = 'no_show') AS no_show
    FROM participants_attendance WHERE session_id = %(session)s
)
SELECT (SELECT id FROM att), (SELECT created FROM att), prior.id, prior.status, prior.source, prior.registered_at,
       prior.checked_in_at, prior.checked_in_by_id, prior.device, prior.client_id,
       tally.registered, tally.attended, tally.no_show, {CHECK_IN_COUNTED_RESULT}
FROM tally LEFT JOIN prior ON TRUE
"""  # noqa: S608  constants only; every value is a parameter


def _check_in_statement(
    *,
    session: TrainingSession,
    participant: Participant,
    by: User,
    client_id: uuid.UUID,
    device: str,
    only_while_open: bool,
    source: str = RegistrationSource.TRAINER,
    at: dt.datetime | None = None,
) -> CheckInResult | None:
    """`_upsert_attended` (while open) as one statement with its counted attendance; None if attendance turned out closed.

    One round trip and no transaction of its own: the statement is atomic, and a replay changes nothing.
    """
    now = at or timezone.now()
    params = {
        "source": source,
        "now": now,
        "by": getattr(by, "pk", None),
        "device": device[:200],
        "client_id": client_id,
        **check_in_counted_params(session=session, participant_id=participant.pk),
    }
    try:
        if connection.in_atomic_block:  # a savepoint keeps the caller's transaction usable if the statement fails
            with transaction.atomic(), prepared_cursor() as cursor:
                cursor.execute(_CHECK_IN_SQL, params)
                row = cursor.fetchone()
        else:
            with prepared_cursor() as cursor:
                cursor.execute(_CHECK_IN_SQL, params)
                row = cursor.fetchone()
    except IntegrityError:  # the client id was already used, by a concurrent copy of this very request
        return CheckInResult(Attendance.objects.get(client_id=client_id), created=False, checked_in_now=False)
    att_id, created, prior_id, prior_status, *prior_fields = row[:10]
    registered, attended, no_show, counts, had, added, left = row[10:]
    tally = {"registered": registered, "attended": attended, "no_show": no_show, "capacity": session.capacity}
    if att_id is None:
        if prior_status != AttendanceStatus.ATTENDED:
            return None  # the guard refused: attendance was closed meanwhile
        source_was, registered_at, checked_in_at, checked_in_by_id, device_was, client_id_was = prior_fields
        attendance = Attendance(
            pk=prior_id,
            participant=participant,
            session=session,
            status=AttendanceStatus.ATTENDED,
            source=source_was,
            registered_at=registered_at,
            checked_in_at=checked_in_at,
            checked_in_by_id=checked_in_by_id,
            device=device_was,
            client_id=client_id_was,
        )
        return CheckInResult(attendance, created=False, checked_in_now=False, counts=tally)
    counted_after_check_in(session=session, participant_id=participant.pk, counts=counts, had=had, added=added, left=left)
    tally["attended"] += 1
    if prior_status in tally:
        tally[prior_status] -= 1
    source_was, registered_at, _at, _by, _device, client_id_was = prior_fields
    attendance = Attendance(  # as the row now is: a registration turned into attended keeps its source and client id
        pk=att_id,
        participant=participant,
        session=session,
        status=AttendanceStatus.ATTENDED,
        source=source if prior_id is None else source_was,
        registered_at=now if prior_id is None else registered_at,
        checked_in_at=now,
        checked_in_by=by,
        device=device[:200],
        client_id=client_id if prior_id is None else client_id_was,
    )
    return CheckInResult(attendance, created=bool(created), checked_in_now=True, counts=tally)


def attendance_check_in_matched(
    *,
    session: TrainingSession,
    participant: Participant,
    by: User,
    client_id: uuid.UUID,
    reason: str,
    device: str = "",
    at: dt.datetime | None = None,
) -> CheckInResult:
    """Check in, at the user's own session, a person registered by another partner, with the stated reason.

    Audited (CROSS_PARTNER_MATCH: the reason and the session, no personal values). A new
    attendance is marked MATCHED: it puts the person on this session's roster and opens nothing
    else, and undoing the check-in removes it again. A person already on the roster (registered
    through the session's link, say) keeps their registration.
    """
    if reason not in MatchReason.values:
        raise ValidationError(_("Choose why you are checking in this person: they are here, or they are on your list."))
    with transaction.atomic():
        result = attendance_check_in(
            session=session,
            participant=participant,
            by=by,
            client_id=client_id,
            device=device,
            source=RegistrationSource.MATCHED,
            at=at,
        )
        if result.checked_in_now:
            audit_record(
                actor=by,
                action=AuditAction.CROSS_PARTNER_MATCH,
                obj=result.attendance,
                changes={"reason": reason, "session_id": session.pk, "participant_id": participant.pk},
            )
    return result


def _closed_at_shared_lock(*, session_id: int) -> dt.datetime | None:
    """When attendance was closed, read under a lock that other walk-ins share but closing waits for."""
    if connection.vendor != "postgresql":  # SQLite runs one writer at a time anyway
        closed_at: dt.datetime | None = TrainingSession.objects.values_list("attendance_closed_at", flat=True).get(pk=session_id)
        return closed_at
    with connection.cursor() as cursor:
        cursor.execute("SELECT attendance_closed_at FROM sessions_app_trainingsession WHERE id = %s FOR SHARE", [session_id])
        row = cursor.fetchone()
        return row[0] if row else None


def participant_walk_in(
    *,
    session: TrainingSession,
    data: dict[str, Any],
    by: User,
    client_id: uuid.UUID,
    device: str = "",
    uncertain_matches: Sequence[Match] = (),
    language: str = "",
    at: dt.datetime | None = None,
) -> CheckInResult:
    """Create a participant who just walked in and check them in, once per client_id.

    `uncertain_matches` are the likely matches the trainer saw and chose not to use: the new
    record goes to the merge queue against each of them. `language` is the language of the
    trainer's page; it becomes the new person's message language.
    """
    with transaction.atomic():
        advisory_lock(key=f"attendance-client:{client_id}")
        replay = Attendance.objects.filter(client_id=client_id).first()
        if replay is not None:
            return CheckInResult(replay, created=False, checked_in_now=False)
        session.attendance_closed_at = _closed_at_shared_lock(session_id=session.pk)
        after_close = _ensure_may_change(session=session, by=by)
        participant = participant_create(data=data, session=session, by=by)
        duplicate_candidates_record(participant=participant, matches=list(uncertain_matches))
        send_on_commit(participant_created, sender=Participant, participant_id=participant.pk, language=language)
        attendance = Attendance.objects.create(
            participant=participant,
            session=session,
            status=AttendanceStatus.ATTENDED,
            source=RegistrationSource.WALK_IN,
            checked_in_at=at or timezone.now(),
            checked_in_by=by,
            device=device[:200],
            client_id=client_id,
        )
        if after_close:
            audit_record(
                actor=by,
                action=AuditAction.ATTENDANCE_AFTER_CLOSE,
                obj=attendance,
                changes={"done": "walk_in", "status": [None, AttendanceStatus.ATTENDED]},
            )
            _after_commit_corrected(session_id=session.pk, participant_id=participant.pk)
        counts_changed(session_ids=[session.pk], participant_ids=[participant.pk])
        return CheckInResult(attendance, created=True, checked_in_now=True)


def attendance_close(*, session: TrainingSession, by: User) -> int:
    """Close attendance: everyone still only registered becomes a no-show. Returns how many. Idempotent."""
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        no_shows = Attendance.objects.filter(session=locked, status=AttendanceStatus.REGISTERED).update(
            status=AttendanceStatus.NO_SHOW
        )
        if locked.attendance_closed_at is None:
            locked.attendance_closed_at = timezone.now()
            locked.save(update_fields=["attendance_closed_at", "updated_at"])
            send_on_commit(attendance_closed, sender=TrainingSession, session_id=locked.pk)
        counts_changed(session_ids=[locked.pk])
    session.attendance_closed_at = locked.attendance_closed_at
    return no_shows


def attendance_undo_check_in(*, session: TrainingSession, participant: Participant, by: User) -> bool:
    """Turn a mistaken check-in back: into a registration while attendance is open, into a no-show after.

    A check-in of another partner's person from a match (MATCHED) is removed with its row, so the
    person leaves the roster and the access it gave ends.
    After closing only a coordinator of the session's partner or an admin may do it (audited as a
    correction after closing); trainers get a ValidationError. Returns True if this call undid it,
    False if there was nothing to undo (a repeat). Holds the session row lock, so it cannot
    interleave with closing attendance.
    """
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        after_close = _ensure_may_change(session=locked, by=by)
        attendance = (
            Attendance.objects.select_for_update()
            .filter(session=locked, participant=participant, status=AttendanceStatus.ATTENDED)
            .first()
        )
        if attendance is None:
            return False
        was = {"checked_in_at": attendance.checked_in_at.isoformat(), "checked_in_by": attendance.checked_in_by_id}  # type: ignore[union-attr]  # an attended row always has checked_in_at
        if attendance.source == RegistrationSource.MATCHED:
            # The check-in was the only thing that put this person of another partner here: take it back whole.
            audit_record(
                actor=by,
                action=AuditAction.ATTENDANCE_AFTER_CLOSE if after_close else AuditAction.CHECK_IN_UNDONE,
                obj=attendance,
                changes={
                    **({"done": "undo_check_in"} if after_close else {}),
                    "status": ["attended", "removed"],
                    "session_id": locked.pk,
                    **was,
                },
            )
            attendance.delete()
            counts_changed(session_ids=[locked.pk], participant_ids=[participant.pk])
            if after_close:
                _after_commit_corrected(session_id=locked.pk, participant_id=participant.pk)
            return True
        attendance.status = AttendanceStatus.NO_SHOW if after_close else AttendanceStatus.REGISTERED
        attendance.checked_in_at = None
        attendance.checked_in_by = None
        attendance.save(update_fields=["status", "checked_in_at", "checked_in_by"])
        audit_record(
            actor=by,
            action=AuditAction.ATTENDANCE_AFTER_CLOSE if after_close else AuditAction.CHECK_IN_UNDONE,
            obj=attendance,
            changes={**({"done": "undo_check_in"} if after_close else {}), "status": ["attended", attendance.status], **was},
        )
        counts_changed(session_ids=[locked.pk], participant_ids=[participant.pk])
        if after_close:
            _after_commit_corrected(session_id=locked.pk, participant_id=participant.pk)
    return True
