#!/usr/bin/env bash
# Keep a few processes up: supervise.sh LOG_DIR NAME COMMAND [NAME COMMAND ...]
# Each COMMAND runs with `bash -c "exec COMMAND"`, its output appended to LOG_DIR/NAME.log.
# When one stops, this says which, with its exit status and the last LOG_TAIL lines of its log,
# and starts it again while the others keep running. A process that stops more than
# RESTART_LIMIT times within RESTART_WINDOW seconds stops everything (exit 1). TERM/INT stop all (exit 0).
set -euo pipefail
RESTART_LIMIT="${RESTART_LIMIT:-5}"
RESTART_WINDOW="${RESTART_WINDOW:-300}"
LOG_TAIL="${LOG_TAIL:-20}"
log_dir=$1
shift
declare -A command_of=() pid_of=() started_at=()
declare -a order=() restarts=()
while (($# >= 2)); do
  command_of[$1]=$2
  order+=("$1")
  shift 2
done
mkdir -p "$log_dir"

start() {
  local name=$1
  bash -c "exec ${command_of[$name]}" >>"$log_dir/$name.log" 2>&1 &
  pid_of[$name]=$!
  started_at[$name]=$(date +%s)
}

stop_all() {
  trap - EXIT INT TERM
  for name in "${!pid_of[@]}"; do kill "${pid_of[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 0' INT TERM

for name in "${order[@]}"; do
  : >"$log_dir/$name.log"
  start "$name"
done

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
    echo "Last $LOG_TAIL lines of $log_dir/$name.log:"
    tail -n "$LOG_TAIL" "$log_dir/$name.log" | sed 's/^/    /'
  } >&2
  recent=()
  for entry in "${restarts[@]+"${restarts[@]}"}"; do
    ((now - ${entry##*:} < RESTART_WINDOW)) && recent+=("$entry")
  done
  restarts=("${recent[@]+"${recent[@]}"}" "$name:$now")
  count=0
  for entry in "${restarts[@]}"; do [[ "${entry%:*}" == "$name" ]] && count=$((count + 1)); done
  if ((count > RESTART_LIMIT)); then
    echo "make run: the $name stopped $count times within $RESTART_WINDOW s; stopping the platform. See $log_dir/$name.log." >&2
    exit 1
  fi
  echo "make run: restarting the $name (the other processes keep running)." >&2
  start "$name"
done
