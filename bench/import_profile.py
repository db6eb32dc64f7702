"""The import's own cost, in one process and rolled back: CPU (Python and its PostgreSQL backend) and peak RSS by phase.

    DATABASE_URL=postgres:///umkm_imports_100k .venv/bin/python bench/import_profile.py --rows 10000 [--profile out.prof]

Builds bench/import_100k.py's CSV for its coordinator, then runs the service calls the views and the
Celery task make (import_create: read, classify and store the preview; import_apply: the job) inside
one transaction that is rolled back at the end, so the database is left as it was and the run can be
repeated. CPU seconds (time.process_time and the backend's /proc stat) are the figures a busy machine
disturbs least; wall seconds are printed beside them. With --profile, cProfile of both phases
(inflates Python-heavy code; read it for where, not how much).
"""

import argparse
import cProfile
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_program.settings.local")


class Rollback(Exception):
    pass


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm_hwm_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", help="write cProfile stats of import_create + import_apply here")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, transaction

    from bench.import_100k import build_import_csv, coordinator_prepare
    from participants.models import ParticipantImport
    from participants.services.imports import import_apply, import_create

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    user = coordinator_prepare()
    content, expected = build_import_csv(user=user, rows=args.rows)
    print(f"CSV {args.rows:,} rows, {len(content) / 1e6:.1f} MB; RSS after building it {vm_hwm_mib():.0f} MiB")
    profiler = cProfile.Profile() if args.profile else None
    phases = []

    def phase(name, fn):
        cpu, db, wall = time.process_time(), backend_cpu(backend), time.perf_counter()
        if profiler:
            profiler.enable()
        result = fn()
        if profiler:
            profiler.disable()
        phases.append((name, time.process_time() - cpu, backend_cpu(backend) - db, time.perf_counter() - wall, vm_hwm_mib()))
        return result

    outcome = {}
    try:
        with transaction.atomic():
            job = phase("upload + preview (import_create)", lambda: import_create(user=user, name="list.csv", content=content))
            job = phase("job (import_apply)", lambda: import_apply(participant_import=ParticipantImport.objects.get(pk=job.pk)))
            outcome = {
                "created": job.created_count,
                "matched": job.matched_count,
                "errors": job.error_count,
                "flagged": job.flagged_count,
            }
            from participants.counting import counted_attendance_rebuild
            from sessions_app.models import TrainingSession

            # the counted attendances the import kept in step must be what the rule computes from the raw rows
            outcome["counted differences"] = sum(
                counted_attendance_rebuild(programme_id=programme_id)
                for programme_id in set(TrainingSession.objects.values_list("programme_id", flat=True))
            )
            raise Rollback
    except Rollback:
        pass
    if profiler:
        profiler.dump_stats(args.profile)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("| phase | Python CPU s | PostgreSQL backend CPU s | wall s | peak RSS so far |\n| --- | --- | --- | --- | --- |")
    for name, cpu, db, wall, rss in phases:
        print(f"| {name} | {cpu:.2f} | {db:.2f} | {wall:.2f} | {rss:.0f} MiB |")
    want = {
        "created": expected.created,
        "matched": expected.matched,
        "errors": expected.errors,
        "flagged": expected.flagged,
        "counted differences": 0,
    }
    print(f"result {outcome}; expected {want}: {'same' if outcome == want else 'DIFFERENT'}")
    return 0 if outcome == want else 1


if __name__ == "__main__":
    sys.exit(main())
