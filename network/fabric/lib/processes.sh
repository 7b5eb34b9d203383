# Starting, watching and stopping the network's processes (sourced by network.sh).
#
# Every process `up` starts is recorded in $PID_DIR/<name>.pid and carries
# CIVIC_FABRIC_NODE=<work dir>#<name> in its environment. `down` stops a
# recorded PID only while that marker is still in /proc/<pid>/environ, so a
# PID the kernel has since given to another program is never signalled.

process_marker() { echo "$WORKDIR#$1"; }

# start_process NAME COMMAND... — run in the background, log to $LOG_DIR/NAME.log.
start_process() {
  local name="$1"
  shift
  CIVIC_FABRIC_NODE="$(process_marker "$name")" nohup "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$PID_DIR/$name.pid"
  log "started $name (pid $!, log $LOG_DIR/$name.log)"
}

# is_our_process NAME PID — true while PID is alive and is the process we started as NAME.
is_our_process() {
  local marker environ
  marker="CIVIC_FABRIC_NODE=$(process_marker "$1")"
  environ="$( { tr '\0' '\n' <"/proc/$2/environ"; } 2>/dev/null)" || return 1
  grep -qxF "$marker" <<<"$environ"
}

recorded_pid() { cat "$PID_DIR/$1.pid" 2>/dev/null || true; }

process_is_running() {
  local pid
  pid="$(recorded_pid "$1")"
  [[ -n "$pid" ]] && is_our_process "$1" "$pid"
}

log_tail() {
  echo "---- last lines of $LOG_DIR/$1.log ----" >&2
  tail -n "${2:-20}" "$LOG_DIR/$1.log" >&2 || true
  echo "----" >&2
}

# wait_until DESCRIPTION SECONDS PROCESS_NAME COMMAND... — poll COMMAND every
# half second; fail early if PROCESS_NAME (when not "-") has died.
wait_until() {
  local what="$1" timeout="$2" name="$3"
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    # kill -0 rather than the environment marker: a process started a moment ago may not have exec'd
    # yet, so its environment is still the shell's, and only the PID tells that it is alive.
    if [[ "$name" != - ]] && ! kill -0 "$(recorded_pid "$name")" 2>/dev/null; then
      log_tail "$name"
      fail "$name exited while waiting for $what"
    fi
    if ((SECONDS >= deadline)); then
      [[ "$name" != - ]] && log_tail "$name"
      fail "timed out after ${timeout}s waiting for $what"
    fi
    sleep 0.5
  done
}

http_ok() { curl -fsS --max-time 2 "$1"; }

# wait_healthy NAME OPERATIONS_PORT — Fabric's operations /healthz answers 200 when the node is up.
wait_healthy() {
  wait_until "$1 /healthz on :$2" 60 "$1" http_ok "http://127.0.0.1:$2/healthz"
  log "$1 is healthy (http://127.0.0.1:$2/healthz)"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_listening() {
  wait_until "$1 to listen on :$2" 30 "$1" port_in_use "$2"
}

ensure_ports_free() {
  local port busy=()
  for port in $(all_ports); do
    port_in_use "$port" && busy+=("$port")
  done
  ((${#busy[@]} == 0)) || fail "ports already in use on 127.0.0.1: ${busy[*]} (another network, or another service; see 'ss -ltnp')"
  log "ports free: $(all_ports | xargs)"
}

# stop_process NAME — SIGTERM, then SIGKILL after 10 s; only if it is still ours.
stop_process() {
  local name="$1" pid
  pid="$(recorded_pid "$name")"
  if [[ -z "$pid" ]] || ! is_our_process "$name" "$pid"; then
    log "$name is not running"
    rm -f "$PID_DIR/$name.pid"
    return 0
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while is_our_process "$name" "$pid"; do
    if ((SECONDS >= deadline)); then
      log "$name did not stop in 10s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_DIR/$name.pid"
}

# Stops chaincode servers first, then peers, then the orderer: each stops
# while what it talks to is still up, so logs show no spurious errors.
stop_recorded_processes() {
  [[ -d "$PID_DIR" ]] || return 0
  local file name names=()
  for file in "$PID_DIR"/chaincode-*.pid "$PID_DIR"/peer*.pid "$PID_DIR"/orderer*.pid; do
    [[ -f "$file" ]] || continue
    name="$(basename "$file" .pid)"
    names+=("$name")
  done
  for name in "${names[@]}"; do
    stop_process "$name"
  done
}

recorded_process_names() {
  local file
  for file in "$PID_DIR"/*.pid; do
    [[ -f "$file" ]] && basename "$file" .pid
  done
}

# The network is up when `up` finished (network.json exists) and every
# process it recorded is still running.
network_is_running() {
  [[ -f "$CONNECTION_FILE" && -d "$PID_DIR" ]] || return 1
  local name count=0
  for name in $(recorded_process_names); do
    process_is_running "$name" || return 1
    count=$((count + 1))
  done
  ((count > 0))
}

# A work directory left by a failed or half-stopped run: stop whatever of it
# still runs, then start from nothing.
clear_stale_workdir() {
  [[ -e "$WORKDIR" ]] || return 0
  log "removing the previous work directory $WORKDIR (its network is not running)"
  stop_recorded_processes
  rm -rf "$WORKDIR"
}
