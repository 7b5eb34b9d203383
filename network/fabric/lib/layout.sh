# Names, ports and paths of the network (sourced by network.sh).
#
# Ports sit in 27000-27399 so they clash with no usual dev service. configtx.yaml
# repeats the orderer port and the anchor peer ports: change both together.

WORKDIR="${FABRIC_WORKDIR:-$REPO_ROOT/.cache/fabric-net}"
[[ "$WORKDIR" == /* ]] || WORKDIR="$PWD/$WORKDIR"
LOG_DIR="$WORKDIR/logs"
PID_DIR="$WORKDIR/pids"
CRYPTO_DIR="$WORKDIR/crypto"
NODES_DIR="$WORKDIR/nodes"
CHANNEL_DIR="$WORKDIR/channel"
PACKAGE_DIR="$WORKDIR/chaincode"
CONNECTION_FILE="$WORKDIR/network.json"

# Fabric's default log format, less the colour codes that clutter log files.
LOG_FORMAT="%{time:2006-01-02 15:04:05.000 MST} %{id:04x} %{level:.4s} [%{module}] %{shortfunc} -> %{message}"

CHANNEL="civic"
CC_NAME="civic"
CC_VERSION="1.0"
CC_SEQUENCE=1
CC_LABEL="${CC_NAME}_${CC_VERSION}"
# The chaincode service runs from its own install of the chaincode package
# (only its own dependencies, as a department's chaincode host would have it),
# made by `up` from chaincode/.
CC_SERVICE_DIR="$PACKAGE_DIR/service"
CC_MODULE_DIR="$CC_SERVICE_DIR/node_modules/@civic-ledger/chaincode"
CC_SERVER_BIN="$CC_SERVICE_DIR/node_modules/.bin/fabric-chaincode-node"
CCAAS_BUILDER_DIR="$REPO_ROOT/network/fabric/ccaas-builder"

DOMAIN="civicledger.test"
ORDERER_MSP="OrdererMSP"
ORDERER_DOMAIN="orderer.$DOMAIN"
ORDERER_HOST="orderer0.$ORDERER_DOMAIN"
ORDERER_PORT=27050
ORDERER_ADMIN_PORT=27051
ORDERER_OPS_PORT=27052

# Org keys are the `org` claim of the gateway's JWTs (DESIGN §2).
ORGS=(civil charity audit)
declare -A ORG_MSP=([civil]=CivilAffairsMSP [charity]=CharityMSP [audit]=AuditMSP)
declare -A ORG_PORT_BASE=([civil]=27100 [charity]=27200 [audit]=27300)

peer_port() { echo $((ORG_PORT_BASE[$1] + 1)); }
peer_cc_listen_port() { echo $((ORG_PORT_BASE[$1] + 2)); }
peer_ops_port() { echo $((ORG_PORT_BASE[$1] + 3)); }
cc_server_port() { echo $((ORG_PORT_BASE[$1] + 4)); }

all_ports() {
  echo "$ORDERER_PORT" "$ORDERER_ADMIN_PORT" "$ORDERER_OPS_PORT"
  local org
  for org in "${ORGS[@]}"; do
    echo "$(peer_port "$org")" "$(peer_cc_listen_port "$org")" "$(peer_ops_port "$org")" "$(cc_server_port "$org")"
  done
}

org_domain() { echo "$1.$DOMAIN"; }
peer_host() { echo "peer0.$(org_domain "$1")"; }
org_dir() { echo "$CRYPTO_DIR/peerOrganizations/$(org_domain "$1")"; }
peer_crypto_dir() { echo "$(org_dir "$1")/peers/$(peer_host "$1")"; }
peer_tls_ca() { echo "$(peer_crypto_dir "$1")/tls/ca.crt"; }
org_ca_cert() { echo "$(org_dir "$1")/ca/ca.$(org_domain "$1")-cert.pem"; }
org_ca_key() { echo "$(org_dir "$1")/ca/priv_sk"; }
admin_msp() { echo "$(org_dir "$1")/users/Admin@$(org_domain "$1")/msp"; }
admin_cert() { echo "$(admin_msp "$1")/signcerts/Admin@$(org_domain "$1")-cert.pem"; }
admin_key() { echo "$(admin_msp "$1")/keystore/priv_sk"; }
peer_node_dir() { echo "$NODES_DIR/$(peer_host "$1")"; }

orderer_org_dir() { echo "$CRYPTO_DIR/ordererOrganizations/$ORDERER_DOMAIN"; }
orderer_crypto_dir() { echo "$(orderer_org_dir)/orderers/$ORDERER_HOST"; }
orderer_tls_ca() { echo "$(orderer_crypto_dir)/tls/ca.crt"; }
orderer_admin_tls_dir() { echo "$(orderer_org_dir)/users/Admin@$ORDERER_DOMAIN/tls"; }
orderer_node_dir() { echo "$NODES_DIR/$ORDERER_HOST"; }

make_workdir() {
  mkdir -p "$WORKDIR" "$LOG_DIR" "$PID_DIR" "$NODES_DIR" "$CHANNEL_DIR" "$PACKAGE_DIR"
}
