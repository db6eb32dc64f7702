#!/usr/bin/env bash
# Start the platform: web + Celery worker + beat. With no DATABASE_URL / REDIS_URL
# it runs on SQLite and kombu's filesystem broker under var/ (nothing else to install).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-umkm_program.settings.local}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
DEMO_PARTICIPANTS="${DEMO_PARTICIPANTS:-2000}"
DEMO_PASSWORD="${DEMO_PASSWORD:-laju-digital-2018}"

$PY manage.py preflight
$PY manage.py migrate --noinput -v0
$PY manage.py setup_roles -v0
$PY manage.py seed_programme
$PY manage.py seed_demo --participants "$DEMO_PARTICIPANTS" --password "$DEMO_PASSWORD"
if $PY manage.py help setup_periodic_tasks >/dev/null 2>&1; then $PY manage.py setup_periodic_tasks; fi
$PY manage.py rebuild_progress
$PY manage.py collectstatic --noinput -v0

mkdir -p var/log
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A umkm_program worker --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A umkm_program beat --loglevel=INFO --schedule var/celerybeat-schedule \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler >var/log/beat.log 2>&1 &
pids+=($!)
$PY manage.py runserver "$HOST:$PORT" --noreload >var/log/web.log 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://$HOST:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
cat <<MSG

  LAJU DIGITAL is running at http://$HOST:$PORT/   (health: http://$HOST:$PORT/healthz)
  Database: $($PY -c 'import django,os;django.setup();from django.conf import settings as s;print(s.DATABASES["default"]["ENGINE"].rsplit(".",1)[-1])')   Broker: $($PY -c 'import django;django.setup();from django.conf import settings as s;print(s.CELERY_BROKER_URL.split(":")[0])')
  Log in with any of these (password: $DEMO_PASSWORD):
    Programme admin       admin@example.org
    Partner coordinator   coordinator@example.org
    Trainer               trainer@example.org
    Policy viewer         policy@example.org
    KSP monitor           ksp@example.org
  Logs: var/log/web.log, var/log/worker.log, var/log/beat.log. Press Ctrl+C to stop.

MSG
wait -n "${pids[@]}"
echo "A process stopped; see var/log/. Shutting down." >&2
