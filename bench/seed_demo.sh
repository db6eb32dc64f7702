#!/usr/bin/env bash
# Time `seed_demo --participants N` on a fresh PostgreSQL database (COPY path), then the full
# progress roll-up over it and the nightly check, which must find 0 differences.
# Usage: bench/seed_demo.sh [N] [database]   (default 1000000, umkm_bench)
# Prints: the seed's wall time, CPU and peak RSS (/usr/bin/time), its phase timings, the roll-up's
# wall time, the check's differences, the row counts, the database size and the load average.
# The database is dropped and recreated; it is kept for other benchmarks (ksp view, check-in)
# unless you drop it yourself.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
DB="${2:-umkm_bench}"
export DATABASE_URL="postgres:///$DB" DJANGO_SETTINGS_MODULE=umkm_program.settings.local
dropdb --if-exists "$DB" && createdb "$DB"
.venv/bin/python manage.py migrate -v0
echo "load before: $(uptime | sed 's/.*load average: //')"
start=$(date +%s.%N)
/usr/bin/time -f "seed_demo process: %e s wall, %U s user, %S s system, peak RSS %M KiB" \
    .venv/bin/python manage.py seed_demo --participants "$N" --seed 2018 --no-logins
mid=$(date +%s.%N)
echo "load after seed: $(uptime | sed 's/.*load average: //')"
.venv/bin/python manage.py rebuild_progress
end=$(date +%s.%N)
.venv/bin/python manage.py rebuild_progress --check
python3 -c "print(f'seed_demo --participants $N: {$mid-$start:.1f} s wall; progress_rebuild: {$end-$mid:.1f} s wall')"
psql -d "$DB" -tAc "select 'participants ' || (select count(*) from participants_participant) || ', attendances ' || (select count(*) from participants_attendance) || ', counted ' || (select count(*) from participants_countedattendance) || ', survey invitations ' || (select count(*) from surveys_surveyinvitation) || ', answers ' || (select count(*) from surveys_surveyanswer)"
psql -d "$DB" -tAc "select pg_size_pretty(pg_database_size('$DB'))" | sed 's/^/database size: /'
echo "load at end: $(uptime | sed 's/.*load average: //')"
