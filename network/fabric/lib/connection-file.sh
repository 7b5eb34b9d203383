# network.json: what the gateway's Fabric backend needs to connect (sourced
# by network.sh). Its shape is documented in network/fabric/README.md.

connection_entries() {
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
    echo "$p.ca.keyPath=$(org_ca_key "$org")"
    echo "$p.admin.certPath=$(admin_cert "$org")"
    echo "$p.admin.keyPath=$(admin_key "$org")"
    echo "$p.chaincode.address=127.0.0.1:$(cc_server_port "$org")"
    echo "$p.chaincode.packageId=${PACKAGE_ID[$org]}"
  done
}

# Each entry is `dotted.path[:number]=value`; node nests them into JSON.
write_connection_file() {
  local entries
  mapfile -t entries < <(connection_entries)
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
    require("fs").writeFileSync(file, JSON.stringify(root, null, 2) + "\n");
  ' "$CONNECTION_FILE" "${entries[@]}"
  log "wrote $CONNECTION_FILE"
}
