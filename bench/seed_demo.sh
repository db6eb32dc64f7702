#!/usr/bin/env bash
# Time `seed_demo --participants N` on a fresh PostgreSQL database, then the full
# progress roll-up over it. Usage: bench/seed_demo.sh [N] [database]   (default 1000000, umkm_bench)
# The database is dropped and recreated; keep it for other benchmarks (ksp view, check-in).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
DB="${2:-umkm_bench}"
export DATABASE_URL="postgres:///$DB" DJANGO_SETTINGS_MODULE=umkm_program.settings.local
dropdb --if-exists "$DB" && createdb "$DB"
.venv/bin/python manage.py migrate -v0
start=$(date +%s.%N)
.venv/bin/python manage.py seed_demo --participants "$N" --seed 2018
mid=$(date +%s.%N)
.venv/bin/python - <<'PY'
import django
django.setup()
from cities.models import Programme
from progress.services import progress_rebuild
for programme in Programme.objects.all():
    print(f"{programme}: {progress_rebuild(programme_id=programme.pk)} snapshot slices")
PY
end=$(date +%s.%N)
python3 -c "print(f'seed_demo --participants $N: {$mid-$start:.1f} s wall; progress_rebuild: {$end-$mid:.1f} s wall')"
psql -d "$DB" -tAc "select pg_size_pretty(pg_database_size('$DB'))" | sed 's/^/database size: /'
