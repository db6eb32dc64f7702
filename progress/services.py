"""Rebuilding progress roll-ups from the raw rows.

What counts (DESIGN.md): a UMKM counts once, the first time they attend a UMKM
session of the programme; pemda officers are counted the same way among pemda
sessions. Registrations without attendance, repeat attendances, test records
and merged-away duplicates do not count; the SQL for that rule is progress/counting.py.

The heavy work is two grouped queries per programme (first attendances per
session, attendance states per session); everything after that is arithmetic
on per-session facts, whose number grows with sessions, not participants.
"""

import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import import_string

from cities.timezones import zone_date
from participants.models import Attendance, AttendanceStatus
from sessions_app.models import Audience, TrainingSession
from sessions_app.states import session_state

from .counting import counted_attendances_sql
from .models import ALL, ProgressSnapshot

logger = logging.getLogger(__name__)

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

_FIRST_ATTENDANCE_TRAITS = ("a.session_id", "p.kind", "p.gender", "p.scale")


@dataclass
class SessionFacts:
    city_id: int
    partner_id: int
    audience: str
    day: object
    counts: dict = field(default_factory=lambda: dict.fromkeys(METRICS, 0))


def _session_facts(programme_id: int) -> dict[int, SessionFacts]:
    facts: dict[int, SessionFacts] = {}
    sessions = TrainingSession.objects.filter(programme_id=programme_id).values_list(
        "pk", "city_id", "partner_id", "audience", "starts_at", "status", "attendance_closed_at", "city__time_zone"
    )
    for pk, city_id, partner_id, audience, starts_at, status, closed_at, tz in sessions:
        item = SessionFacts(city_id, partner_id, audience, zone_date(starts_at, tz))
        item.counts[f"sessions_{session_state(status=status, attendance_closed_at=closed_at)}"] = 1
        facts[pk] = item

    states = (
        Attendance.objects.filter(session__programme_id=programme_id, participant__is_test=False)
        .values_list("session_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for session_id, status, n in states:
        counts = facts[session_id].counts
        counts["registrations"] += n
        if status == AttendanceStatus.ATTENDED:
            counts["attendances"] += n
        elif status == AttendanceStatus.NO_SHOW:
            counts["no_shows"] += n

    with connection.cursor() as cursor:
        counted, params = counted_attendances_sql(programme_id=programme_id, columns=_FIRST_ATTENDANCE_TRAITS)
        cursor.execute(
            f"WITH counted AS ({counted}) SELECT session_id, kind, gender, scale, COUNT(*) FROM counted "
            "GROUP BY session_id, kind, gender, scale",
            params,
        )
        for session_id, kind, gender, scale, n in cursor.fetchall():
            counts = facts[session_id].counts
            if kind == Audience.UMKM:
                counts["umkm_trained"] += n
                if gender == "female":
                    counts["umkm_women"] += n
                if scale in ("mikro", "kecil", "menengah"):
                    counts[f"umkm_{scale}"] += n
            else:
                counts["pemda_trained"] += n
                if gender == "female":
                    counts["pemda_women"] += n
    return facts


def slice_key(*, city_id=None, partner_id=None, audience="", day=None) -> str:
    return "|".join(
        [
            f"c{city_id}" if city_id else ALL,
            f"p{partner_id}" if partner_id else ALL,
            audience or ALL,
            day.isoformat() if day else ALL,
        ]
    )


def progress_rebuild(*, programme_id: int) -> int:
    """Recompute every snapshot of a programme from raw rows; returns how many slices were written.

    Each session's facts are added to all 16 slices it belongs to (each of
    city, partner, audience and day either fixed or "all"). The swap is one
    transaction, so readers see the old or the new figures, never a mix.
    """
    facts = _session_facts(programme_id)
    slices: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for item in facts.values():
        dims = (item.city_id, item.partner_id, item.audience, item.day)
        for mask in itertools.product((True, False), repeat=4):
            slice_dims = tuple(value if keep else None for value, keep in zip(dims, mask, strict=True))
            target = slices[slice_dims]
            for name, value in item.counts.items():
                if value:
                    target[name] += value
    if not facts:
        slices[(None, None, None, None)]  # the programme total exists even with no sessions
    now = timezone.now()
    rows = [
        ProgressSnapshot(
            programme_id=programme_id,
            key=slice_key(city_id=city_id, partner_id=partner_id, audience=audience or "", day=day),
            city_id=city_id,
            partner_id=partner_id,
            audience=audience or "",
            day=day,
            computed_at=now,
            **counts,
        )
        for (city_id, partner_id, audience, day), counts in slices.items()
    ]
    with transaction.atomic():
        ProgressSnapshot.objects.filter(programme_id=programme_id).delete()
        ProgressSnapshot.objects.bulk_create(rows, batch_size=2_000)
    return len(rows)


def _refresh_key(programme_id: int) -> str:
    return f"progress:refresh-queued:{programme_id}"


def progress_refresh(*, programme_id: int) -> int:
    """Rebuild one programme's roll-ups, one rebuild at a time per programme.

    The debounce key is dropped *before* reading, so a check-in committed from
    here on queues the next refresh instead of being lost. The programme row
    lock serialises concurrent rebuilds (two delete+insert swaps racing would
    collide on the unique slice key).
    """
    from cities.models import Programme

    cache.delete(_refresh_key(programme_id))
    with transaction.atomic():
        if not Programme.objects.select_for_update().filter(pk=programme_id).exists():
            return 0
        slices = progress_rebuild(programme_id=programme_id)
        # Roll-ups of other apps built on the same rows (settings.PROGRESS_DEPENDENT_ROLLUPS),
        # refreshed under the same programme lock so they never disagree for long.
        for path in settings.PROGRESS_DEPENDENT_ROLLUPS:
            import_string(path)(programme_id=programme_id)
        return slices


def progress_refresh_soon(*, programme_id: int, city_id: int) -> bool:
    """Ask for the programme's roll-ups to catch up within PROGRESS_REFRESH_DELAY_SECONDS.

    Call from transaction.on_commit after a check-in. However many calls arrive,
    at most one refresh per programme is queued per delay (cache.add is atomic:
    SET NX on Redis). `city_id` names the touched city, but the refresh rebuilds
    the whole programme: "counts once, at the first attendance" is programme-wide,
    so one check-in in one city can move a participant's first attendance out of
    another city's and another day's slices. Returns whether a task was queued.
    """
    delay = settings.PROGRESS_REFRESH_DELAY_SECONDS
    if not cache.add(_refresh_key(programme_id), city_id, timeout=max(delay * 10, 60)):
        return False
    from .tasks import refresh_progress

    try:
        refresh_progress.apply_async(kwargs={"programme_id": programme_id}, countdown=delay)
    except Exception:  # broker down: the periodic rebuild catches up; the check-in itself stands
        cache.delete(_refresh_key(programme_id))
        logger.exception("could not queue the progress refresh of programme %s", programme_id)
        return False
    return True
