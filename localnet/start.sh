#!/usr/bin/env bash
# Starts a local rmesh network of N validators (default 4). Node i is a CometBFT node plus its own
# rmeshd, all listening on 127.0.0.(i+1). Homes, keys and logs live under one directory:
# $LOCALNET_DIR, default ./.localnet. Running it again on a stopped net resumes that net.
# $LOCALNET_RMESHD: use that rmeshd binary instead of building one.
#
#   localnet/start.sh [--fresh] [N]     --fresh: stop and wipe an existing net first
#   localnet/stop.sh                    stop it
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$(realpath -m "${LOCALNET_DIR:-$PWD/.localnet}")"
CHAIN_ID=rmesh-localnet
DENOM=urmesh
MIN_GAS_PRICES="0.001$DENOM"
DEMO_KEYS=(alice bob relayer)
DEMO_COINS="1000000000000$DENOM"
VALIDATOR_COINS="1000000000$DENOM"
SELF_BOND="100000000$DENOM"
P2P_PORT=26656 RPC_PORT=26657 ABCI_PORT=26658 GRPC_PORT=9090
N=4
FRESH=0

usage() { sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }
die() { echo "localnet: $*" >&2; exit 1; }

for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    -h|--help) usage ;;
    *[!0-9]*|'') usage 2 >&2 ;;
    *) N=$arg ;;
  esac
done
if [ "$N" -lt 1 ] || [ "$N" -gt 50 ]; then die "N must be between 1 and 50"; fi

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

# Latest committed height of the node on $1 (0 while its RPC does not answer).
height() {
  local h
  h=$(curl -fsS --max-time 2 "http://$1:$RPC_PORT/status" 2>/dev/null | jq -r '.result.sync_info.latest_block_height' 2>/dev/null || true)
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

fail_start() {
  echo "localnet: $*; last log lines:" >&2
  tail -n 15 "$DIR"/node*/rmeshd.log "$DIR"/node*/cometbft.log >&2 2>/dev/null || true
  LOCALNET_DIR="$DIR" bash "$ROOT/localnet/stop.sh" >&2 || true
  exit 1
}

if [ -n "$(live_pids)" ]; then
  if [ "$FRESH" -eq 0 ]; then
    die "a localnet is already running in $DIR (RPC http://127.0.0.1:$RPC_PORT); stop it with localnet/stop.sh, or use --fresh"
  fi
  LOCALNET_DIR="$DIR" bash "$ROOT/localnet/stop.sh"
fi
for ((i = 0; i < N; i++)); do
  for port in $P2P_PORT $RPC_PORT $ABCI_PORT $GRPC_PORT; do
    ! taken "127.0.0.$((i + 1))" "$port" || die "port $port of 127.0.0.$((i + 1)) is taken by another process; stop it first"
  done
done

bash "$ROOT/scripts/install-tools.sh"
PATH="$(go env GOPATH)/bin:$PATH"
if [ -n "${LOCALNET_RMESHD:-}" ]; then
  RMESHD=$LOCALNET_RMESHD # a prebuilt binary: no build
else
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rmesh-target}"
  (cd "$ROOT" && cargo build --release -p rmeshd)
  RMESHD="$CARGO_TARGET_DIR/release/rmeshd"
fi
KEYS="$DIR/keys"

echo "localnet directory: $DIR"
if [ "$FRESH" -eq 1 ] || [ ! -d "$DIR/node0" ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  cometbft testnet --v "$N" --o "$DIR" --starting-ip-address 127.0.0.1 --p2p-port "$P2P_PORT" >"$DIR/setup.log" 2>&1
  for ((i = 0; i < N; i++)); do
    ip="127.0.0.$((i + 1))"
    cfg="$DIR/node$i/config/config.toml"
    set_cfg "$cfg" "" moniker "\"node$i\""
    set_cfg "$cfg" "" proxy_app "\"tcp://$ip:$ABCI_PORT\""
    set_cfg "$cfg" rpc laddr "\"tcp://$ip:$RPC_PORT\""
    set_cfg "$cfg" p2p laddr "\"tcp://$ip:$P2P_PORT\""
    set_cfg "$cfg" p2p allow_duplicate_ip true
    set_cfg "$cfg" p2p addr_book_strict false
    set_cfg "$cfg" consensus timeout_commit '"1s"'
    set_cfg "$cfg" tx_index indexer '"kv"'
    # `cometbft testnet` lists every node as a peer of every node, itself included.
    peers=$(sed -n -E 's/^persistent_peers = "(.*)"$/\1/p' "$cfg" | tr ',' '\n' | { grep -v "@$ip:$P2P_PORT\$" || true; } | paste -sd, -)
    set_cfg "$cfg" p2p persistent_peers "\"$peers\""
  done

  genesis="$DIR/node0/config/genesis.json"
  jq --arg id "$CHAIN_ID" '.chain_id = $id' "$genesis" >"$genesis.tmp" && mv "$genesis.tmp" "$genesis"
  mkdir -p "$KEYS"
  for name in "${DEMO_KEYS[@]}"; do
    out=$("$RMESHD" keys add "$name" --home "$KEYS")
    mnemonic=$(jq -r '.mnemonic // empty' <<<"$out" 2>/dev/null || true)
    [ -n "$mnemonic" ] || die "no mnemonic in the output of keys add $name: $out"
    (umask 077 && printf '%s\n' "$mnemonic" >"$KEYS/$name.mnemonic")
    "$RMESHD" genesis add-account "$("$RMESHD" keys show "$name" -a --home "$KEYS")" "$DEMO_COINS" --home "$DIR/node0"
  done
  # Each node's consensus key becomes a genesis validator, self-bonded by its own operator key.
  for ((i = 0; i < N; i++)); do
    operator=$("$RMESHD" keys add "validator$i" --home "$KEYS" | jq -r .address)
    "$RMESHD" genesis add-account "$operator" "$VALIDATOR_COINS" --home "$DIR/node0"
    "$RMESHD" genesis add-validator "$operator" "$SELF_BOND" --moniker "node$i" --home "$DIR/node0" \
      --pubkey "$(jq -r .pub_key.value "$DIR/node$i/config/priv_validator_key.json")"
  done
  for ((i = 1; i < N; i++)); do cp "$genesis" "$DIR/node$i/config/genesis.json"; done
else
  N=$(find "$DIR" -maxdepth 1 -name 'node*' -type d | wc -l)
  echo "resuming the $N-validator localnet found there (--fresh starts a new one)"
fi

: >"$DIR/pids"
for ((i = 0; i < N; i++)); do
  ip="127.0.0.$((i + 1))"
  home="$DIR/node$i"
  setsid "$RMESHD" start --home "$home" --abci-addr "$ip:$ABCI_PORT" --grpc-addr "$ip:$GRPC_PORT" \
    --comet-rpc "http://$ip:$RPC_PORT" --minimum-gas-prices "$MIN_GAS_PRICES" </dev/null >>"$home/rmeshd.log" 2>&1 &
  pid=$!
  echo "node$i-rmeshd $pid" >>"$DIR/pids"
  deadline=$((SECONDS + 60))
  until listening "$ip" "$ABCI_PORT"; do
    [ -n "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" ] || fail_start "node$i's rmeshd exited"
    [ "$SECONDS" -lt "$deadline" ] || fail_start "node$i's rmeshd does not listen on $ip:$ABCI_PORT after 60s"
    sleep 0.2
  done
  setsid cometbft start --home "$home" </dev/null >>"$home/cometbft.log" 2>&1 &
  echo "node$i-cometbft $!" >>"$DIR/pids"
done

# Wait for node0 to commit a new block (height >= 2).
deadline=$((SECONDS + 120))
first=""
while :; do
  h=$(height 127.0.0.1)
  if [ "$h" -gt 0 ]; then first=${first:-$h}; fi
  if [ -n "$first" ] && [ "$h" -ge 2 ] && [ "$h" -gt "$first" ]; then break; fi
  [ "$(live_pids | wc -l)" -eq $((2 * N)) ] || fail_start "a node process exited"
  [ "$SECONDS" -lt "$deadline" ] || fail_start "node0 did not commit a new block within 120s"
  sleep 0.2
done

cat <<MSG

rmesh localnet is running: $N validators, chain-id $CHAIN_ID, height $h
  directory  $DIR
  logs       $DIR/node<i>/rmeshd.log and $DIR/node<i>/cometbft.log
  keyring    --home $KEYS (mnemonics in $KEYS/<name>.mnemonic)
MSG
for ((i = 0; i < N; i++)); do
  ip="127.0.0.$((i + 1))"
  printf '  node%-3s    CometBFT RPC http://%s:%s   gRPC %s:%s\n' "$i" "$ip" "$RPC_PORT" "$ip" "$GRPC_PORT"
done
echo "demo accounts, funded with $DEMO_COINS in genesis:"
for name in "${DEMO_KEYS[@]}"; do
  printf '  %-8s %s\n' "$name" "$("$RMESHD" keys show "$name" -a --home "$KEYS")"
done
bob=$("$RMESHD" keys show bob -a --home "$KEYS")
cat <<MSG
send and query:
  $RMESHD tx bank send alice $bob 1000$DENOM --chain-id $CHAIN_ID --home $KEYS --fees 2000$DENOM --wait
  $RMESHD query bank balances $bob
stop: localnet/stop.sh (or make localnet-stop)
MSG
