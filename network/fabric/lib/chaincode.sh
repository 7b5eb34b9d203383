# Chaincode `civic` as a service: package, install, run, approve, commit,
# smoke-test (sourced by network.sh).
#
# Each org runs its own chaincode server beside its peer, as each department
# would, so each org installs its own package (its connection.json names its
# own server) and approves the same definition with its own package ID.

declare -A PACKAGE_ID=()

ORDERER_ARGS=(-o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$(orderer_tls_ca)")

# --peerAddresses/--tlsRootCertFiles for every org's peer.
ALL_PEER_ARGS=()
for _org in "${ORGS[@]}"; do
  ALL_PEER_ARGS+=(--peerAddresses "127.0.0.1:$(peer_port "$_org")" --tlsRootCertFiles "$(peer_tls_ca "$_org")")
done
unset _org

# connection.json tells the peer where the chaincode server listens. The
# server presents its peer's TLS certificate (it names 127.0.0.1), so the
# peer checks it against its org's TLS CA.
write_connection_json() {
  local org="$1" out="$2"
  ADDRESS="127.0.0.1:$(cc_server_port "$org")" ROOT_CERT_FILE="$(peer_tls_ca "$org")" node -e '
    const fs = require("fs");
    const connection = {
      address: process.env.ADDRESS,
      dial_timeout: "10s",
      tls_required: true,
      client_auth_required: false,
      root_cert: fs.readFileSync(process.env.ROOT_CERT_FILE, "utf8"),
    };
    fs.writeFileSync(process.argv[1], JSON.stringify(connection, null, 2) + "\n");
  ' "$out"
}

package_chaincode() {
  local org="$1" dir="$PACKAGE_DIR/$1"
  mkdir -p "$dir/code"
  write_connection_json "$org" "$dir/code/connection.json"
  printf '{"type":"ccaas","label":"%s"}\n' "$CC_LABEL" >"$dir/metadata.json"
  tar -C "$dir/code" -czf "$dir/code.tar.gz" connection.json
  tar -C "$dir" -czf "$dir/$CC_LABEL.tar.gz" metadata.json code.tar.gz
  log "packaged $CC_LABEL for $org (type ccaas, server 127.0.0.1:$(cc_server_port "$org"))"
}

install_chaincode() {
  local org="$1" pkg="$PACKAGE_DIR/$1/$CC_LABEL.tar.gz"
  log "installing $CC_LABEL on peer0.$org (external builder civic-ccaas)"
  cli "peer0.$org chaincode install" as_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode install "$pkg"
  cli "calculate package id ($org)" as_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid "$pkg"
  PACKAGE_ID[$org]="$CLI_OUTPUT"
  log "  package id ${PACKAGE_ID[$org]}"
}

start_chaincode_server() {
  local org="$1" tls
  tls="$(peer_crypto_dir "$org")/tls"
  # fabric-shim logs every transaction at INFO; WARNING keeps errors and saves the formatting.
  start_process "chaincode-$org" env CORE_CHAINCODE_LOGGING_LEVEL="${CHAINCODE_LOGGING_LEVEL:-WARNING}" "$CC_SERVER_BIN" server \
    --chaincode-address "127.0.0.1:$(cc_server_port "$org")" \
    --chaincode-id "${PACKAGE_ID[$org]}" \
    --module-path "$CC_MODULE_DIR" \
    --chaincode-tls-cert-file "$tls/server.crt" \
    --chaincode-tls-key-file "$tls/server.key"
  wait_listening "chaincode-$org" "$(cc_server_port "$org")"
}

# No --signature-policy: the definition takes the channel's default,
# /Channel/Application/Endorsement (MAJORITY Endorsement).
approve_chaincode() {
  local org="$1"
  log "approving $CC_NAME $CC_VERSION sequence $CC_SEQUENCE for ${ORG_MSP[$org]}"
  cli "approveformyorg ($org)" as_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode approveformyorg \
    "${ORDERER_ARGS[@]}" --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" \
    --sequence "$CC_SEQUENCE" --package-id "${PACKAGE_ID[$org]}" --waitForEventTimeout 60s
}

commit_chaincode() {
  log "committing $CC_NAME $CC_VERSION sequence $CC_SEQUENCE on $CHANNEL (endorsed by all three peers)"
  cli "chaincode commit" as_admin civil "$FABRIC_BIN/peer" lifecycle chaincode commit \
    "${ORDERER_ARGS[@]}" --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" \
    --sequence "$CC_SEQUENCE" "${ALL_PEER_ARGS[@]}" --waitForEventTimeout 60s
}

check_committed() {
  local org
  for org in "${ORGS[@]}"; do
    cli "querycommitted ($org)" as_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted \
      --channelID "$CHANNEL" --name "$CC_NAME" --output json
    grep -qF "\"sequence\":$CC_SEQUENCE,\"version\":\"$CC_VERSION\"" <<<"$(tr -d ' \t\n' <<<"$CLI_OUTPUT")" \
      || fail "peer0.$org does not report $CC_NAME $CC_VERSION sequence $CC_SEQUENCE as committed: $CLI_OUTPUT"
  done
  log "querycommitted: $CC_NAME $CC_VERSION sequence $CC_SEQUENCE is committed on every peer"
}

deploy_chaincode() {
  local org
  for org in "${ORGS[@]}"; do
    package_chaincode "$org"
    install_chaincode "$org"
    start_chaincode_server "$org"
  done
  for org in "${ORGS[@]}"; do
    approve_chaincode "$org"
  done
  commit_chaincode
  check_committed
}

# A query through every org's peer (so every chaincode server answers), and an
# invoke the chaincode must refuse: a cryptogen admin has no `role` attribute.
# Nothing is written, so the ledger stays empty for the tests that follow.
smoke_test() {
  local org expected='{"items":[]}'
  for org in "${ORGS[@]}"; do
    cli "query types:ListTypes on peer0.$org" as_admin "$org" "$FABRIC_BIN/peer" chaincode query \
      -C "$CHANNEL" -n "$CC_NAME" -c '{"Args":["types:ListTypes"]}'
    [[ "$CLI_OUTPUT" == "$expected" ]] || fail "types:ListTypes on peer0.$org returned '$CLI_OUTPUT', expected '$expected'"
  done
  log "smoke: types:ListTypes returns $expected on all three peers"

  local out
  if out="$(as_admin civil "$FABRIC_BIN/peer" chaincode invoke "${ORDERER_ARGS[@]}" -C "$CHANNEL" -n "$CC_NAME" \
    "${ALL_PEER_ARGS[@]}" -c '{"Args":["types:RegisterType","{}"]}' 2>&1)"; then
    fail "smoke: types:RegisterType by an admin without role=registrar was accepted: $out"
  fi
  echo "$out" >>"$LOG_DIR/cli.log"
  [[ "$out" == *FORBIDDEN* ]] || fail "smoke: types:RegisterType failed, but not with FORBIDDEN: $(echo "$out" | tail -n 3)"
  log "smoke: types:RegisterType without role=registrar is refused by the chaincode with FORBIDDEN"
}
