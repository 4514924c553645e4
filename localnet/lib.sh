# Shared by localnet/start.sh and localnet/join.sh (sourced, not run). Expects ROOT (the checkout)
# and DIR (the localnet directory). Node i lives in $DIR/node$i and listens on $NET.(i+1).
# $LOCALNET_NET (default 127.0.0), $LOCALNET_CHAIN_ID and $LOCALNET_PREFIX let two nets run side
# by side (localnet/ibc.sh starts a consumer and a provider this way).
# shellcheck shell=bash disable=SC2034 # (the constants are for the scripts that source this file)

CHAIN_ID="${LOCALNET_CHAIN_ID:-rmesh-localnet}"
NET="${LOCALNET_NET:-127.0.0}"
PREFIX="${LOCALNET_PREFIX:-rmesh}"
DENOM=urmesh
MIN_GAS_PRICES="0.001$DENOM"
VALIDATOR_COINS="1000000000$DENOM"
SELF_BOND="100000000$DENOM"
P2P_PORT=26656 RPC_PORT=26657 ABCI_PORT=26658 GRPC_PORT=9090 API_PORT=1317
# Prometheus: CometBFT's own metrics and rmeshd's (chain, mesh and timing figures)
COMET_METRICS_PORT=26660 METRICS_PORT=26661

die() { echo "localnet: $*" >&2; exit 1; }

# The address of node $1.
node_ip() { echo "$NET.$(($1 + 1))"; }

# Prints the pids from $DIR/pids that still run a process on a node home under $DIR.
live_pids() {
  [ -f "$DIR/pids" ] || return 0
  local _name pid
  while read -r _name pid; do
    if [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" == *"$DIR/node"* ]]; then echo "$pid"; fi
  done <"$DIR/pids"
}

# True when something LISTENs on $1:$2 (read from /proc/net/tcp: no connection is made).
listening() {
  local a b c d want
  IFS=. read -r a b c d <<<"$1"
  want=$(printf '%02X%02X%02X%02X:%04X' "$d" "$c" "$b" "$a" "$2")
  awk -v w="$want" '$2 == w && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

# True when $1:$2 cannot be bound: taken on that address, or on all addresses (0.0.0.0 or [::]).
taken() {
  local port
  port=$(printf '%04X' "$2")
  listening "$1" "$2" || awk -v p="$port" '$4 == "0A" && ($2 == "00000000:" p || $2 == "00000000000000000000000000000000:" p) { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6
}

# Dies unless node $1's four ports on its address are free.
check_ports() {
  local ip port
  ip=$(node_ip "$1")
  for port in $P2P_PORT $RPC_PORT $ABCI_PORT $GRPC_PORT $API_PORT $COMET_METRICS_PORT $METRICS_PORT; do
    ! taken "$ip" "$port" || die "port $port of $ip is taken by another process; stop it first"
  done
}

# CometBFT's /status of the node on $1 ("{}" while its RPC does not answer).
status() {
  curl -fsS --max-time 2 "http://$1:$RPC_PORT/status" 2>/dev/null | jq -c '.result // {}' 2>/dev/null || echo '{}'
}

# Latest committed height of the node on $1 (0 while its RPC does not answer).
height() {
  local h
  h=$(status "$1" | jq -r '.sync_info.latest_block_height // 0')
  [[ "$h" =~ ^[0-9]+$ ]] && echo "$h" || echo 0
}

# Edits config.toml: sets key $3 to $4 in section $2 ("" = top level).
set_cfg() {
  local file=$1 section=$2 key=$3 value=$4
  if [ -z "$section" ]; then
    sed -i -E "1,/^\[/ s|^$key = .*|$key = $value|" "$file"
  else
    sed -i -E "/^\[$section\]/,/^\[/ s|^$key = .*|$key = $value|" "$file"
  fi
  grep -q "^$key = $value\$" "$file" || die "could not set $key in $file"
}

# Points node $1's config.toml at its own address, with persistent peers $2 (id@ip:port,...).
configure_node() {
  local ip cfg="$DIR/node$1/config/config.toml"
  ip=$(node_ip "$1")
  set_cfg "$cfg" "" moniker "\"node$1\""
  set_cfg "$cfg" "" proxy_app "\"tcp://$ip:$ABCI_PORT\""
  set_cfg "$cfg" rpc laddr "\"tcp://$ip:$RPC_PORT\""
  set_cfg "$cfg" p2p laddr "\"tcp://$ip:$P2P_PORT\""
  set_cfg "$cfg" p2p persistent_peers "\"$2\""
  set_cfg "$cfg" p2p allow_duplicate_ip true
  set_cfg "$cfg" p2p addr_book_strict false
  set_cfg "$cfg" consensus timeout_commit '"1s"'
  set_cfg "$cfg" tx_index indexer '"kv"'
  set_cfg "$cfg" instrumentation prometheus true
  set_cfg "$cfg" instrumentation prometheus_listen_addr "\"$ip:$COMET_METRICS_PORT\""
}

# Puts cometbft on PATH and sets RMESHD: $LOCALNET_RMESHD, else a release build of this checkout.
find_binaries() {
  PATH="$(go env GOPATH)/bin:$PATH"
  if [ -n "${LOCALNET_RMESHD:-}" ]; then
    RMESHD=$LOCALNET_RMESHD # a prebuilt binary: no build
  else
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rmesh-target}"
    (cd "$ROOT" && cargo build --release -p rmeshd)
    RMESHD="$CARGO_TARGET_DIR/release/rmeshd"
  fi
}

# Starts node $1: its rmeshd, then (once rmeshd listens) its CometBFT, both recorded in $DIR/pids.
# Returns 1, saying why on stderr, when rmeshd exits or does not listen within 60s.
start_node() {
  local i=$1 ip home="$DIR/node$1" pid deadline=$((SECONDS + 60))
  ip=$(node_ip "$1")
  setsid "$RMESHD" start --home "$home" --abci-addr "$ip:$ABCI_PORT" --grpc-addr "$ip:$GRPC_PORT" --api-addr "$ip:$API_PORT" --metrics-addr "$ip:$METRICS_PORT" \
    --comet-rpc "http://$ip:$RPC_PORT" --minimum-gas-prices "$MIN_GAS_PRICES" </dev/null >>"$home/rmeshd.log" 2>&1 &
  pid=$!
  echo "node$i-rmeshd $pid" >>"$DIR/pids"
  until listening "$ip" "$ABCI_PORT"; do
    if [ -z "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" ]; then
      echo "node$i's rmeshd exited" >&2
      return 1
    elif [ "$SECONDS" -ge "$deadline" ]; then
      echo "node$i's rmeshd does not listen on $ip:$ABCI_PORT after 60s" >&2
      return 1
    fi
    sleep 0.2
  done
  setsid cometbft start --home "$home" </dev/null >>"$home/cometbft.log" 2>&1 &
  echo "node$i-cometbft $!" >>"$DIR/pids"
}
