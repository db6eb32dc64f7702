#!/usr/bin/env bash
# Time `seed_demo --participants N` on a fresh PostgreSQL database (the COPY path), then the full
# progress roll-up over it and the nightly check, which must find 0 differences.
# Usage: bench/seed_demo.sh [N] [database]   (default 1000000, umkm_bench)
# Prints: the seed's wall time, its phase timings, CPU of the Python process and of its PostgreSQL
# backend (the figures a busy machine disturbs least), peak RSS (/usr/bin/time), the roll-up's wall
# time, the check's differences, the row counts, the database size and the load average.
# The database is dropped and recreated, and kept for other benchmarks (ksp view, check-in):
# drop it yourself when done.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
DB="${2:-umkm_bench}"
export DATABASE_URL="postgres:///$DB" DJANGO_SETTINGS_MODULE=umkm_program.settings.local
dropdb --if-exists "$DB" && createdb "$DB"
.venv/bin/python manage.py migrate -v0
echo "load before: $(uptime | sed 's/.*load average: //')"
start=$(date +%s.%N)
/usr/bin/time -f "seed_demo process: %e s wall, %U s user, %S s system, peak RSS %M KiB" .venv/bin/python - "$N" <<'PY'
import os
import sys

import django

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

call_command("seed_demo", "--participants", sys.argv[1], "--seed", "2018", "--no-logins")
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    backend = cursor.fetchone()[0]
with open(f"/proc/{backend}/stat") as stat:  # utime and stime, in clock ticks, of the seed's backend
    fields = stat.read().rsplit(")", 1)[1].split()
print(f"PostgreSQL backend CPU: {(int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK'):.1f} s")
PY
mid=$(date +%s.%N)
echo "load after seed: $(uptime | sed 's/.*load average: //')"
.venv/bin/python manage.py rebuild_progress
end=$(date +%s.%N)
.venv/bin/python manage.py rebuild_progress --check
python3 -c "print(f'seed_demo --participants $N: {$mid-$start:.1f} s wall; progress_rebuild: {$end-$mid:.1f} s wall')"
psql -d "$DB" -tAc "select 'participants ' || (select count(*) from participants_participant) || ', attendances ' || (select count(*) from participants_attendance) || ', counted ' || (select count(*) from participants_countedattendance) || ', survey invitations ' || (select count(*) from surveys_surveyinvitation) || ', responses ' || (select count(*) from surveys_surveyresponse) || ', answers ' || (select count(*) from surveys_surveyanswer)"
psql -d "$DB" -tAc "select pg_size_pretty(pg_database_size('$DB'))" | sed 's/^/database size: /'
echo "load at end: $(uptime | sed 's/.*load average: //')"
