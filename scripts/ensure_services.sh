#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on this machine: start them if installed
# and stopped, install them from Debian's packages if missing. Idempotent.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  if [ ! -f /tmp/.umkm-apt-updated ]; then as_root apt-get update -qq && touch /tmp/.umkm-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL -----------------------------------------------------------------
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "PostgreSQL is not installed: installing it from Debian's packages..."
  apt_install postgresql
fi
if ! pg_isready -q 2>/dev/null; then
  echo "Starting PostgreSQL..."
  for version in $(ls /etc/postgresql); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
fi
pg_isready -q || { echo "PostgreSQL did not start; see /var/log/postgresql/." >&2; exit 1; }
me=$(id -un)
if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
  as_root su postgres -c "createuser -s $me" 2>/dev/null || true
fi
psql -d postgres -tAc "select 1 from pg_database where datname='umkm'" | grep -q 1 || createdb umkm

# --- Redis ------------------------------------------------------------------------
if ! command -v redis-server >/dev/null 2>&1; then
  echo "Redis is not installed: installing it from Debian's packages..."
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "Starting Redis..."
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 ping >/dev/null || { echo "Redis did not start; see /var/log/redis/ci.log." >&2; exit 1; }
echo "PostgreSQL and Redis are running."
