# Crypto material, node configuration and node start-up (sourced by network.sh).

generate_crypto() {
  log "generating certificates and keys (cryptogen, network/fabric/crypto-config.yaml)"
  "$FABRIC_BIN/cryptogen" generate --config "$REPO_ROOT/network/fabric/crypto-config.yaml" --output "$CRYPTO_DIR" \
    >"$LOG_DIR/cryptogen.log" 2>&1 || { log_tail cryptogen; fail "cryptogen generate failed"; }
}

sampleconfig() { echo "$(fabric_module_dir)/sampleconfig/$1"; }

write_orderer_config() {
  local dir
  dir="$(orderer_node_dir)"
  mkdir -p "$dir/config" "$dir/data"
  cp "$(sampleconfig orderer.yaml)" "$dir/config/orderer.yaml"
  log "wrote $dir/config/orderer.yaml (Fabric's sampleconfig; settings come from ORDERER_* variables)"
}

# The orderer keeps sampleconfig's orderer.yaml and takes every setting that
# differs from it here, so the whole node is described in one place.
orderer_env() {
  local tls admin_tls data
  tls="$(orderer_crypto_dir)/tls"
  admin_tls="$(orderer_admin_tls_dir)"
  data="$(orderer_node_dir)/data"
  cat <<EOF
FABRIC_CFG_PATH=$(orderer_node_dir)/config
FABRIC_LOGGING_SPEC=${FABRIC_LOGGING_SPEC:-INFO}
FABRIC_LOGGING_FORMAT=$LOG_FORMAT
ORDERER_GENERAL_LISTENADDRESS=127.0.0.1
ORDERER_GENERAL_LISTENPORT=$ORDERER_PORT
ORDERER_GENERAL_LOCALMSPID=$ORDERER_MSP
ORDERER_GENERAL_LOCALMSPDIR=$(orderer_crypto_dir)/msp
ORDERER_GENERAL_TLS_ENABLED=true
ORDERER_GENERAL_TLS_CERTIFICATE=$tls/server.crt
ORDERER_GENERAL_TLS_PRIVATEKEY=$tls/server.key
ORDERER_GENERAL_TLS_ROOTCAS=[$tls/ca.crt]
ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=$tls/server.crt
ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=$tls/server.key
ORDERER_GENERAL_CLUSTER_ROOTCAS=[$tls/ca.crt]
ORDERER_GENERAL_BOOTSTRAPMETHOD=none
ORDERER_CHANNELPARTICIPATION_ENABLED=true
ORDERER_ADMIN_LISTENADDRESS=127.0.0.1:$ORDERER_ADMIN_PORT
ORDERER_ADMIN_TLS_ENABLED=true
ORDERER_ADMIN_TLS_CERTIFICATE=$tls/server.crt
ORDERER_ADMIN_TLS_PRIVATEKEY=$tls/server.key
ORDERER_ADMIN_TLS_ROOTCAS=[$tls/ca.crt]
ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
ORDERER_ADMIN_TLS_CLIENTROOTCAS=[$admin_tls/ca.crt]
ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:$ORDERER_OPS_PORT
ORDERER_METRICS_PROVIDER=prometheus
ORDERER_FILELEDGER_LOCATION=$data/ledger
ORDERER_CONSENSUS_WALDIR=$data/etcdraft/wal
ORDERER_CONSENSUS_SNAPDIR=$data/etcdraft/snapshot
EOF
}

start_orderer() {
  local env_args
  mapfile -t env_args < <(orderer_env)
  start_process orderer0 env "${env_args[@]}" "$FABRIC_BIN/orderer"
  wait_healthy orderer0 "$ORDERER_OPS_PORT"
}

# The peer's core.yaml is Fabric's sampleconfig with two edits that
# environment variables cannot make: no Docker endpoint (the health check
# would fail without a Docker daemon) and our chaincode-as-a-service builder
# in place of the one sampleconfig expects under /opt/hyperledger.
write_peer_config() {
  local org="$1" dir config
  dir="$(peer_node_dir "$org")"
  config="$dir/config/core.yaml"
  mkdir -p "$dir/config" "$dir/data" "$dir/snapshots"
  sed \
    -e 's#^\(    endpoint:\) unix:///var/run/docker.sock$#\1 ""#' \
    -e 's#^\(       - name:\) ccaas_builder$#\1 civic-ccaas#' \
    -e "s#^\\(         path:\\) /opt/hyperledger/ccaas_builder\$#\\1 $CCAAS_BUILDER_DIR#" \
    "$(sampleconfig core.yaml)" >"$config"
  grep -q '^    endpoint: ""$' "$config" || fail "could not blank vm.endpoint in $config (sampleconfig changed?)"
  grep -qF "path: $CCAAS_BUILDER_DIR" "$config" || fail "could not set chaincode.externalBuilders in $config (sampleconfig changed?)"
  log "wrote $config (sampleconfig, vm.endpoint blank, external builder $CCAAS_BUILDER_DIR)"
}

# Everything else that differs from sampleconfig's core.yaml.
peer_env() {
  local org="$1" crypto node port
  crypto="$(peer_crypto_dir "$org")"
  node="$(peer_node_dir "$org")"
  port="$(peer_port "$org")"
  cat <<EOF
FABRIC_CFG_PATH=$node/config
FABRIC_LOGGING_SPEC=${FABRIC_LOGGING_SPEC:-INFO}
FABRIC_LOGGING_FORMAT=$LOG_FORMAT
CORE_PEER_ID=$(peer_host "$org")
CORE_PEER_NETWORKID=civic
CORE_PEER_LISTENADDRESS=127.0.0.1:$port
CORE_PEER_ADDRESS=127.0.0.1:$port
CORE_PEER_CHAINCODELISTENADDRESS=127.0.0.1:$(peer_cc_listen_port "$org")
CORE_PEER_CHAINCODEADDRESS=127.0.0.1:$(peer_cc_listen_port "$org")
CORE_PEER_GOSSIP_BOOTSTRAP=127.0.0.1:$port
CORE_PEER_GOSSIP_EXTERNALENDPOINT=127.0.0.1:$port
CORE_PEER_GOSSIP_RECONNECTINTERVAL=${FABRIC_GOSSIP_RECONNECT:-2s}
CORE_PEER_LOCALMSPID=${ORG_MSP[$org]}
CORE_PEER_MSPCONFIGPATH=$crypto/msp
CORE_PEER_TLS_ENABLED=true
CORE_PEER_TLS_CERT_FILE=$crypto/tls/server.crt
CORE_PEER_TLS_KEY_FILE=$crypto/tls/server.key
CORE_PEER_TLS_ROOTCERT_FILE=$crypto/tls/ca.crt
CORE_PEER_FILESYSTEMPATH=$node/data
CORE_LEDGER_SNAPSHOTS_ROOTDIR=$node/snapshots
CORE_OPERATIONS_LISTENADDRESS=127.0.0.1:$(peer_ops_port "$org")
CORE_METRICS_PROVIDER=prometheus
EOF
}

start_peer() {
  local org="$1" env_args
  mapfile -t env_args < <(peer_env "$org")
  start_process "peer0.$org" env "${env_args[@]}" "$FABRIC_BIN/peer" node start
  wait_healthy "peer0.$org" "$(peer_ops_port "$org")"
}

# as_admin ORG COMMAND... — run a peer CLI command as ORG's admin against ORG's peer.
as_admin() {
  local org="$1"
  shift
  env \
    FABRIC_CFG_PATH="$(peer_node_dir "$org")/config" \
    FABRIC_LOGGING_SPEC=WARN \
    FABRIC_LOGGING_FORMAT="$LOG_FORMAT" \
    CORE_PEER_LOCALMSPID="${ORG_MSP[$org]}" \
    CORE_PEER_MSPCONFIGPATH="$(admin_msp "$org")" \
    CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$org")" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_ROOTCERT_FILE="$(peer_tls_ca "$org")" \
    "$@"
}

# cli DESCRIPTION COMMAND... — run a CLI step, its output to logs/cli.log;
# on failure show that output and stop with one line.
cli() {
  local what="$1"
  shift
  {
    echo "== $what"
    echo "\$ $*"
  } >>"$LOG_DIR/cli.log"
  local out
  if ! out="$("$@" 2>&1)"; then
    echo "$out" >>"$LOG_DIR/cli.log"
    echo "$out" | tail -n 15 >&2
    fail "$what failed (log: $LOG_DIR/cli.log)"
  fi
  echo "$out" >>"$LOG_DIR/cli.log"
  CLI_OUTPUT="$out"
}
