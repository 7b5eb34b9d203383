#!/usr/bin/env bash
# A native Hyperledger Fabric network for Civic Ledger, on 127.0.0.1.
#
#   network.sh up     start orderer, three peers and the chaincode services,
#                     create channel `civic`, deploy chaincode `civic`, smoke-test,
#                     write $FABRIC_WORKDIR/network.json
#   network.sh down   stop exactly the processes `up` recorded, remove the work
#                     directory (keep it with --keep or FABRIC_KEEP=1)
#   network.sh status say whether the network in the work directory is running
#   network.sh node stop|start NODE
#                     stop or start one node of the running network, keeping its
#                     data: orderer0, peer0.<org> or chaincode-<org> (org: civil,
#                     charity, audit), the names in the pids directory
#
# Install the binaries first: npm run fabric:install.
set -euo pipefail

# shellcheck source=../../scripts/fabric/common.sh
source "$(dirname "$0")/../../scripts/fabric/common.sh"
# shellcheck source=lib/layout.sh
source "$REPO_ROOT/network/fabric/lib/layout.sh"
# shellcheck source=lib/processes.sh
source "$REPO_ROOT/network/fabric/lib/processes.sh"
# shellcheck source=lib/nodes.sh
source "$REPO_ROOT/network/fabric/lib/nodes.sh"
# shellcheck source=lib/channel.sh
source "$REPO_ROOT/network/fabric/lib/channel.sh"
# shellcheck source=lib/chaincode.sh
source "$REPO_ROOT/network/fabric/lib/chaincode.sh"
# shellcheck source=lib/connection-file.sh
source "$REPO_ROOT/network/fabric/lib/connection-file.sh"

print_parameters() {
  log "$1: Fabric $FABRIC_VERSION network"
  log "  work dir   $WORKDIR"
  log "  channel    $CHANNEL"
  log "  chaincode  $CC_NAME $CC_VERSION (sequence $CC_SEQUENCE), endorsement: channel default MAJORITY Endorsement"
  log "  orderer    $ORDERER_HOST  grpc 127.0.0.1:$ORDERER_PORT  admin :$ORDERER_ADMIN_PORT  operations :$ORDERER_OPS_PORT"
  local org
  for org in "${ORGS[@]}"; do
    log "  $(printf '%-8s' "$org") ${ORG_MSP[$org]}  peer 127.0.0.1:$(peer_port "$org")  chaincode-listen :$(peer_cc_listen_port "$org")  operations :$(peer_ops_port "$org")  chaincode server :$(cc_server_port "$org")"
  done
}

preflight() {
  local bin
  for bin in "${FABRIC_BINARIES[@]}"; do
    [[ -x "$FABRIC_BIN/$bin" ]] || fail "$FABRIC_BIN/$bin is missing; run: npm run fabric:install"
  done
  [[ -d "$(fabric_module_dir)/sampleconfig" ]] \
    || fail "Fabric's sampleconfig is not in the Go module cache ($(fabric_module_dir)); run: npm run fabric:install"
  command -v curl >/dev/null || fail "curl is needed to poll health endpoints; run: npm run fabric:install"
  command -v node >/dev/null || fail "node is needed to run the chaincode service"
  command -v npm >/dev/null || fail "npm is needed to install the chaincode package"
}

build_chaincode() {
  if [[ "${FABRIC_SKIP_BUILD:-}" == 1 ]]; then
    log "FABRIC_SKIP_BUILD=1: using the existing build in dist/"
  else
    log "building (npm run build)"
    (cd "$REPO_ROOT" && npm run --silent build) >"$LOG_DIR/build.log" 2>&1 \
      || { tail -n 20 "$LOG_DIR/build.log" >&2; fail "npm run build failed (log: $LOG_DIR/build.log)"; }
  fi
  install_chaincode_package
}

# Builds the chaincode package (chaincode/) on its own, packs it as npm would
# publish it, and installs the pack with its production dependencies alone in
# $CC_SERVICE_DIR: the chaincode service runs from there, so a dependency the
# package does not declare fails here, not on a department's host.
install_chaincode_package() {
  log "building and installing the chaincode package on its own ($CC_SERVICE_DIR)"
  (cd "$REPO_ROOT" && npm run --silent build -w @civic-ledger/chaincode) >"$LOG_DIR/chaincode-build.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/chaincode-build.log" >&2; fail "the chaincode package did not build (log: $LOG_DIR/chaincode-build.log)"; }
  rm -rf "$CC_SERVICE_DIR"
  mkdir -p "$CC_SERVICE_DIR"
  local tarball
  tarball="$(cd "$REPO_ROOT" && npm pack --silent -w @civic-ledger/chaincode --pack-destination "$CC_SERVICE_DIR" 2>>"$LOG_DIR/chaincode-build.log" | tail -n 1)"
  [[ -f "$CC_SERVICE_DIR/$tarball" ]] || fail "npm pack made no chaincode package (log: $LOG_DIR/chaincode-build.log)"
  printf '{"private":true,"dependencies":{"@civic-ledger/chaincode":"file:./%s"},"allowScripts":{"protobufjs":true}}\n' "$tarball" >"$CC_SERVICE_DIR/package.json"
  (cd "$CC_SERVICE_DIR" && npm install --omit=dev --no-audit --no-fund) >>"$LOG_DIR/chaincode-build.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/chaincode-build.log" >&2; fail "the chaincode package did not install (log: $LOG_DIR/chaincode-build.log)"; }
  [[ -f "$CC_MODULE_DIR/dist/index.js" ]] || fail "$CC_MODULE_DIR/dist/index.js is missing after the install"
  [[ -x "$CC_SERVER_BIN" ]] || fail "$CC_SERVER_BIN is missing after the install"
  local foreign
  for foreign in express preact vite echarts @hyperledger/fabric-gateway; do
    [[ ! -e "$CC_SERVICE_DIR/node_modules/$foreign" ]] || fail "the chaincode package pulled in $foreign, which chaincode does not need"
  done
  log "  installed $(ls "$CC_SERVICE_DIR/node_modules" | wc -l) top-level modules, none of the gateway's or the portal's"
}

# Called on any exit of `up`: if it did not finish, stop what it started.
on_up_exit() {
  local status=$?
  if [[ "${UP_FINISHED:-0}" != 1 ]]; then
    log "up failed; stopping the processes it started (logs kept in $LOG_DIR)"
    stop_recorded_processes || true
    exit "$status"
  fi
}

up() {
  print_parameters up
  preflight
  if network_is_running; then
    log "the network in $WORKDIR is already up (network.json is current); nothing to do"
    log "run 'npm run fabric:down' first for a fresh ledger"
    return 0
  fi
  clear_stale_workdir
  ensure_ports_free
  make_workdir
  trap on_up_exit EXIT
  build_chaincode
  generate_crypto
  generate_genesis_block
  write_orderer_config
  start_orderer
  join_orderer_to_channel
  local org
  for org in "${ORGS[@]}"; do
    write_peer_config "$org"
    start_peer "$org"
  done
  for org in "${ORGS[@]}"; do
    join_peer_to_channel "$org"
  done
  deploy_chaincode
  wait_for_gossip_membership
  smoke_test
  write_connection_file
  UP_FINISHED=1
  log "up: done in $((SECONDS - SCRIPT_STARTED_AT))s; connection file: $CONNECTION_FILE"
}

down() {
  local keep="${FABRIC_KEEP:-0}"
  [[ "${1:-}" == "--keep" ]] && keep=1
  print_parameters down
  if [[ ! -d "$WORKDIR" ]]; then
    log "no work directory at $WORKDIR; nothing to stop"
    return 0
  fi
  stop_recorded_processes
  if [[ "$keep" == 1 ]]; then
    log "keeping $WORKDIR (logs in $LOG_DIR)"
  else
    log "removing $WORKDIR"
    rm -rf "$WORKDIR"
  fi
  log "down: done in $((SECONDS - SCRIPT_STARTED_AT))s"
}

status() {
  if network_is_running; then
    log "up: $WORKDIR (connection file $CONNECTION_FILE)"
  else
    log "not running (work dir $WORKDIR)"
    return 1
  fi
}

# start_node NAME — start one stopped node again, with the config and data `up` left.
start_node() {
  local name="$1" org
  if process_is_running "$name"; then
    log "$name is already running"
    return 0
  fi
  case "$name" in
    orderer0) start_orderer ;;
    peer0.*)
      org="${name#peer0.}"
      [[ -n "${ORG_MSP[$org]:-}" ]] || fail "unknown node $name"
      start_peer "$org"
      ;;
    chaincode-*)
      org="${name#chaincode-}"
      [[ -n "${ORG_MSP[$org]:-}" ]] || fail "unknown node $name"
      PACKAGE_ID[$org]="$(node -p 'require(process.argv[1]).orgs[process.argv[2]].chaincode.packageId' "$CONNECTION_FILE" "$org")"
      start_chaincode_server "$org"
      ;;
    *) fail "unknown node $name; nodes: orderer0, peer0.<org>, chaincode-<org> (org: ${ORGS[*]})" ;;
  esac
}

node_control() {
  local action="${1:-}" name="${2:-}"
  [[ -n "$name" && ( "$action" == stop || "$action" == start ) ]] || fail "usage: network.sh node stop|start <orderer0|peer0.<org>|chaincode-<org>>"
  [[ -f "$CONNECTION_FILE" ]] || fail "no network is up in $WORKDIR (npm run fabric:up)"
  local org known=0
  [[ "$name" == orderer0 ]] && known=1
  for org in "${ORGS[@]}"; do [[ "$name" == "peer0.$org" || "$name" == "chaincode-$org" ]] && known=1; done
  ((known)) || fail "unknown node $name; nodes: orderer0, peer0.<org>, chaincode-<org> (org: ${ORGS[*]})"
  log "node $action $name"
  if [[ "$action" == stop ]]; then stop_process "$name"; else start_node "$name"; fi
  log "node $action $name: done in $((SECONDS - SCRIPT_STARTED_AT))s"
}

# query ORG FUNCTION [ARG...] — evaluates a chaincode function with Fabric's own
# peer CLI, as ORG's admin on ORG's peer, and prints what the peer answers: an
# operator's way to read the ledger with no gateway in between.
query_as_admin() {
  local org="${1:-}" fn="${2:-}"
  [[ -n "$org" && -n "$fn" ]] || fail "usage: network.sh query <org> <contract:Function> [arg...]"
  shift 2
  [[ -n "${ORG_MSP[$org]:-}" ]] || fail "unknown org '$org'; orgs: ${ORGS[*]}"
  [[ -f "$CONNECTION_FILE" ]] || fail "no network is up in $WORKDIR (npm run fabric:up)"
  local args
  args=$(node -e 'process.stdout.write(JSON.stringify({ Args: process.argv.slice(1) }))' "$fn" "$@")
  as_admin "$org" "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" -n "$CC_NAME" -c "$args"
}

main() {
  local verb="${1:-}"
  shift || true
  case "$verb" in
    up) up "$@" ;;
    down) down "$@" ;;
    status) status "$@" ;;
    node) node_control "$@" ;;
    query) query_as_admin "$@" ;;
    *) fail "usage: network.sh up | down [--keep] | status | node stop|start <node> | query <org> <contract:Function> [arg...]" ;;
  esac
}

main "$@"
