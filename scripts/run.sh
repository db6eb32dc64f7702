#!/usr/bin/env bash
# Start the platform: web + Celery worker + beat, and keep them up. With no DATABASE_URL / REDIS_URL
# it runs on SQLite with a SQLite-backed Celery broker under var/ (nothing else to install).
# If a process stops, this says which, shows the end of its log and starts it again; only a process
# that keeps dying (RESTART_LIMIT times within RESTART_WINDOW seconds) stops the platform.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-umkm_program.settings.local}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
DEMO_PARTICIPANTS="${DEMO_PARTICIPANTS:-2000}"
DEMO_PASSWORD="${DEMO_PASSWORD:-laju-digital-2018}"
export RESTART_LIMIT="${RESTART_LIMIT:-5}"
export RESTART_WINDOW="${RESTART_WINDOW:-300}"
export LOG_TAIL="${LOG_TAIL:-20}"

$PY manage.py preflight
$PY manage.py migrate --noinput -v0
$PY manage.py setup_roles -v0
$PY manage.py seed_programme
$PY manage.py seed_demo --participants "$DEMO_PARTICIPANTS" --password "$DEMO_PASSWORD" --no-logins
if $PY manage.py help setup_periodic_tasks >/dev/null 2>&1; then $PY manage.py setup_periodic_tasks; fi
$PY manage.py rebuild_progress
$PY manage.py collectstatic --noinput -v0
# kombu's SQL transport keeps delivered messages as invisible rows; with no worker running yet they are spent.
$PY -c 'import django,sqlite3;django.setup();from django.conf import settings as s
if s.CELERY_BROKER_URL.startswith("sqla+sqlite") and s.BROKER_DB.exists():
    db=sqlite3.connect(s.BROKER_DB);db.execute("DELETE FROM kombu_message WHERE visible = 0");db.commit()' 2>/dev/null || true

# Web, worker and beat under scripts/supervise.sh: a process that stops is named, its log's end shown,
# and it is started again while the others keep running.
bash scripts/supervise.sh var/log \
  worker ".venv/bin/celery -A umkm_program worker --loglevel=INFO --concurrency=2" \
  beat ".venv/bin/celery -A umkm_program beat --loglevel=INFO --schedule var/celerybeat-schedule --scheduler django_celery_beat.schedulers:DatabaseScheduler" \
  web "$PY manage.py runserver $HOST:$PORT --noreload" &
supervisor=$!
stop() {
  trap - EXIT INT TERM
  kill "$supervisor" 2>/dev/null || true
  wait "$supervisor" 2>/dev/null || true
}
trap stop EXIT
trap 'echo; echo "Stopping LAJU DIGITAL."; exit 0' INT TERM

for _ in $(seq 1 60); do
  curl -fsS "http://$HOST:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
read -r db_engine broker < <($PY -c 'import django;django.setup();from django.conf import settings as s;print(s.DATABASES["default"]["ENGINE"].rsplit(".",1)[-1], s.CELERY_BROKER_URL.split(":")[0])')
cat <<MSG

  LAJU DIGITAL is running at http://$HOST:$PORT/   (health: http://$HOST:$PORT/healthz)
  Database: $db_engine   Broker: $broker
  Log in with any of these (password: $DEMO_PASSWORD):
$($PY -c 'import django;django.setup()
from django.utils import translation;translation.activate("en")
from core.demo import DEMO_LOGINS
for email, _n, role in DEMO_LOGINS: print(f"    {role.label:<22} {email}")')
$($PY manage.py demo_second_factor)
  Logs: var/log/web.log, var/log/worker.log, var/log/beat.log. Press Ctrl+C to stop.

MSG

set +e
wait "$supervisor"
status=$?
trap - EXIT
exit "$status"
