"""Writing the roll-ups: following each change incrementally, and the full rebuild that checks them.

What counts is defined once, in participants/counting.py; the figures of a session are computed in
progress/figures.py. A change in a lower app announces the sessions it touched, each with its finest
slice (participants.events.counts_changed, sessions_app.events.session_changed, on commit);
progress/receivers.py records them as PendingSlice rows and queues `progress.refresh`, which
recounts those sessions (SessionRollup keeps every figure of each session), re-sums their slices
from the session rows and moves the city/partner/audience/day totals by the difference, under the
programme's row lock, so two refreshes never interleave and each reads what committed before it.
The full rebuild recomputes everything from the raw rows; the nightly check runs it, reports any
difference and repairs it.
"""

import datetime as dt
import itertools
import logging
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cities.models import Programme
from participants.counting import counted_attendance_rebuild

from .figures import (
    METRICS,
    Figures,
    FineKey,
    SessionFigures,
    SliceKey,
    figures_for_sessions,
    figures_from_raw,
    sessions_in_slices,
    slices_q,
    sum_sessions,
)
from .models import ALL, DimensionRollup, PendingSlice, ProgressCheck, ProgressSnapshot, SessionRollup

logger = logging.getLogger(__name__)

__all__ = ["METRICS", "slice_key"]


def slice_key(
    *, city_id: int | None = None, partner_id: int | None = None, audience: str | None = "", day: dt.date | None = None
) -> str:
    return "|".join(
        [
            f"c{city_id}" if city_id else ALL,
            f"p{partner_id}" if partner_id else ALL,
            audience or ALL,
            day.isoformat() if day else ALL,
        ]
    )


def _coarser(key: FineKey) -> Iterator[SliceKey]:
    """The 16 slices a finest slice adds to: each of city, partner, audience and day fixed or "all"."""
    for city, partner, audience, day in itertools.product((True, False), repeat=4):
        yield SliceKey(
            key.city_id if city else None,
            key.partner_id if partner else None,
            key.audience if audience else None,
            key.day if day else None,
        )


def _snapshot(programme_id: int, dims: SliceKey, counts: dict[str, int], now: dt.datetime) -> ProgressSnapshot:
    city_id, partner_id, audience, day = dims
    return ProgressSnapshot(
        programme_id=programme_id,
        key=slice_key(city_id=city_id, partner_id=partner_id, audience=audience or "", day=day),
        city_id=city_id,
        partner_id=partner_id,
        audience=audience or "",
        day=day,
        computed_at=now,
        **counts,
    )


def _lock_programme(programme_id: int) -> bool:
    return Programme.objects.select_for_update().filter(pk=programme_id).exists()


# The full rebuild and the nightly check hash and group the whole programme (about 900,000 counted
# people at 1,000,000 participants): with PostgreSQL's default 4 MB per sort or hash they spill to
# disk several times over. One of them runs at a time (programme lock), at night.
WHOLE_PROGRAMME_WORK_MEM = "256MB"


def _room_for_whole_programme() -> None:
    """Give this transaction's sorts and hashes room in memory (SET LOCAL: gone at commit or rollback)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [WHOLE_PROGRAMME_WORK_MEM])


def _all_rows(
    programme_id: int, figures: Figures, now: dt.datetime
) -> tuple[list[ProgressSnapshot], list[DimensionRollup], list[SessionRollup]]:
    slices: dict[SliceKey, dict[str, int]] = {
        SliceKey(None, None, None, None): dict.fromkeys(METRICS, 0)
    }  # the total exists even when empty
    for key, counts in figures.snapshots.items():
        for dims in _coarser(key):
            target = slices.setdefault(dims, dict.fromkeys(METRICS, 0))
            for name, value in counts.items():
                target[name] += value
    snapshots = [_snapshot(programme_id, dims, counts, now) for dims, counts in slices.items()]
    sessions = [_session_row(programme_id, pk, one, now) for pk, one in figures.sessions.items()]
    return snapshots, _dimension_rows(programme_id, figures.dimensions, now), sessions


_SESSION_FIELDS = [name if name != "attendances" else "attended" for name in METRICS]


def _session_row(programme_id: int, session_id: int, figures: SessionFigures, now: dt.datetime) -> SessionRollup:
    city_id, partner_id, audience, day = figures.key
    return SessionRollup(
        session_id=session_id,
        programme_id=programme_id,
        city_id=city_id,
        partner_id=partner_id,
        audience=audience,
        day=day,
        traits=figures.traits,
        computed_at=now,
        **{field: figures.counts[name] for field, name in zip(_SESSION_FIELDS, METRICS, strict=True)},
    )


def _session_figures(row: SessionRollup) -> SessionFigures:
    return SessionFigures(
        key=FineKey(row.city_id, row.partner_id, row.audience, row.day),
        counts={name: getattr(row, field) for field, name in zip(_SESSION_FIELDS, METRICS, strict=True)},
        traits=row.traits,
    )


def _dimension_rows(programme_id: int, dimensions: dict[tuple, list[int]], now: dt.datetime) -> list[DimensionRollup]:
    return [
        DimensionRollup(
            programme_id=programme_id,
            city_id=key[0],
            partner_id=key[1],
            audience=key[2],
            day=key[3],
            dimension=dimension,
            value=value,
            trained=trained,
            attended=attended,
            computed_at=now,
        )
        for (key, dimension, value), (trained, attended) in dimensions.items()
        if trained or attended
    ]


def _replace_all(programme_id: int, figures: Figures) -> int:
    snapshots, dimensions, sessions = _all_rows(programme_id, figures, timezone.now())
    ProgressSnapshot.objects.filter(programme_id=programme_id).delete()
    DimensionRollup.objects.filter(programme_id=programme_id).delete()
    SessionRollup.objects.filter(programme_id=programme_id).delete()
    ProgressSnapshot.objects.bulk_create(snapshots, batch_size=2_000)
    DimensionRollup.objects.bulk_create(dimensions, batch_size=2_000)
    SessionRollup.objects.bulk_create(sessions, batch_size=2_000)
    PendingSlice.objects.filter(programme_id=programme_id).delete()  # everything was just recounted
    return len(snapshots)


def progress_rebuild(*, programme_id: int) -> int:
    """Recompute every roll-up of a programme from the raw rows (counted attendances included).

    Returns how many snapshot slices were written. One transaction under the programme lock:
    readers see the old or the new figures, never a mix, and no refresh runs meanwhile.
    """
    with transaction.atomic():
        if not _lock_programme(programme_id):
            return 0
        _room_for_whole_programme()
        counted_attendance_rebuild(programme_id=programme_id)
        return _replace_all(programme_id, figures_from_raw(programme_id=programme_id, counted_checked=True))


# --- following changes ------------------------------------------------------------------------


def _refresh_key(programme_id: int) -> str:
    return f"progress:refresh-queued:{programme_id}"


def progress_slices_mark(*, programme_id: int, slices: list[list[Any]]) -> bool:
    """Record the slices a committed change touched and make sure a refresh is queued; returns whether one was queued.

    `slices` are [city_id, partner_id, audience, "YYYY-MM-DD", session_id] (participants.events.counts_changed's
    `sessions`): that session is recounted and its slice re-summed; without a session id, every
    session of the slice is recounted.
    However many changes arrive, at most one refresh per programme is queued per
    PROGRESS_REFRESH_DELAY_SECONDS (cache.add is atomic: SET NX on Redis). If the broker is
    down the slices wait in the table for the next refresh or the periodic sweep.
    """
    _pending_slices_insert(programme_id=programme_id, slices=slices)
    return progress_refresh_soon(programme_id=programme_id)


_PENDING_INSERT_SQL = """
INSERT INTO progress_pendingslice (programme_id, city_id, partner_id, audience, day, session_id)
VALUES {rows} ON CONFLICT DO NOTHING
"""


def _pending_slices_insert(*, programme_id: int, slices: list) -> None:
    """One statement, atomic on its own: bulk_create would wrap it in BEGIN/COMMIT, three round trips per check-in."""
    if not slices:
        return
    params: list = []
    for item in slices:
        params += [programme_id, item[0], item[1], item[2], item[3], item[4] if len(item) > 4 else 0]
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(slices))
    with connection.cursor() as cursor:
        cursor.execute(_PENDING_INSERT_SQL.format(rows=rows), params)


def progress_refresh_soon(*, programme_id: int) -> bool:
    delay = settings.PROGRESS_REFRESH_DELAY_SECONDS
    if not cache.add(_refresh_key(programme_id), 1, timeout=max(delay * 10, 60)):
        return False
    from .tasks import refresh_progress

    try:
        refresh_progress.apply_async(kwargs={"programme_id": programme_id}, countdown=delay)
    except Exception:  # broker down: the periodic sweep catches up; the change itself stands
        cache.delete(_refresh_key(programme_id))
        logger.exception("could not queue the progress refresh of programme %s", programme_id)
        return False
    return True


_INCREMENT_SQL = """
UPDATE progress_progresssnapshot AS t SET computed_at = %s, {increments}
FROM (VALUES {values}) AS v(key, {metrics})
WHERE t.programme_id = %s AND t.key = v.key
"""


def _increment(programme_id: int, deltas: dict[SliceKey, dict[str, int]], now: dt.datetime) -> None:
    """Move the slices by `deltas` (creating the missing ones); drop slices left empty, the total excepted.

    The caller holds the programme lock, so nobody else creates or moves these rows meanwhile.
    """
    by_key = {
        slice_key(city_id=dims.city_id, partner_id=dims.partner_id, audience=dims.audience or "", day=dims.day): (dims, delta)
        for dims, delta in deltas.items()
        if any(delta.values())
    }
    if not by_key:
        return
    existing = set(ProgressSnapshot.objects.filter(programme_id=programme_id, key__in=list(by_key)).values_list("key", flat=True))
    moved = [(key, delta) for key, (_dims, delta) in by_key.items() if key in existing]
    if moved and connection.vendor == "postgresql":
        row = "(%s, " + ", ".join(["%s::integer"] * len(METRICS)) + ")"
        sql = _INCREMENT_SQL.format(
            increments=", ".join(f"{m} = t.{m} + v.{m}" for m in METRICS),
            values=", ".join([row] * len(moved)),
            metrics=", ".join(METRICS),
        )
        params: list[Any] = [
            now,
            *itertools.chain.from_iterable((key, *(delta[m] for m in METRICS)) for key, delta in moved),
            programme_id,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    else:
        for key, delta in moved:
            ProgressSnapshot.objects.filter(programme_id=programme_id, key=key).update(
                computed_at=now, **{m: F(m) + delta[m] for m in METRICS}
            )
    ProgressSnapshot.objects.bulk_create(
        [_snapshot(programme_id, dims, delta, now) for key, (dims, delta) in by_key.items() if key not in existing]
    )
    ProgressSnapshot.objects.filter(programme_id=programme_id, key__in=list(existing), **dict.fromkeys(METRICS, 0)).exclude(
        key=slice_key()
    ).delete()


def _recount(programme_id: int, keys: set[FineKey], session_ids: set[int], whole: set[FineKey]) -> None:
    """Recount the touched sessions, re-sum their slices, move every coarser slice by the difference.

    `session_ids` are the sessions a change named; every session of the slices in `whole` is
    recounted too. The caller holds the programme lock.
    """
    now = timezone.now()
    stored_here = SessionRollup.objects.filter(slices_q(whole), programme_id=programme_id).values_list("session_id", flat=True)
    ids = set(session_ids) | sessions_in_slices(programme_id=programme_id, keys=whole) | set(stored_here)
    before = {row.session_id: row for row in SessionRollup.objects.filter(session_id__in=ids)}
    figures = figures_for_sessions(programme_id=programme_id, session_ids=ids)
    keys = set(keys) | {FineKey(r.city_id, r.partner_id, r.audience, r.day) for r in before.values()}
    keys |= {one.key for one in figures.sessions.values()}
    gone = [pk for pk in before if pk not in figures.sessions]  # left the programme (or was deleted)
    if gone:
        SessionRollup.objects.filter(session_id__in=gone).delete()
    changed = [
        _session_row(programme_id, pk, one, now)
        for pk, one in figures.sessions.items()
        if pk not in before or _session_figures(before[pk]) != one or before[pk].programme_id != programme_id
    ]
    if changed:
        SessionRollup.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["session"],
            update_fields=["programme", "city", "partner", "audience", "day", "traits", "computed_at", *_SESSION_FIELDS],
        )

    # Each touched slice is now the sum of the session rows kept for it (a few rows, indexed).
    snapshots, dimensions = sum_sessions(
        _session_figures(row) for row in SessionRollup.objects.filter(slices_q(keys), programme_id=programme_id)
    )
    fine_keys = [slice_key(city_id=c, partner_id=p, audience=a, day=d) for c, p, a, d in keys]
    old = {
        FineKey(row.city_id, row.partner_id, row.audience, row.day): row
        for row in ProgressSnapshot.objects.filter(programme_id=programme_id, key__in=fine_keys)
    }
    deltas: dict[SliceKey, dict[str, int]] = {}
    for key in keys:
        was = old.get(key)
        now_counts = snapshots.get(key)
        change = {m: (now_counts[m] if now_counts else 0) - (getattr(was, m) if was else 0) for m in METRICS}
        if not any(change.values()):
            continue
        for dims in _coarser(key):
            target = deltas.setdefault(dims, dict.fromkeys(METRICS, 0))
            for m in METRICS:
                target[m] += change[m]
    _increment(programme_id, deltas, now)

    DimensionRollup.objects.filter(slices_q(keys), programme_id=programme_id).delete()
    DimensionRollup.objects.bulk_create(_dimension_rows(programme_id, dimensions, now))


# Above this many touched slices a refresh recomputes the programme from raw rows instead.
FULL_REBUILD_ABOVE = 2_000


def progress_refresh(*, programme_id: int) -> int:
    """Recount the slices changes have touched since the last refresh; returns how many.

    The debounce key is dropped *before* reading, so a change committed from here on queues
    the next refresh instead of being lost. Taking the pending rows and recounting them is one
    transaction under the programme lock: a failure leaves both the old figures and the
    pending rows, and the retry starts again.
    """
    cache.delete(_refresh_key(programme_id))
    with transaction.atomic():
        if not _lock_programme(programme_id):
            return 0
        pending = list(
            PendingSlice.objects.filter(programme_id=programme_id).values_list(
                "pk", "city_id", "partner_id", "audience", "day", "session_id"
            )
        )
        if not pending:
            return 0
        PendingSlice.objects.filter(pk__in=[row[0] for row in pending]).delete()
        keys = {FineKey(*row[1:5]) for row in pending}
        unsummed = SessionRollup.objects.filter(programme_id=programme_id, day__isnull=True).exists()
        if (
            len(keys) > FULL_REBUILD_ABOVE or unsummed
        ):  # most of the programme touched, or not rebuilt since per-session figures came
            _room_for_whole_programme()
            _replace_all(programme_id, figures_from_raw(programme_id=programme_id))
        else:
            whole = {FineKey(*row[1:5]) for row in pending if not row[5]}
            _recount(programme_id, keys, {row[5] for row in pending if row[5]}, whole)
        return len(keys)


# --- the nightly check ------------------------------------------------------------------------


def _stored(programme_id: int) -> tuple[dict[str, tuple], dict[tuple, tuple[int, int]], dict[int, tuple]]:
    snapshots = {
        row[0]: row[1:]
        for row in ProgressSnapshot.objects.filter(programme_id=programme_id).values_list("key", *METRICS).iterator()
    }
    dimensions = {
        (slice_key(city_id=c, partner_id=p, audience=a, day=d), dim, value): (trained, attended)
        for c, p, a, d, dim, value, trained, attended in DimensionRollup.objects.filter(programme_id=programme_id).values_list(
            "city_id", "partner_id", "audience", "day", "dimension", "value", "trained", "attended"
        )
    }
    sessions = {
        row.session_id: _session_compared(row) for row in SessionRollup.objects.filter(programme_id=programme_id).iterator()
    }
    return snapshots, dimensions, sessions


def _session_compared(row: SessionRollup) -> tuple:
    figures = _session_figures(row)
    return (
        figures.key,
        tuple(figures.counts[m] for m in METRICS),
        tuple(sorted((k, tuple(v)) for k, v in figures.traits.items())),
    )


def _differing(stored: dict[Any, Any], expected: dict[Any, Any]) -> list[str]:
    return sorted(str(k) for k in stored.keys() | expected.keys() if stored.get(k) != expected.get(k))


def progress_check(*, programme_id: int) -> ProgressCheck | None:
    """The nightly check: recompute the programme from raw rows, compare with what changes kept, repair.

    Records a ProgressCheck (operators see it in the admin) and logs an error for any difference;
    the difference must be zero. Runs under the programme lock, so no refresh interleaves.
    """
    started = time.monotonic()
    with transaction.atomic():
        if not _lock_programme(programme_id):
            return None
        _room_for_whole_programme()
        counted = counted_attendance_rebuild(programme_id=programme_id)
        figures = figures_from_raw(programme_id=programme_id, counted_checked=True)
        snapshots, dimensions, sessions = _all_rows(programme_id, figures, timezone.now())
        expected_snapshots = {row.key: tuple(getattr(row, m) for m in METRICS) for row in snapshots}
        expected_dimensions = {
            (slice_key(city_id=r.city_id, partner_id=r.partner_id, audience=r.audience, day=r.day), r.dimension, r.value): (
                r.trained,
                r.attended,
            )
            for r in dimensions
        }
        expected_sessions = {r.session_id: _session_compared(r) for r in sessions}
        stored_snapshots, stored_dimensions, stored_sessions = _stored(programme_id)
        details: dict[str, Any] = {
            "counted_attendances": counted,
            "snapshots": _differing(stored_snapshots, expected_snapshots),
            "dimensions": _differing(stored_dimensions, expected_dimensions),
            "sessions": _differing(stored_sessions, expected_sessions),
        }
        differences = counted + sum(len(details[name]) for name in ("snapshots", "dimensions", "sessions"))
        if differences:
            _replace_all(programme_id, figures)
            for name in ("snapshots", "dimensions", "sessions"):
                details[name] = details[name][:50]  # enough to see what drifted
            logger.error("progress check of programme %s: %s differences, repaired: %s", programme_id, differences, details)
        else:
            logger.info("progress check of programme %s: no differences", programme_id)
        return ProgressCheck.objects.create(
            programme_id=programme_id,
            checked_at=timezone.now(),
            seconds=round(time.monotonic() - started, 3),
            differences=differences,
            details=details,
        )
