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
RESTART_LIMIT="${RESTART_LIMIT:-5}"
RESTART_WINDOW="${RESTART_WINDOW:-300}"
LOG_TAIL="${LOG_TAIL:-20}"

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

mkdir -p var/log
declare -A pid_of=() started_at=()
declare -a restarts=()

start() {
  local name=$1 log="var/log/$1.log"
  case $name in
    worker) .venv/bin/celery -A umkm_program worker --loglevel=INFO --concurrency=2 >>"$log" 2>&1 & ;;
    beat) .venv/bin/celery -A umkm_program beat --loglevel=INFO --schedule var/celerybeat-schedule \
        --scheduler django_celery_beat.schedulers:DatabaseScheduler >>"$log" 2>&1 & ;;
    web) $PY manage.py runserver "$HOST:$PORT" --noreload >>"$log" 2>&1 & ;;
  esac
  pid_of[$name]=$!
  started_at[$name]=$(date +%s)
}

cleanup() {
  trap - EXIT INT TERM
  for name in "${!pid_of[@]}"; do kill "${pid_of[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'echo; echo "Stopping LAJU DIGITAL."; exit 0' INT TERM

for name in worker beat web; do
  : >"var/log/$name.log"
  start "$name"
done

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
  Logs: var/log/web.log, var/log/worker.log, var/log/beat.log. Press Ctrl+C to stop.

MSG

while true; do
  dead=""
  status=0
  wait -n -p dead "${pid_of[@]}" || status=$?
  [[ -n "$dead" ]] || continue
  name=""
  for candidate in "${!pid_of[@]}"; do [[ "${pid_of[$candidate]}" == "$dead" ]] && name=$candidate; done
  [[ -n "$name" ]] || continue
  now=$(date +%s)
  {
    echo
    echo "make run: the $name process (pid $dead) stopped after $((now - ${started_at[$name]})) s, exit status $status."
    echo "Last $LOG_TAIL lines of var/log/$name.log:"
    tail -n "$LOG_TAIL" "var/log/$name.log" | sed 's/^/    /'
  } >&2
  recent=()
  for entry in "${restarts[@]+"${restarts[@]}"}"; do
    (( now - ${entry#*:} < RESTART_WINDOW )) && recent+=("$entry")
  done
  restarts=("${recent[@]+"${recent[@]}"}" "$name:$now")
  count=0
  for entry in "${restarts[@]}"; do [[ "${entry%%:*}" == "$name" ]] && count=$((count + 1)); done
  if (( count > RESTART_LIMIT )); then
    echo "make run: the $name stopped $count times within $RESTART_WINDOW s; stopping the platform. See var/log/$name.log." >&2
    exit 1
  fi
  echo "make run: restarting the $name (the other processes keep running)." >&2
  start "$name"
done
