"""What one check-in costs the roll-ups, and what the full rebuild (the nightly check) costs, on seeded data.

    DATABASE_URL=postgres:///umkm_rollups_bench REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/rollups.py [--checkins 30] [--skip-full]

Run it on a database made by `manage.py seed_demo --participants N` (bench/seed_demo.sh N <db>).
It works on the main programme (the largest started one, as the KSP view picks it):
1. the full rebuild from raw rows (`progress_rebuild`) and the nightly check (`progress_check`,
   which must find 0 differences), with their wall time and this process's peak memory;
2. `--checkins` times, one at a time: a person is checked in at a session of the programme they
   are not at yet (spread over sessions and over the participant table) through the service (`attendance_check_in`, which keeps the
   counted attendance in its transaction), then the refresh the worker would run
   (`progress_refresh`) recounts the sessions that check-in touched and re-sums their slices
   (recorded as the receiver would); each step's wall time and SQL queries are reported (median,
   p95, max; `--slowest` adds the slowest statements of the slowest refresh), then the check-ins
   are undone through the service and refreshed again, so the data ends as it began.
No worker or broker is needed: the refresh is called in-process, as the Celery task calls it.
"""

import argparse
import os
import resource
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_program.settings.local")
os.environ["DJANGO_DEBUG"] = "false"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.1f}, p95 {p95:.1f}, max {ordered[-1]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkins", type=int, default=30)
    parser.add_argument("--skip-full", action="store_true", help="only the per-check-in figures")
    parser.add_argument("--slowest", action="store_true", help="print the slowest SQL statements of the slowest refresh")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cities.models import Programme
    from cities.selectors import programme_main
    from participants.events import counts_changed
    from participants.models import Attendance, CountedAttendance, Participant, RegistrationSource
    from participants.services.checkin import attendance_check_in, attendance_undo_check_in
    from progress import services
    from progress.receivers import on_counts_changed
    from progress.services import progress_check, progress_rebuild, progress_refresh
    from sessions_app.models import TrainingSession
    from users.models import User

    programme = programme_main(programmes=Programme.objects.all())
    people = Participant.objects.count()
    counted = CountedAttendance.objects.filter(programme=programme).count()
    print(f"programme {programme} (id {programme.pk}): {people:,} participants, {counted:,} counted attendances")

    if not args.skip_full:
        start = time.monotonic()
        slices = progress_rebuild(programme_id=programme.pk)
        print(
            f"full rebuild (progress_rebuild): {time.monotonic() - start:.1f} s, {slices:,} snapshot slices, peak RSS {_peak_mb():.0f} MB"
        )
        start = time.monotonic()
        check = progress_check(programme_id=programme.pk)
        print(
            f"nightly check (progress_check): {time.monotonic() - start:.1f} s, {check.differences} differences, "
            f"peak RSS {_peak_mb():.0f} MB"
        )

    # The refresh is run here, not queued: take the progress receiver off and record the slices ourselves.
    counts_changed.disconnect(dispatch_uid="progress.on_counts_changed")
    services.progress_refresh_soon = lambda **kwargs: False  # nothing queued: this process is the worker
    announced: list = []
    counts_changed.connect(lambda sender, **kw: announced.append(kw), dispatch_uid="bench.capture", weak=False)

    def mark(events):
        for event in events:
            on_counts_changed(CountedAttendance, **event)  # what the worker's receiver does on commit

    admin = User.objects.filter(is_superuser=True).first() or User.objects.first()
    # People checked in at a session they are not at yet (as a MATCHED check-in, which undo removes whole):
    # sessions spread over the programme, people picked by id from across the table.
    sessions = list(TrainingSession.objects.filter(programme=programme, audience="umkm").select_related("city").order_by("pk"))
    step = max(1, len(sessions) // args.checkins)
    top = Participant.objects.order_by("-pk").values_list("pk", flat=True).first()
    registered = []
    for i, session in enumerate(sessions[::step][: args.checkins]):
        person = (
            Participant.objects.filter(pk__gte=(i * 7919 * 131) % top, kind="umkm", is_test=False, merged_into__isnull=True)
            .exclude(attendances__session=session)
            .order_by("pk")
            .first()
        )
        registered.append(Attendance(session=session, participant=person))
    check_in_ms, check_in_q, refresh_ms, refresh_q = [], [], [], []
    for attendance in registered:
        session = attendance.session
        announced.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            attendance_check_in(
                session=session,
                participant=attendance.participant,
                by=admin,
                client_id=uuid.uuid4(),
                source=RegistrationSource.MATCHED,
            )
            check_in_ms.append((time.perf_counter() - start) * 1000)
        check_in_q.append(len(queries))
        mark(announced)  # what the progress receiver does after the check-in commits
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            progress_refresh(programme_id=programme.pk)
            refresh_ms.append((time.perf_counter() - start) * 1000)
        refresh_q.append(len(queries))
        if refresh_ms[-1] >= max(refresh_ms):
            slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    print(f"check-in service, counted attendance kept in its transaction ({len(registered)} check-ins):")
    print(f"  time ms: {_summary(check_in_ms)}; SQL queries: {_summary(check_in_q)}")
    print("refresh of the slices one check-in touched (progress_refresh, what the worker runs):")
    print(f"  time ms: {_summary(refresh_ms)}; SQL queries: {_summary(refresh_q)}")
    if args.slowest:
        for query in slowest:
            print(f"  {float(query['time']) * 1000:.0f} ms: {query['sql'][:3000]}")

    announced.clear()
    for attendance in registered:  # leave the data as it was
        attendance_undo_check_in(session=attendance.session, participant=attendance.participant, by=admin)
    mark(announced)
    progress_refresh(programme_id=programme.pk)
    if not args.skip_full:
        check = progress_check(programme_id=programme.pk)
        print(f"after the check-ins and their undo, the nightly check finds {check.differences} differences")


if __name__ == "__main__":
    main()
