"""What counts toward the target, defined once, and the table that keeps it (CountedAttendance).

A participant counts once per programme, at their first attended session for their own audience
(a UMKM at a UMKM session, a pemda officer at a pemda session), ordered by session start then
attendance id. Test records never count and merged-away duplicates are not people.

Two readings of that rule live here and nowhere else: `counted_attendances_sql`, the whole
programme from raw rows (the nightly check and the full rebuild), and `_first_attendances`, the
same rule for a handful of people (what every change calls, in its own transaction, through
`counts_changed`). The slices a change touched (old and new) are then announced on commit with
the `counts_changed` event; progress, above this app, recounts them.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import F

from cities.timezones import zone_date
from sessions_app.models import TrainingSession
from umkm_program.events import send_on_commit

from .events import counts_changed as counts_changed_event
from .models import Attendance, AttendanceStatus, CountedAttendance, Participant

# (programme_id, city_id, partner_id, audience, local day, session_id): the finest slice a roll-up is
# kept for, and the session in it whose figures changed.
Slice = tuple[int, int, int, str, dt.date, int]

COUNTED_COLUMNS = ("session_id", "city_id", "partner_id", "audience", "day", "starts_at", "attendance_id", "is_woman")


def counted_attendances_sql(
    *, programme_id: int, columns: Sequence[str], attendances: str = "participants_attendance"
) -> tuple[str, list]:
    """(sql, params): one row per counted person of the programme, their counting attendance, with `columns`.

    `columns` are expressions over `a` (participants_attendance), `s` (sessions_app_trainingsession)
    and `p` (participants_participant), e.g. "a.session_id" or "p.gender"; the rows carry them
    under their plain names (session_id, gender), plus `rn`. Use it as a subquery or CTE.
    `attendances` names where the attendance rows come from: the table, or a CTE of it holding all
    the attendances of some people (the rule is per person, so it then counts exactly those people).
    """
    selected = ", ".join(columns)
    sql = f"""
SELECT * FROM (
    SELECT {selected},
           ROW_NUMBER() OVER (PARTITION BY a.participant_id ORDER BY s.starts_at, a.id) AS rn
    FROM {attendances} a
    JOIN sessions_app_trainingsession s ON s.id = a.session_id
    JOIN participants_participant p ON p.id = a.participant_id
    WHERE s.programme_id = %s
      AND a.status = %s
      AND p.is_test = %s
      AND p.merged_into_id IS NULL
      AND s.audience = p.kind
) ranked WHERE rn = 1
"""
    return sql, [programme_id, AttendanceStatus.ATTENDED, False]


def _first_attendances(participant_ids: Sequence[int]) -> dict[tuple[int, int], dict]:
    """(programme_id, participant_id) -> the counting attendance's columns, for these people only (the rule above)."""
    rows = (
        Attendance.objects.filter(
            participant_id__in=participant_ids,
            status=AttendanceStatus.ATTENDED,
            participant__is_test=False,
            participant__merged_into__isnull=True,
            session__audience=F("participant__kind"),
        )
        .order_by("participant_id", "session__programme_id", "session__starts_at", "pk")
        .values_list(
            "participant_id",
            "session__programme_id",
            "pk",
            "session_id",
            "session__city_id",
            "session__partner_id",
            "session__audience",
            "session__starts_at",
            "session__city__time_zone",
            "participant__gender",
        )
    )
    first: dict[tuple[int, int], dict] = {}
    for participant_id, programme_id, pk, session_id, city_id, partner_id, audience, starts_at, tz, gender in rows:
        if (programme_id, participant_id) in first:
            continue
        first[(programme_id, participant_id)] = {
            "session_id": session_id,
            "city_id": city_id,
            "partner_id": partner_id,
            "audience": audience,
            "day": zone_date(starts_at, tz),
            "starts_at": starts_at,
            "attendance_id": pk,
            "is_woman": gender == "female",
        }
    return first


def _slice_of(programme_id: int, row: dict) -> Slice:
    return (programme_id, row["city_id"], row["partner_id"], row["audience"], row["day"], row["session_id"])


_SYNC_BATCH = 2_000


def counted_attendance_sync(*, participant_ids: Iterable[int]) -> set[Slice]:
    """Bring these people's CountedAttendance rows in line with the raw rows; returns the slices that changed.

    Call inside the transaction that made the change. The people's rows are locked first (in id
    order, so two changes never deadlock), which serialises every change to one person's count:
    the rule is then read after any concurrent change to them has committed.
    """
    ids = sorted({int(pk) for pk in participant_ids})
    if len(ids) > _SYNC_BATCH:  # a large import: bounded statements, the same locks in the same order
        return set().union(
            *(counted_attendance_sync(participant_ids=ids[i : i + _SYNC_BATCH]) for i in range(0, len(ids), _SYNC_BATCH))
        )
    if not ids:
        return set()
    list(Participant.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    stored = {
        (row["programme_id"], row["participant_id"]): row
        for row in CountedAttendance.objects.filter(participant_id__in=ids).values(
            "pk", "programme_id", "participant_id", *COUNTED_COLUMNS
        )
    }
    wanted = _first_attendances(ids)
    touched: set[Slice] = set()
    gone = [key for key in stored if key not in wanted]
    for key in gone:
        touched.add(_slice_of(key[0], stored[key]))
    if gone:
        CountedAttendance.objects.filter(pk__in=[stored[key]["pk"] for key in gone]).delete()
    new_rows = []
    for (programme_id, participant_id), row in wanted.items():
        old = stored.get((programme_id, participant_id))
        if old is not None and all(old[name] == row[name] for name in COUNTED_COLUMNS):
            continue
        touched.add(_slice_of(programme_id, row))
        if old is None:
            new_rows.append(CountedAttendance(programme_id=programme_id, participant_id=participant_id, **row))
        else:
            touched.add(_slice_of(programme_id, old))
            CountedAttendance.objects.filter(pk=old["pk"]).update(**row)
    CountedAttendance.objects.bulk_create(new_rows)  # an import of 100,000 rows: one INSERT per batch, not per person
    return touched


def session_slices(*, session_ids: Iterable[int]) -> set[Slice]:
    """The slice each session falls in."""
    ids = {int(pk) for pk in session_ids}
    if not ids:
        return set()
    rows = TrainingSession.objects.filter(pk__in=ids).values_list(
        "programme_id", "city_id", "partner_id", "audience", "starts_at", "city__time_zone", "pk"
    )
    return {
        (programme, city, partner, audience, zone_date(starts_at, tz), pk)
        for programme, city, partner, audience, starts_at, tz, pk in rows
    }


def slices_announce(slices: Iterable[Slice]) -> None:
    """Send `counts_changed` on commit, once per programme, with its slices and sessions as JSON-safe lists."""
    by_programme: dict[int, set] = {}
    for programme_id, city_id, partner_id, audience, day, session_id in slices:
        by_programme.setdefault(programme_id, set()).add((city_id, partner_id, audience, day.isoformat(), session_id))
    for programme_id, items in sorted(by_programme.items()):
        send_on_commit(
            counts_changed_event,
            sender=CountedAttendance,
            programme_id=programme_id,
            slices=sorted({item[:4] for item in items}),
            sessions=sorted(items),
        )


def counts_changed(*, session_ids: Iterable[int] = (), participant_ids: Iterable[int] = ()) -> set[Slice]:
    """THE hook for "what counts may have changed": call inside the transaction of every such change.

    `session_ids`: sessions whose attendance rows, state or time changed (their registrations,
    attendances, no-shows and state are recounted); `participant_ids`: people whose attendances
    or counted traits changed (their counted attendance is kept in step now). Every slice touched,
    old and new, is announced once the transaction commits. Returns those slices.
    """
    touched = counted_attendance_sync(participant_ids=participant_ids) | session_slices(session_ids=session_ids)
    slices_announce(touched)
    return touched


_LOCK_PERSON_SQL = (
    "SELECT kind, is_test, merged_into_id IS NULL, gender FROM participants_participant WHERE id = %s FOR NO KEY UPDATE"
)
# Under the person's lock a check-in can only make an earlier attendance the counted one: insert,
# or replace a later one; `old` returns the slice it leaves (RETURNING shows only the new row).
_CHECK_IN_UPSERT_SQL = """
WITH old AS (
    SELECT city_id, partner_id, audience, day, session_id FROM participants_countedattendance
    WHERE programme_id = %s AND participant_id = %s
)
INSERT INTO participants_countedattendance
    (programme_id, participant_id, attendance_id, session_id, city_id, partner_id, audience, day, starts_at, is_woman)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (programme_id, participant_id) DO UPDATE SET
    attendance_id = EXCLUDED.attendance_id, session_id = EXCLUDED.session_id, city_id = EXCLUDED.city_id,
    partner_id = EXCLUDED.partner_id, audience = EXCLUDED.audience, day = EXCLUDED.day,
    starts_at = EXCLUDED.starts_at, is_woman = EXCLUDED.is_woman
WHERE (EXCLUDED.starts_at, EXCLUDED.attendance_id)
    < (participants_countedattendance.starts_at, participants_countedattendance.attendance_id)
RETURNING (SELECT ARRAY[city_id::text, partner_id::text, audience, day::text, session_id::text] FROM old)
"""


def counts_changed_by_check_in(*, session: TrainingSession, participant_id: int, attendance_id: int) -> set[Slice]:
    """`counts_changed` for the commonest change, one attendance turned into "attended", in two statements.

    Same rule and same lock as counted_attendance_sync; a check-in can only add an attended
    attendance, so the person's counted attendance becomes this one if it is earlier, or stays.
    """
    if connection.vendor != "postgresql":
        return counts_changed(session_ids=[session.pk], participant_ids=[participant_id])
    day = zone_date(session.starts_at, session.city.time_zone)
    here: Slice = (session.programme_id, session.city_id, session.partner_id, session.audience, day, session.pk)
    touched = {here}
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_PERSON_SQL, [participant_id])
        kind, is_test, is_person, gender = cursor.fetchone()
        if kind == session.audience and is_person and not is_test:
            cursor.execute(
                _CHECK_IN_UPSERT_SQL,
                [
                    *(session.programme_id, participant_id),
                    *(session.programme_id, participant_id, attendance_id, session.pk, *here[1:5]),
                    *(session.starts_at, gender == "female"),
                ],
            )
            row = cursor.fetchone()
            if row is not None and row[0] is not None:  # moved here from an later attendance's slice
                city_id, partner_id, audience, old_day, old_session = row[0]
                touched.add(
                    (
                        session.programme_id,
                        int(city_id),
                        int(partner_id),
                        audience,
                        dt.date.fromisoformat(old_day),
                        int(old_session),
                    )
                )
    slices_announce(touched)
    return touched


# The same rule for a check-in written by the statement that writes the attendance (participants/services/
# checkin.py), as common table expressions after its `att` (the attendance it turned into "attended": id).
# Named parameters: person, programme, audience, starts_at, city, partner, day, session.
# The person's row is locked first, as counted_attendance_sync does, so a recount of this person waits for
# this statement and reads its attendance. The statement's snapshot may be older than that lock: the
# counted row is therefore read FOR UPDATE (the newest version, if another change moved it meanwhile), and
# a counted row first written by someone else meanwhile shows as `added` finding a conflict, which
# counted_after_check_in answers by recounting the person under the lock (counts_changed).
CHECK_IN_COUNTED_CTES = """
person AS (
    SELECT kind, is_test, merged_into_id IS NULL AS is_person, gender = 'female' AS is_woman
    FROM participants_participant WHERE id = %(person)s AND EXISTS (SELECT 1 FROM att)
    FOR NO KEY UPDATE
),
counts_here AS (
    SELECT att.id AS attendance_id, person.is_woman FROM att, person
    WHERE person.kind = %(audience)s AND person.is_person AND NOT person.is_test
),
old AS (
    SELECT c.id, c.city_id, c.partner_id, c.audience, c.day, c.session_id, c.starts_at, c.attendance_id
    FROM participants_countedattendance c
    WHERE c.programme_id = %(programme)s AND c.participant_id = %(person)s AND EXISTS (SELECT 1 FROM counts_here)
    FOR UPDATE
),
moved AS (
    UPDATE participants_countedattendance t SET
        attendance_id = h.attendance_id, session_id = %(session)s, city_id = %(city)s, partner_id = %(partner)s,
        audience = %(audience)s, day = %(day)s, starts_at = %(starts_at)s, is_woman = h.is_woman
    FROM old o, counts_here h
    WHERE t.id = o.id AND (%(starts_at)s, h.attendance_id) < (o.starts_at, o.attendance_id)
    RETURNING o.city_id, o.partner_id, o.audience, o.day, o.session_id
),
added AS (
    INSERT INTO participants_countedattendance
        (programme_id, participant_id, attendance_id, session_id, city_id, partner_id, audience, day, starts_at, is_woman)
    SELECT %(programme)s::bigint, %(person)s::bigint, h.attendance_id, %(session)s::bigint, %(city)s::bigint,
           %(partner)s::bigint, %(audience)s::text, %(day)s::date, %(starts_at)s::timestamptz, h.is_woman
    FROM counts_here h WHERE NOT EXISTS (SELECT 1 FROM old)
    ON CONFLICT (programme_id, participant_id) DO NOTHING
    RETURNING id
)"""
# What the statement then selects about the count: (counts here, had a counted row, added one, the slice it left)
CHECK_IN_COUNTED_RESULT = """
EXISTS (SELECT 1 FROM counts_here), EXISTS (SELECT 1 FROM old), EXISTS (SELECT 1 FROM added),
(SELECT ARRAY[city_id::text, partner_id::text, audience, day::text, session_id::text] FROM moved)"""


def check_in_counted_params(*, session: TrainingSession, participant_id: int) -> dict:
    """The named parameters of CHECK_IN_COUNTED_CTES for this session and person."""
    return {
        "person": participant_id,
        "programme": session.programme_id,
        "audience": session.audience,
        "starts_at": session.starts_at,
        "city": session.city_id,
        "partner": session.partner_id,
        "day": zone_date(session.starts_at, session.city.time_zone),
        "session": session.pk,
    }


def counted_after_check_in(
    *, session: TrainingSession, participant_id: int, counts: bool, had: bool, added: bool, left: list | None
) -> set[Slice]:
    """Announce what the check-in statement's counted part did (CHECK_IN_COUNTED_RESULT): the session's slice and any slice left."""
    if counts and not had and not added:  # someone else counted this person meanwhile: recount under the lock
        with transaction.atomic():
            return counts_changed(session_ids=[session.pk], participant_ids=[participant_id])
    day = zone_date(session.starts_at, session.city.time_zone)
    touched: set[Slice] = {(session.programme_id, session.city_id, session.partner_id, session.audience, day, session.pk)}
    if left is not None:
        city_id, partner_id, audience, old_day, old_session = left
        touched.add(
            (session.programme_id, int(city_id), int(partner_id), audience, dt.date.fromisoformat(old_day), int(old_session))
        )
    slices_announce(touched)
    return touched


def participant_session_ids(*, participant_ids: Iterable[int]) -> set[int]:
    """Every session these people have a row at: what a change to the people themselves (test flag, traits) touches."""
    return set(Attendance.objects.filter(participant_id__in=list(participant_ids)).values_list("session_id", flat=True))


_REBUILD_COLUMNS = (
    "a.participant_id",
    "a.id AS attendance_id",
    "a.session_id",
    "s.city_id",
    "s.partner_id",
    "s.audience",
    "s.starts_at",
    "p.gender = 'female' AS is_woman",
    "(s.starts_at AT TIME ZONE (SELECT c.time_zone FROM cities_city c WHERE c.id = s.city_id))::date AS day",
)
_FIELDS = ("participant_id", "attendance_id", "session_id", "city_id", "partner_id", "audience", "starts_at", "is_woman", "day")

_UPSERT_FROM_RAW = """
INSERT INTO participants_countedattendance (programme_id, {fields})
SELECT %s, {fields} FROM ({counted}) raw
ON CONFLICT (programme_id, participant_id) DO UPDATE SET {assign}
WHERE ({stored}) IS DISTINCT FROM ({excluded})
"""
_DELETE_NOT_IN_RAW = """
WITH raw AS MATERIALIZED ({counted})
DELETE FROM participants_countedattendance t USING (
    SELECT c.id FROM participants_countedattendance c LEFT JOIN raw ON raw.participant_id = c.participant_id
    WHERE c.programme_id = %s AND raw.participant_id IS NULL
) gone WHERE t.id = gone.id
"""


_DIFFERENCES_SQL = """
WITH raw AS MATERIALIZED (SELECT {fields} FROM ({counted}) r),
     stored AS MATERIALIZED (SELECT {fields} FROM participants_countedattendance WHERE programme_id = %s)
SELECT (SELECT COUNT(*) FROM (SELECT * FROM raw EXCEPT SELECT * FROM stored) missing)
     + (SELECT COUNT(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM raw) extra)
"""


def counted_attendance_rebuild(*, programme_id: int) -> int:
    """Make the programme's CountedAttendance rows equal to the rule computed from raw rows.

    Returns how many rows had to be written or removed: zero when every change kept them in step
    (the nightly check reports anything else). Memory stays flat: PostgreSQL compares and repairs.
    """
    if connection.vendor != "postgresql":
        return _counted_attendance_rebuild_portable(programme_id=programme_id)
    counted, params = counted_attendances_sql(programme_id=programme_id, columns=_REBUILD_COLUMNS)
    fields = ", ".join(_FIELDS)
    changed = [f for f in _FIELDS if f != "participant_id"]
    with transaction.atomic(), connection.cursor() as cursor:
        # Compare first (two hashed set differences, no writes): the nightly check's usual answer is "none".
        cursor.execute(_DIFFERENCES_SQL.format(fields=fields, counted=counted), [*params, programme_id])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            _UPSERT_FROM_RAW.format(
                fields=fields,
                counted=counted,
                assign=", ".join(f"{f} = EXCLUDED.{f}" for f in changed),
                stored=", ".join(f"participants_countedattendance.{f}" for f in changed),
                excluded=", ".join(f"EXCLUDED.{f}" for f in changed),
            ),
            [programme_id, *params],
        )
        written = cursor.rowcount
        cursor.execute(_DELETE_NOT_IN_RAW.format(counted=counted), [*params, programme_id])
        removed = cursor.rowcount
        if written + removed > 10_000:  # a first fill: plan later reads with real statistics
            cursor.execute("ANALYZE participants_countedattendance")
    return written + removed


def _counted_attendance_rebuild_portable(*, programme_id: int) -> int:
    """The same as counted_attendance_rebuild for SQLite (small data), row by row in Python."""
    people = Attendance.objects.filter(session__programme_id=programme_id).values_list("participant_id", flat=True).distinct()
    wanted = {key[1]: row for key, row in _first_attendances(list(people)).items() if key[0] == programme_id}
    stored = {
        row["participant_id"]: row
        for row in CountedAttendance.objects.filter(programme_id=programme_id).values("pk", "participant_id", *COUNTED_COLUMNS)
    }
    differences = 0
    with transaction.atomic():
        for participant_id, old in stored.items():
            if participant_id not in wanted:
                CountedAttendance.objects.filter(pk=old["pk"]).delete()
                differences += 1
        for participant_id, row in wanted.items():
            old = stored.get(participant_id)
            if old is None:
                CountedAttendance.objects.create(programme_id=programme_id, participant_id=participant_id, **row)
            elif any(old[name] != row[name] for name in COUNTED_COLUMNS):
                CountedAttendance.objects.filter(pk=old["pk"]).update(**row)
            else:
                continue
            differences += 1
    return differences


_FILL_NEW_BATCH = 5_000
# The people's attendances first (by the participant index), then the rule over them: planned from
# the few people, whatever the statistics say about the programme's sessions.
_FILL_NEW_SQL = """
WITH people_attendances AS MATERIALIZED (
    SELECT * FROM participants_attendance WHERE participant_id = ANY(%s)
), written AS (
    INSERT INTO participants_countedattendance (programme_id, {fields})
    SELECT %s, {fields} FROM ({counted}) raw
    RETURNING programme_id, city_id, partner_id, audience, day, session_id
)
SELECT DISTINCT programme_id, city_id, partner_id, audience, day, session_id FROM written
"""


def counted_attendance_fill_new(*, participant_ids: Iterable[int]) -> set[Slice]:
    """counted_attendance_sync for people created in the caller's transaction (an import's new people).

    Nobody else can see them before the commit and they have no counted rows yet, so their counted
    attendances are inserted straight from the rule (counted_attendances_sql over their own
    attendances) in one statement per programme and batch of people, with no lock to take. Call it
    once their attendances are all written. Returns the slices written to.
    """
    ids = sorted({int(pk) for pk in participant_ids})
    if not ids:
        return set()
    if connection.vendor != "postgresql":
        return counted_attendance_sync(participant_ids=ids)
    fields = ", ".join(_FIELDS)
    touched: set[Slice] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _FILL_NEW_BATCH):
            batch = ids[start : start + _FILL_NEW_BATCH]
            cursor.execute(
                "SELECT DISTINCT s.programme_id FROM participants_attendance a"
                " JOIN sessions_app_trainingsession s ON s.id = a.session_id WHERE a.participant_id = ANY(%s)",
                [batch],
            )
            for (programme_id,) in sorted(cursor.fetchall()):
                counted, params = counted_attendances_sql(
                    programme_id=programme_id, columns=_REBUILD_COLUMNS, attendances="people_attendances"
                )
                cursor.execute(_FILL_NEW_SQL.format(fields=fields, counted=counted), [batch, programme_id, *params])
                touched |= {tuple(row) for row in cursor.fetchall()}
    return touched


def counted_attendance_follow_session(*, session_id: int) -> set[Slice]:
    """A session moved in time or changed audience: its people's counted attendances are kept in step again."""
    with transaction.atomic():
        people = Attendance.objects.filter(session_id=session_id, status=AttendanceStatus.ATTENDED).values_list(
            "participant_id", flat=True
        )
        return counts_changed(participant_ids=list(people))


_FIRST_FILL = """
INSERT INTO participants_countedattendance (programme_id, {fields})
SELECT %s, {fields} FROM ({counted}) raw
"""


def counted_attendance_first_fill(*, programme_id: int) -> int:
    """Fill a programme that has no CountedAttendance rows yet: the rule's rows in one INSERT ... SELECT.

    The rows counted_attendance_rebuild would write, for a bulk load (the demo seed) that wrote
    attendances without the services: one evaluation of the rule where the rebuild makes three
    (compare, upsert, delete), and no unique constraint needed, so the caller may drop it for the
    load. Raises ValueError if the programme already has rows (use counted_attendance_rebuild).
    Returns the rows written.
    """
    if CountedAttendance.objects.filter(programme_id=programme_id).exists():
        raise ValueError(f"programme {programme_id} already has counted attendances: rebuild them instead")
    if connection.vendor != "postgresql":
        return _counted_attendance_rebuild_portable(programme_id=programme_id)
    counted, params = counted_attendances_sql(programme_id=programme_id, columns=_REBUILD_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_FIRST_FILL.format(fields=", ".join(_FIELDS), counted=counted), [programme_id, *params])
        written = int(cursor.rowcount)
        if written > 10_000:  # plan later reads with real statistics
            cursor.execute("ANALYZE participants_countedattendance")
    return written
