# The connection files (sourced by network.sh); their shape is documented in
# network/fabric/README.md.
#   orgs/<org>.json  what one org's gateway needs: every peer's and the orderer's
#                    address and TLS CA, and the private keys of that org only.
#   network.json     the same for tools, with no private key at all.

# connection_entries [ORG] — with ORG, that org's keys are included; without, none are.
connection_entries() {
  local keys_of="${1:-}"
  echo "fabricVersion=$FABRIC_VERSION"
  echo "channel=$CHANNEL"
  echo "chaincode.name=$CC_NAME"
  echo "chaincode.version=$CC_VERSION"
  echo "chaincode.sequence:number=$CC_SEQUENCE"
  echo "chaincode.endorsementPolicy=/Channel/Application/Endorsement (MAJORITY Endorsement)"
  echo "orderer.mspId=$ORDERER_MSP"
  echo "orderer.endpoint=127.0.0.1:$ORDERER_PORT"
  echo "orderer.hostOverride=$ORDERER_HOST"
  echo "orderer.tlsCaCertPath=$(orderer_tls_ca)"
  echo "orderer.adminEndpoint=127.0.0.1:$ORDERER_ADMIN_PORT"
  echo "orderer.operations=http://127.0.0.1:$ORDERER_OPS_PORT"
  local org p
  for org in "${ORGS[@]}"; do
    p="orgs.$org"
    echo "$p.mspId=${ORG_MSP[$org]}"
    echo "$p.peer.endpoint=127.0.0.1:$(peer_port "$org")"
    echo "$p.peer.hostOverride=$(peer_host "$org")"
    echo "$p.peer.tlsCaCertPath=$(peer_tls_ca "$org")"
    echo "$p.peer.operations=http://127.0.0.1:$(peer_ops_port "$org")"
    echo "$p.ca.certPath=$(org_ca_cert "$org")"
    echo "$p.admin.certPath=$(admin_cert "$org")"
    if [[ "$org" == "$keys_of" ]]; then
      echo "$p.ca.keyPath=$(org_ca_key "$org")"
      echo "$p.admin.keyPath=$(admin_key "$org")"
    fi
    echo "$p.chaincode.address=127.0.0.1:$(cc_server_port "$org")"
    echo "$p.chaincode.packageId=${PACKAGE_ID[$org]}"
  done
}

# write_json FILE ENTRY... — each entry is `dotted.path[:number]=value`; node nests them into JSON.
write_json() {
  node -e '
    const [file, ...entries] = process.argv.slice(1);
    const root = {};
    for (const entry of entries) {
      const eq = entry.indexOf("=");
      const [path, type] = entry.slice(0, eq).split(":");
      const value = entry.slice(eq + 1);
      const keys = path.split(".");
      const last = keys.pop();
      let node = root;
      for (const key of keys) node = node[key] ??= {};
      node[last] = type === "number" ? Number(value) : value;
    }
    require("fs").writeFileSync(file, JSON.stringify(root, null, 2) + "\n", { mode: 0o600 });
  ' "$@"
}

write_connection_file() {
  local entries org
  mkdir -p "$WORKDIR/orgs"
  for org in "${ORGS[@]}"; do
    mapfile -t entries < <(connection_entries "$org")
    write_json "$WORKDIR/orgs/$org.json" "${entries[@]}"
    log "wrote $WORKDIR/orgs/$org.json (keys of $org only)"
  done
  # network.json last: `up` is finished when it exists.
  mapfile -t entries < <(connection_entries)
  write_json "$CONNECTION_FILE" "${entries[@]}"
  log "wrote $CONNECTION_FILE (no private keys; for tools)"
}
