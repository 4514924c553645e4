#!/usr/bin/env bash
# Starts a local rmesh network of N validators (default 4). Node i is a CometBFT node plus its own
# rmeshd, all listening on $NET.(i+1) (127.0.0.(i+1) unless $LOCALNET_NET says otherwise). Homes, keys and logs live under one directory:
# $LOCALNET_DIR, default ./.localnet. Running it again on a stopped net resumes that net.
# $LOCALNET_RMESHD: use that rmeshd binary instead of building one.
#
#   localnet/start.sh [--fresh] [N]     --fresh: stop and wipe an existing net first
#   localnet/join.sh                    add a node to the running net and make it a validator
#   localnet/stop.sh                    stop it
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$(realpath -m "${LOCALNET_DIR:-$PWD/.localnet}")"
# shellcheck source=localnet/lib.sh
source "$ROOT/localnet/lib.sh"
DEMO_KEYS=(alice bob relayer)
DEMO_COINS="1000000000000$DENOM"
N=4
FRESH=0

usage() { sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }

for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    -h|--help) usage ;;
    *[!0-9]*|'') usage 2 >&2 ;;
    *) N=$arg ;;
  esac
done
if [ "$N" -lt 1 ] || [ "$N" -gt 50 ]; then die "N must be between 1 and 50"; fi

fail_start() {
  echo "localnet: $*; last log lines:" >&2
  tail -n 15 "$DIR"/node*/rmeshd.log "$DIR"/node*/cometbft.log >&2 2>/dev/null || true
  LOCALNET_DIR="$DIR" bash "$ROOT/localnet/stop.sh" >&2 || true
  exit 1
}

if [ -n "$(live_pids)" ]; then
  if [ "$FRESH" -eq 0 ]; then
    die "a localnet is already running in $DIR (RPC http://$(node_ip 0):$RPC_PORT); stop it with localnet/stop.sh, or use --fresh"
  fi
  LOCALNET_DIR="$DIR" bash "$ROOT/localnet/stop.sh"
fi
for ((i = 0; i < N; i++)); do check_ports "$i"; done

bash "$ROOT/scripts/install-tools.sh" --without-hermes
find_binaries
KEYS="$DIR/keys"

echo "localnet directory: $DIR"
if [ "$FRESH" -eq 1 ] || [ ! -d "$DIR/node0" ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  cometbft testnet --v "$N" --o "$DIR" --starting-ip-address "$(node_ip 0)" --p2p-port "$P2P_PORT" >"$DIR/setup.log" 2>&1
  for ((i = 0; i < N; i++)); do
    # `cometbft testnet` lists every node as a peer of every node, itself included.
    peers=$(sed -n -E 's/^persistent_peers = "(.*)"$/\1/p' "$DIR/node$i/config/config.toml" |
      tr ',' '\n' | { grep -v "@$(node_ip "$i"):$P2P_PORT\$" || true; } | paste -sd, -)
    configure_node "$i" "$peers"
  done

  genesis="$DIR/node0/config/genesis.json"
  jq --arg id "$CHAIN_ID" '.chain_id = $id' "$genesis" >"$genesis.tmp" && mv "$genesis.tmp" "$genesis"
  mkdir -p "$KEYS"
  if [ "$PREFIX" != rmesh ]; then "$RMESHD" genesis set-params --prefix "$PREFIX" --home "$DIR/node0"; fi
  for name in "${DEMO_KEYS[@]}"; do
    out=$("$RMESHD" keys add "$name" --prefix "$PREFIX" --home "$KEYS")
    mnemonic=$(jq -r '.mnemonic // empty' <<<"$out" 2>/dev/null || true)
    [ -n "$mnemonic" ] || die "no mnemonic in the output of keys add $name: $out"
    (umask 077 && printf '%s\n' "$mnemonic" >"$KEYS/$name.mnemonic")
    "$RMESHD" genesis add-account "$("$RMESHD" keys show "$name" -a --prefix "$PREFIX" --home "$KEYS")" "$DEMO_COINS" --home "$DIR/node0"
  done
  # Each node's consensus key becomes a genesis validator, self-bonded by its own operator key.
  for ((i = 0; i < N; i++)); do
    operator=$("$RMESHD" keys add "validator$i" --prefix "$PREFIX" --home "$KEYS" | jq -r .address)
    "$RMESHD" genesis add-account "$operator" "$VALIDATOR_COINS" --home "$DIR/node0"
    "$RMESHD" genesis add-validator "$operator" "$SELF_BOND" --moniker "node$i" --home "$DIR/node0" \
      --pubkey "$(jq -r .pub_key.value "$DIR/node$i/config/priv_validator_key.json")"
  done
  # alice is the mesh authority: she manages providers and virtual-staking params.
  "$RMESHD" genesis set-params --home "$DIR/node0" \
    --mesh-authority "$("$RMESHD" keys show alice -a --prefix "$PREFIX" --home "$KEYS")"
  # Provider role: accept the mesh-security channel of this consumer on connection-0.
  if [ -n "${LOCALNET_MESH_CONSUMER:-}" ]; then
    "$RMESHD" genesis add-consumer "$LOCALNET_MESH_CONSUMER" --connection-id connection-0 \
      --unbonding-seconds "${LOCALNET_MESH_UNBONDING:-1814400}" --home "$DIR/node0"
  fi
  for ((i = 1; i < N; i++)); do cp "$genesis" "$DIR/node$i/config/genesis.json"; done
else
  N=$(find "$DIR" -maxdepth 1 -name 'node*' -type d | wc -l)
  echo "resuming the $N-node localnet found there (--fresh starts a new one)"
fi

: >"$DIR/pids"
for ((i = 0; i < N; i++)); do
  start_node "$i" || fail_start "node$i did not start"
done

# Wait for node0 to commit a new block (height >= 2).
deadline=$((SECONDS + 120))
first=""
while :; do
  h=$(height "$(node_ip 0)")
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
  ip=$(node_ip "$i")
  printf '  node%-3s    CometBFT RPC http://%s:%s   gRPC %s:%s   REST http://%s:%s   metrics http://%s:%s/metrics\n' \
    "$i" "$ip" "$RPC_PORT" "$ip" "$GRPC_PORT" "$ip" "$API_PORT" "$ip" "$METRICS_PORT"
done
echo "mesh dashboard: http://$(node_ip 0):$API_PORT/dashboard"
echo "demo accounts, funded with $DEMO_COINS in genesis:"
for name in "${DEMO_KEYS[@]}"; do
  printf '  %-8s %s\n' "$name" "$("$RMESHD" keys show "$name" -a --prefix "$PREFIX" --home "$KEYS")"
done
bob=$("$RMESHD" keys show bob -a --prefix "$PREFIX" --home "$KEYS")
cat <<MSG
send and query:
  $RMESHD tx bank send alice $bob 1000$DENOM --chain-id $CHAIN_ID --home $KEYS --fees 2000$DENOM --wait
  $RMESHD query bank balances $bob
stop: localnet/stop.sh (or make localnet-stop)
MSG
