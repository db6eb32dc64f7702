"""The figures of a programme's finest slices (city, partner, audience, local day), read two ways.

`figures_from_raw` reads the whole programme from the raw rows (the rule of participants/counting.py
as SQL): the full rebuild and the nightly check. `figures_for_sessions` reads only the sessions a
change touched, from their attendances and counted people: the incremental refresh, whose work
follows the change, not the number of participants nor of sessions sharing its slice. Both give
each session's figures; a slice is the sum of its sessions' (`sum_sessions`), so they can only
differ if the kept tables drifted from the raw rows.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Q

from cities.timezones import zone_date
from participants.counting import counted_attendances_sql
from participants.models import Attendance, AttendanceStatus, CountedAttendance
from sessions_app.models import Audience, TrainingSession
from sessions_app.states import session_state

from .models import Dimension

METRICS = (
    "umkm_trained",
    "umkm_women",
    "umkm_mikro",
    "umkm_kecil",
    "umkm_menengah",
    "pemda_trained",
    "pemda_women",
    "registrations",
    "attendances",
    "no_shows",
    "sessions_held",
    "sessions_planned",
    "sessions_cancelled",
)
# dimension -> the participant field it slices by
DIMENSION_FIELDS = {Dimension.GENDER: "gender", Dimension.SECTOR: "sector", Dimension.SOCIAL_MEDIA: "baseline_social_media"}


class FineKey(NamedTuple):
    """The finest slice of the roll-ups, the one a session falls in. The columns are nullable (a session row written
    before the day column came has no day until the next rebuild), so the parts are too."""

    city_id: int | None
    partner_id: int | None
    audience: str
    day: dt.date | None


class SliceKey(NamedTuple):
    """Any slice: a finest slice with some parts left out, None meaning "all" (progress/services.py _coarser)."""

    city_id: int | None
    partner_id: int | None
    audience: str | None
    day: dt.date | None


@dataclass
class SessionFigures:
    key: FineKey
    counts: dict[str, int]  # every METRIC, for this session alone
    traits: dict[str, list[int]] = field(default_factory=dict)  # "dimension|value" -> [trained, attended]


@dataclass
class Figures:
    snapshots: dict[FineKey, dict[str, int]] = field(default_factory=dict)  # slices holding at least one session
    dimensions: dict[tuple, list[int]] = field(default_factory=dict)  # (key, dimension, value) -> [trained, attended]
    sessions: dict[int, SessionFigures] = field(default_factory=dict)


def sum_sessions(sessions) -> tuple[dict, dict]:
    """The finest slices and their dimension rows as the sums of their sessions' figures."""
    snapshots: dict[FineKey, dict[str, int]] = {}
    dimensions: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for figures in sessions:
        counts = snapshots.setdefault(figures.key, dict.fromkeys(METRICS, 0))
        for name, value in figures.counts.items():
            counts[name] += value
        for trait, (trained, attended) in figures.traits.items():
            dimension, value = trait.split("|", 1)
            target = dimensions[(figures.key, dimension, value)]
            target[0] += trained
            target[1] += attended
    return snapshots, dict(dimensions)


class _Builder:
    """Collects each session's figures; the slices are their sums."""

    def __init__(self):
        self.sessions: dict[int, SessionFigures] = {}

    def session(self, pk, city_id, partner_id, audience, starts_at, status, closed_at, tz) -> None:
        key = FineKey(city_id, partner_id, audience, zone_date(starts_at, tz))
        counts = dict.fromkeys(METRICS, 0)
        counts[f"sessions_{session_state(status=status, attendance_closed_at=closed_at)}"] = 1
        self.sessions[pk] = SessionFigures(key=key, counts=counts)

    def state(self, session_id, status, n) -> None:
        counts = self.sessions[session_id].counts
        counts["registrations"] += n
        if status == AttendanceStatus.ATTENDED:
            counts["attendances"] += n
        elif status == AttendanceStatus.NO_SHOW:
            counts["no_shows"] += n

    def _trait(self, session_id, dimension, value, index, n) -> None:
        traits = self.sessions[session_id].traits
        traits.setdefault(f"{getattr(dimension, 'value', dimension)}|{value or ''}", [0, 0])[index] += n

    def attended_trait(self, session_id, dimension, value, n) -> None:
        self._trait(session_id, dimension, value, 1, n)

    def counted(self, session_id, kind, gender, scale, n) -> None:
        counts = self.sessions[session_id].counts
        if kind == Audience.UMKM:
            counts["umkm_trained"] += n
            counts["umkm_women"] += n if gender == "female" else 0
            if scale in ("mikro", "kecil", "menengah"):
                counts[f"umkm_{scale}"] += n
        else:
            counts["pemda_trained"] += n
            counts["pemda_women"] += n if gender == "female" else 0

    def counted_trait(self, session_id, dimension, value, n) -> None:
        self._trait(session_id, dimension, value, 0, n)

    def done(self) -> Figures:
        snapshots, dimensions = sum_sessions(self.sessions.values())
        return Figures(snapshots=snapshots, dimensions=dimensions, sessions=self.sessions)


_SESSION_COLUMNS = ("pk", "city_id", "partner_id", "audience", "starts_at", "status", "attendance_closed_at", "city__time_zone")


_TRAITS = tuple(DIMENSION_FIELDS.values())  # gender, sector, baseline_social_media

# One pass over the programme's attendances and one over its counted people, grouped every way
# the figures need at once (PostgreSQL GROUPING SETS); GROUPING() tells the sets apart.
_STATES_SQL = """
SELECT a.session_id, a.status, p.gender, p.sector, p.baseline_social_media,
       GROUPING(p.gender, p.sector, p.baseline_social_media), COUNT(*)
FROM participants_attendance a
JOIN sessions_app_trainingsession s ON s.id = a.session_id
JOIN participants_participant p ON p.id = a.participant_id
WHERE s.programme_id = %s AND p.is_test = %s
GROUP BY GROUPING SETS ((a.session_id, a.status), (a.session_id, a.status, p.gender),
                        (a.session_id, a.status, p.sector), (a.session_id, a.status, p.baseline_social_media))
"""
_COUNTED_SQL = """
SELECT session_id, kind, gender, scale, sector, baseline_social_media,
       GROUPING(kind, scale, sector, baseline_social_media), COUNT(*)
FROM ({counted}) c
GROUP BY GROUPING SETS ((session_id, kind, gender, scale), (session_id, gender), (session_id, sector),
                        (session_id, baseline_social_media))
"""
_COUNTED_COLUMNS = ("a.session_id", "p.kind", "p.gender", "p.scale", "p.sector", "p.baseline_social_media")
# GROUPING() bit patterns (1 = column rolled up) of each set, in the order of the arguments above.
_STATE_SETS = {0b111: None, 0b011: "gender", 0b101: "sector", 0b110: "baseline_social_media"}
_COUNTED_SETS = {0b0011: "snapshot", 0b1111: "gender", 0b1101: "sector", 0b1110: "baseline_social_media"}
_FIELD_DIMENSIONS = {name: dimension for dimension, name in DIMENSION_FIELDS.items()}


# The counted people as kept in their table: what the rebuild and the check read right after
# counted_attendance_rebuild has compared that table with the rule on raw rows and repaired it.
_KEPT_COUNTED_SQL = """
SELECT c.session_id, p.kind, p.gender, p.scale, p.sector, p.baseline_social_media
FROM participants_countedattendance c JOIN participants_participant p ON p.id = c.participant_id
WHERE c.programme_id = %s
"""


def figures_from_raw(*, programme_id: int, counted_checked: bool = False) -> Figures:
    """Every finest slice of the programme, recomputed from the raw rows (grouped queries; memory follows sessions).

    `counted_checked`: the caller has just made the counted-attendance table equal the rule on raw
    rows (counted_attendance_rebuild, same transaction), so the counted people are read from it
    rather than worked out from every attendance a second time.
    """
    build = _Builder()
    for row in TrainingSession.objects.filter(programme_id=programme_id).values_list(*_SESSION_COLUMNS):
        build.session(*row)
    if connection.vendor != "postgresql":
        _raw_portable(build, programme_id)
        return build.done()
    with connection.cursor() as cursor:
        cursor.execute(_STATES_SQL, [programme_id, False])
        for session_id, status, gender, sector, social, grouping, n in cursor.fetchall():
            name = _STATE_SETS[grouping]
            if name is None:
                build.state(session_id, status, n)
            elif status == AttendanceStatus.ATTENDED:
                value = {"gender": gender, "sector": sector, "baseline_social_media": social}[name]
                build.attended_trait(session_id, _FIELD_DIMENSIONS[name], value, n)
        if counted_checked:
            counted, params = _KEPT_COUNTED_SQL, [programme_id]
        else:
            counted, params = counted_attendances_sql(programme_id=programme_id, columns=_COUNTED_COLUMNS)
        cursor.execute(_COUNTED_SQL.format(counted=counted), params)
        for session_id, kind, gender, scale, sector, social, grouping, n in cursor.fetchall():
            name = _COUNTED_SETS[grouping]
            if name == "snapshot":
                build.counted(session_id, kind, gender, scale, n)
            else:
                value = {"gender": gender, "sector": sector, "baseline_social_media": social}[name]
                build.counted_trait(session_id, _FIELD_DIMENSIONS[name], value, n)
    return build.done()


def _raw_portable(build: "_Builder", programme_id: int) -> None:
    """figures_from_raw on SQLite (no GROUPING SETS): the same groups, one query each."""
    real = Attendance.objects.filter(session__programme_id=programme_id, participant__is_test=False).order_by()
    for session_id, status, n in real.values_list("session_id", "status").annotate(n=Count("pk")):
        build.state(session_id, status, n)
    for dimension, name in DIMENSION_FIELDS.items():
        attended = real.filter(status=AttendanceStatus.ATTENDED)
        for session_id, value, n in attended.values_list("session_id", f"participant__{name}").annotate(n=Count("pk")):
            build.attended_trait(session_id, dimension, value, n)
    with connection.cursor() as cursor:
        counted, params = counted_attendances_sql(
            programme_id=programme_id, columns=("a.session_id", "p.kind", "p.gender", "p.scale")
        )
        cursor.execute(
            f"SELECT session_id, kind, gender, scale, COUNT(*) FROM ({counted}) c GROUP BY session_id, kind, gender, scale",  # noqa: S608  fixed fragments; values are parameters
            params,
        )
        for session_id, kind, gender, scale, n in cursor.fetchall():
            build.counted(session_id, kind, gender, scale, n)
        for dimension, name in DIMENSION_FIELDS.items():
            counted, params = counted_attendances_sql(programme_id=programme_id, columns=("a.session_id", f"p.{name} AS value"))
            sql = f"SELECT session_id, value, COUNT(*) FROM ({counted}) c GROUP BY session_id, value"  # noqa: S608  fixed fragments
            cursor.execute(sql, params)
            for session_id, value, n in cursor.fetchall():
                build.counted_trait(session_id, dimension, value, n)


def slices_q(keys: set[FineKey]) -> Q:
    """Rows of a table keyed by the finest slice (city_id, partner_id, audience, day) that fall in `keys`."""
    q = Q(pk__in=[])
    for city_id, partner_id, audience, day in keys:
        q |= Q(city_id=city_id, partner_id=partner_id, audience=audience, day=day)
    return q


def sessions_in_slices(*, programme_id: int, keys: set[FineKey]) -> set[int]:
    """The sessions that fall in these finest slices now (indexed by place and time; the local day is cut exactly)."""
    if not keys:
        return set()
    by_place = Q(pk__in=[])
    for city_id, partner_id, audience, day in keys:
        if day is None:  # a session row not yet rebuilt with its day: the refresh rebuilds the programme instead
            continue
        # A local day lies within a day either side of the same UTC date; the exact cut is made below.
        lower = dt.datetime.combine(day - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
        by_place |= Q(
            city_id=city_id,
            partner_id=partner_id,
            audience=audience,
            starts_at__gte=lower,
            starts_at__lt=lower + dt.timedelta(days=3),
        )
    rows = TrainingSession.objects.filter(by_place, programme_id=programme_id).values_list(
        "pk", "city_id", "partner_id", "audience", "starts_at", "city__time_zone"
    )
    return {
        pk
        for pk, city_id, partner_id, audience, starts_at, tz in rows
        if (city_id, partner_id, audience, zone_date(starts_at, tz)) in keys
    }


def figures_for_sessions(*, programme_id: int, session_ids: set[int]) -> Figures:
    """The figures of these sessions only (those still in the programme): their attendances and counted people.

    Reads rows by session (indexed): the work follows the sessions a change touched, not the
    programme nor the slice they share with others.
    """
    build = _Builder()
    if not session_ids:
        return build.done()
    for row in TrainingSession.objects.filter(pk__in=session_ids, programme_id=programme_id).values_list(*_SESSION_COLUMNS):
        build.session(*row)
    found = list(build.sessions)
    if not found:
        return build.done()
    # One pass over the sessions' attendances gives both their states and the attended traits.
    real = Attendance.objects.filter(session_id__in=found, participant__is_test=False).order_by()
    for session_id, status, *values, n in real.values_list(
        "session_id", "status", *(f"participant__{name}" for name in DIMENSION_FIELDS.values())
    ).annotate(n=Count("pk")):
        build.state(session_id, status, n)
        if status == AttendanceStatus.ATTENDED:
            for dimension, value in zip(DIMENSION_FIELDS, values, strict=True):
                build.attended_trait(session_id, dimension, value, n)
    counted = CountedAttendance.objects.filter(programme_id=programme_id, session_id__in=found).order_by()
    traits = (
        "participant__kind",
        "participant__gender",
        "participant__scale",
        "participant__sector",
        "participant__baseline_social_media",
    )
    for session_id, kind, gender, scale, sector, social, n in counted.values_list("session_id", *traits).annotate(n=Count("pk")):
        build.counted(session_id, kind, gender, scale, n)
        for dimension, value in zip(DIMENSION_FIELDS, (gender, sector, social), strict=True):
            build.counted_trait(session_id, dimension, value, n)
    return build.done()
