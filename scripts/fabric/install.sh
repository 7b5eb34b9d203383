#!/usr/bin/env bash
# npm run fabric:install — build Fabric's binaries from the Go module proxy at
# the pinned version into .cache/fabric/<version>/bin. Idempotent.
set -euo pipefail
source "$(dirname "$0")/common.sh"

print_parameters() {
  log "install Fabric $FABRIC_VERSION"
  log "  module   $FABRIC_MODULE@$FABRIC_MODULE_VERSION"
  log "  binaries ${FABRIC_BINARIES[*]}"
  log "  into     $FABRIC_BIN"
}

require_tools() {
  command -v go >/dev/null || fail "go is not on PATH; Fabric is built from source with go install"
  log "using $(go version)"
}

installed_version_matches() {
  local bin
  for bin in "${FABRIC_BINARIES[@]}"; do
    [[ -x "$FABRIC_BIN/$bin" ]] || return 1
  done
  local reported
  reported="$("$FABRIC_BIN/peer" version 2>/dev/null)" || return 1
  grep -qx " Version: $FABRIC_VERSION" <<<"$reported"
}

# `go install pkg@version` looks up every path prefix of pkg as a candidate
# module, and the proxy answers 403 (not 404) for github.com/hyperledger/fabric/cmd/peer,
# which go treats as fatal. So we build from a throwaway module that requires
# Fabric at the pinned version: packages then resolve from its build list with
# no prefix look-ups, and Fabric's own go.mod still decides every dependency.
write_build_module() {
  cat >"$FABRIC_HOME/build/go.mod" <<MOD
module civicledger.local/fabric-build

go 1.26

require $FABRIC_MODULE $FABRIC_MODULE_VERSION
MOD
  cat >"$FABRIC_HOME/build/go.sum" <<SUM
$FABRIC_MODULE $FABRIC_MODULE_VERSION $FABRIC_MODULE_SUM
$FABRIC_MODULE $FABRIC_MODULE_VERSION/go.mod $FABRIC_MODULE_GOMOD_SUM
SUM
}

build_binaries() {
  local packages=() bin
  for bin in "${FABRIC_BINARIES[@]}"; do
    packages+=("$FABRIC_MODULE/cmd/$bin")
  done
  mkdir -p "$FABRIC_HOME/build"
  write_build_module
  log "go install (one invocation, CGO_ENABLED=0); the first run downloads and compiles for several minutes"
  (
    cd "$FABRIC_HOME/build" || exit 1
    CGO_ENABLED=0 GOBIN="$FABRIC_BIN" GOFLAGS="-mod=mod -trimpath -buildvcs=false" \
      go install -v \
        -ldflags "-X $FABRIC_MODULE/common/metadata.Version=$FABRIC_VERSION -X $FABRIC_MODULE/common/metadata.CommitSHA=$FABRIC_COMMIT" \
        "${packages[@]}" 2>&1 | progress_filter
  ) || fail "go install failed (see the lines above)"
}

# `go install -v` names every package it compiles; show one line in twenty-five
# so a slow first build visibly moves without flooding the terminal.
progress_filter() {
  local n=0 line
  while IFS= read -r line; do
    n=$((n + 1))
    if [[ "$line" == *": "* ]]; then
      log "  $line"
    elif (( n % 25 == 0 )); then
      log "  compiled $n packages (now: $line)"
    fi
  done
  if (( n == 0 )); then
    log "  nothing to compile: every package came from Go's build cache, the binaries were only linked"
  else
    log "  compiled $n packages"
  fi
}

verify() {
  installed_version_matches || fail "built binaries in $FABRIC_BIN do not report version $FABRIC_VERSION"
  log "$("$FABRIC_BIN/peer" version | tr '\n' ' ' | sed 's/  */ /g')"
}

# network.sh reads sampleconfig (core.yaml, orderer.yaml) from the module
# cache; fetch the module again if the cache was cleaned after a build.
ensure_sampleconfig() {
  [[ -f "$(fabric_module_dir)/sampleconfig/core.yaml" ]] && return 0
  log "downloading the Fabric module for its sampleconfig"
  require_tools
  mkdir -p "$FABRIC_HOME/build"
  write_build_module
  (cd "$FABRIC_HOME/build" && GOFLAGS=-mod=mod go list -find "$FABRIC_MODULE/common/metadata" >/dev/null) \
    || fail "could not download $FABRIC_MODULE@$FABRIC_MODULE_VERSION"
}

# curl polls the nodes' health endpoints; the machine image has it, a slimmer one may not.
ensure_curl() {
  command -v curl >/dev/null && return 0
  log "installing curl (apt-get)"
  { apt-get update -qq && apt-get install -y -qq curl >/dev/null; } || fail "apt-get install curl failed"
}

main() {
  print_parameters
  ensure_curl
  if installed_version_matches; then
    log "already installed: $FABRIC_BIN ($("$FABRIC_BIN/peer" version | grep Version: | xargs))"
  else
    require_tools
    mkdir -p "$FABRIC_BIN"
    build_binaries
    verify
    log "installed Fabric $FABRIC_VERSION in $FABRIC_BIN"
  fi
  ensure_sampleconfig
}

main "$@"
