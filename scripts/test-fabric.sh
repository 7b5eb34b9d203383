#!/usr/bin/env bash
# The conformance suite on a real Fabric network: install the binaries
# (cached), start the network, run the suite with the fabric backend, and
# stop the network whether the suite passed or not.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
echo "test:fabric: install Fabric binaries (cached after the first run)"
npm run --silent fabric:install
echo "test:fabric: build"
npm run --silent build

stop() {
  status=$?
  echo "test:fabric: stopping the network"
  npm run --silent fabric:down || true
  echo "test:fabric: finished in $(( $(date +%s) - started )) s with status $status"
  exit $status
}
trap stop EXIT

echo "test:fabric: start the network"
FABRIC_SKIP_BUILD=1 npm run --silent fabric:up
echo "test:fabric: conformance suite against Fabric"
npx mocha --config .mocharc.fabric.json
echo "test:fabric: the README's Fabric path, on a data directory the embedded ledger used first"
bash scripts/test-readme.sh fabric
