#!/usr/bin/env bash
# Every scenario of issue 16 in one go, on a quiet machine, each output kept in var/bench/<UTC time>/.
# Usage: bench/run_all.sh [N] [scenarios...]   N participants (default 1000000); scenarios default to all:
#   seed rollups dashboards search export import checkin small
# seed makes the database umkm_bench (dropped first) with bench/seed_demo.sh N; the read-mostly scenarios
# (rollups undoes its own check-ins; dashboards revokes its token) run on it, the import runs last on it
# (it adds people), and the check-in runs on its own throw-away database. "small" seeds 10,000 and
# 100,000 and runs the dashboards on them (the flatness check). Each scenario's script prints its own
# table; see bench/README.md for what each measures and docs/benchmarks.md for the figures.
set -uo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"; shift || true
SCENARIOS="${*:-seed rollups dashboards search export import checkin small}"
OUT="var/bench/$(date -u +%Y%m%dT%H%MZ)"; mkdir -p "$OUT"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/9}" DATABASE_URL=postgres:///umkm_bench
PY=.venv/bin/python
run() { local name="$1"; shift; echo "== $name: $* (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.txt";
        local t0=$(date +%s); "$@" >"$OUT/$name.txt" 2>&1; local rc=$?
        echo "   rc=$rc in $(( $(date +%s) - t0 )) s -> $OUT/$name.txt" | tee -a "$OUT/summary.txt"; }
for s in $SCENARIOS; do case "$s" in
  seed) run seed bench/seed_demo.sh "$N" umkm_bench ;;
  rollups) run rollups $PY bench/rollups.py --checkins 30 ;;
  dashboards) run dashboards $PY bench/dashboards_latency.py --requests 100 ;;
  search) run search $PY bench/search_latency.py --queries 450 --clients 4 --seconds 20 --report "$OUT/search_explain.txt" ;;
  export) run export $PY bench/export_stream.py ;;
  import) run import $PY bench/import_100k.py --rows 100000 ;;
  checkin) dropdb --if-exists umkm_bench_checkin; createdb umkm_bench_checkin
           DATABASE_URL=postgres:///umkm_bench_checkin run checkin $PY bench/checkin_latency.py --rounds 3 --checkins 2000
           dropdb --if-exists umkm_bench_checkin ;;
  small) for n in 10000 100000; do
           run "seed_$n" bench/seed_demo.sh "$n" "umkm_bench_$n"
           DATABASE_URL="postgres:///umkm_bench_$n" run "dashboards_$n" $PY bench/dashboards_latency.py --requests 100
           dropdb --if-exists "umkm_bench_$n"; done ;;
  *) echo "unknown scenario $s" >&2; exit 2 ;;
esac; done
echo "all outputs in $OUT"
