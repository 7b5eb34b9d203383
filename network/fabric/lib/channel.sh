# The application channel, without a system channel (sourced by network.sh).

GENESIS_BLOCK="$CHANNEL_DIR/$CHANNEL.block"

generate_genesis_block() {
  log "writing the genesis block of channel $CHANNEL (configtxgen, profile CivicChannel)"
  cp "$REPO_ROOT/network/fabric/configtx.yaml" "$WORKDIR/configtx.yaml"
  FABRIC_CFG_PATH="$WORKDIR" "$FABRIC_BIN/configtxgen" \
    -profile CivicChannel -channelID "$CHANNEL" -outputBlock "$GENESIS_BLOCK" \
    >"$LOG_DIR/configtxgen.log" 2>&1 || { log_tail configtxgen; fail "configtxgen -outputBlock failed"; }
}

osnadmin() {
  local tls
  tls="$(orderer_admin_tls_dir)"
  "$FABRIC_BIN/osnadmin" channel "$@" -o "127.0.0.1:$ORDERER_ADMIN_PORT" \
    --ca-file "$(orderer_tls_ca)" --client-cert "$tls/client.crt" --client-key "$tls/client.key"
}

# metric_equals URL NAME{LABELS} VALUE — true when the Prometheus text at URL has that sample.
metric_equals() {
  local metrics
  metrics="$(curl -fsS --max-time 2 "$1")" || return 1
  grep -qxF "$2 $3" <<<"$metrics"
}

raft_leader_elected() {
  metric_equals "http://127.0.0.1:$ORDERER_OPS_PORT/metrics" "consensus_etcdraft_is_leader{channel=\"$CHANNEL\"}" 1
}

join_orderer_to_channel() {
  log "joining orderer0 to channel $CHANNEL (osnadmin channel join, channel participation API)"
  cli "osnadmin channel join" osnadmin join --channelID "$CHANNEL" --config-block "$GENESIS_BLOCK"
  wait_until "a Raft leader on channel $CHANNEL" 60 orderer0 raft_leader_elected
  log "orderer0 leads channel $CHANNEL"
}

join_peer_to_channel() {
  local org="$1"
  log "joining peer0.$org to channel $CHANNEL (peer channel join with the genesis block)"
  cli "peer0.$org channel join" as_admin "$org" "$FABRIC_BIN/peer" channel join -b "$GENESIS_BLOCK"
}

gossip_peers_known() {
  metric_equals "http://127.0.0.1:$(peer_ops_port "$1")/metrics" \
    "gossip_membership_total_peers_known{channel=\"$CHANNEL\"}" $((${#ORGS[@]} - 1))
}

# The peers' Gateway service plans endorsements from discovery, which knows
# only the peers gossip has found: wait until each peer sees all the others.
wait_for_gossip_membership() {
  local org
  for org in "${ORGS[@]}"; do
    wait_until "peer0.$org to see the other peers through gossip" 60 "peer0.$org" gossip_peers_known "$org"
  done
  log "every peer sees the other $((${#ORGS[@]} - 1)) through gossip (anchor peers from the genesis block)"
}
