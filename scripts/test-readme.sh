#!/usr/bin/env bash
# npm run test:readme [-- fabric]: follow the README as a newcomer would, on a
# clean clone, with the commands taken from the README itself (the blocks
# marked <!-- readme-test: NAME -->), so the README cannot drift from what works.
#   embedded: `npm ci && npm start`, then the certificate, donation and portal examples.
#   fabric:   the same, then, on the same ./data, `CIVIC_LEDGER=fabric npm start`
#             against the running network (npm run fabric:up) and the certificate
#             example again. test:fabric runs this mode.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-embedded}"
[[ "$mode" == embedded || "$mode" == fabric ]] || { echo "test:readme: mode must be embedded or fabric, got '$mode'" >&2; exit 2; }
started=$(date +%s)
say() { echo "test:readme [$(( $(date +%s) - started ))s] $*"; }
fail() { say "FAILED: $*"; exit 1; }

work="$(mktemp -d)"
service=""
stop_service() {
  if [[ -n "$service" ]] && kill -0 "$service" 2>/dev/null; then
    kill -TERM -- "-$service" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$service" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$service" 2>/dev/null || true
  fi
  service=""
}
cleanup() {
  status=$?
  stop_service
  rm -rf "$work"
  say "finished with status $status"
}
trap cleanup EXIT

# The text of the fenced block after <!-- readme-test: NAME -->.
block() {
  node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    const at = text.indexOf(`<!-- readme-test: ${process.argv[2]} -->`);
    if (at < 0) { console.error(`README has no block ${process.argv[2]}`); process.exit(1); }
    const m = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
    if (!m) { console.error(`no sh block after ${process.argv[2]}`); process.exit(1); }
    process.stdout.write(m[1]);
  ' "$repo/README.md" "$1"
}

# Runs a start block in the background (its own process group) and waits until the service listens.
start() {
  local name="$1" log="$work/$1.log" cmd
  cmd="$(block "$name")"
  say "$name: $cmd"
  setsid bash -c "$cmd" >"$log" 2>&1 &
  service=$!
  for _ in $(seq 600); do
    grep -q 'listening on' "$log" && { say "$name: $(grep 'listening on' "$log")"; return 0; }
    kill -0 "$service" 2>/dev/null || { cat "$log"; fail "$name exited before listening"; }
    sleep 0.5
  done
  cat "$log"
  fail "$name did not listen within 300 s"
}

# Runs an example block as written and checks its output.
example() {
  local name="$1" out
  say "$name: running the README block"
  out="$(bash -euo pipefail -c "$(block "$name")" 2>&1)" || { echo "$out"; fail "$name exited non-zero"; }
  shift
  for want in "$@"; do
    grep -qF -- "$want" <<<"$out" || { echo "$out"; fail "$name: output lacks $want"; }
  done
  say "$name: ok"
}

say "clone $repo (committed state) into a fresh folder"
git clone -q "$repo" "$work/clone"
cd "$work/clone"

start start
example certificate '"status":"ok"' '"valid":true'
example donations '"creditCode":"53100000500021676K"' '"allocations":[' '"sources":[' '"findings":'
example portal '<html lang="zh-CN">'
stop_service
[[ -z "$(git status --porcelain)" ]] || { git status --porcelain; fail "following the README left files git shows"; }
say "git status is clean after the embedded path"

if [[ "$mode" == fabric ]]; then
  network_file="${FABRIC_NETWORK_FILE:-$repo/.cache/fabric-net/orgs/civil.json}"
  [[ -f "$network_file" ]] || fail "no Fabric network: $network_file is missing (npm run fabric:up)"
  export FABRIC_NETWORK_FILE="$network_file"
  start fabric-start
  grep -q '"ledger":"fabric"' "$work/fabric-start.log" || fail "the gateway did not start on Fabric"
  example certificate '"backend":"fabric"' '"valid":true'
  stop_service
  [[ -z "$(git status --porcelain)" ]] || { git status --porcelain; fail "following the README left files git shows"; }
fi
