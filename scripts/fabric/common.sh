# Shared helpers for scripts/fabric/*.sh (sourced, not run).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=versions.sh
source "$REPO_ROOT/scripts/fabric/versions.sh"

FABRIC_HOME="${FABRIC_HOME:-$REPO_ROOT/.cache/fabric/$FABRIC_VERSION}"
FABRIC_BIN="$FABRIC_HOME/bin"
FABRIC_BINARIES=(peer orderer configtxgen cryptogen osnadmin)

SCRIPT_STARTED_AT=$SECONDS

log() { printf '[fabric %4ds] %s\n' "$((SECONDS - SCRIPT_STARTED_AT))" "$*"; }
fail() { printf '[fabric] ERROR: %s\n' "$*" >&2; exit 1; }

# Where `go install` put the Fabric module's source, for sampleconfig.
fabric_module_dir() {
  echo "$(go env GOMODCACHE)/$FABRIC_MODULE@$FABRIC_MODULE_VERSION"
}
