#!/usr/bin/env bash
# Adds a validator to the running localnet ($LOCALNET_DIR, default ./.localnet). Node N, the next
# free index, starts on $NET.(N+1) as a full node (fresh keys, the localnet's genesis, node0..
# as peers) and syncs. Then a new operator key validator<N>, funded by alice, sends
# `tx staking create-validator` with the node's consensus key: two blocks later it is in
# CometBFT's validator set and signs blocks. stop.sh stops it with the others; start.sh resumes it.
# $LOCALNET_RMESHD: use that rmeshd binary instead of building one.
#
#   localnet/join.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$(realpath -m "${LOCALNET_DIR:-$PWD/.localnet}")"
# shellcheck source=localnet/lib.sh
source "$ROOT/localnet/lib.sh"

[ $# -eq 0 ] || { sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2; }
[ -n "$(live_pids)" ] || die "no localnet running in $DIR; start one with localnet/start.sh"
N=$(find "$DIR" -maxdepth 1 -name 'node*' -type d | wc -l)
ip=$(node_ip "$N")
home="$DIR/node$N"
check_ports "$N"
find_binaries

fail() {
  echo "localnet: $*; last log lines:" >&2
  tail -n 15 "$home/rmeshd.log" "$home/cometbft.log" >&2 2>/dev/null || true
  exit 1
}

# Waits up to 120s for the condition "$@" to hold.
wait_for() {
  local deadline=$((SECONDS + 120))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

echo "node$N joins as a full node on $ip"
cometbft init --home "$home" >>"$DIR/setup.log" 2>&1
cp "$DIR/node0/config/genesis.json" "$home/config/genesis.json"
peers=$(for ((j = 0; j < N; j++)); do
  echo "$(cometbft show-node-id --home "$DIR/node$j")@$(node_ip "$j"):$P2P_PORT"
done | paste -sd, -)
configure_node "$N" "$peers"
start_node "$N" || fail "node$N did not start"

target=$(height "$(node_ip 0)")
synced() { [ "$(status "$ip" | jq -r '.sync_info.catching_up')" = false ] && [ "$(height "$ip")" -ge "$target" ]; }
wait_for synced || fail "node$N did not sync to height $target within 120s"
echo "node$N has synced to height $(height "$ip")"

KEYS="$DIR/keys"
tx=(--home "$KEYS" --node "http://$ip:$RPC_PORT" --fees "2000$DENOM" --wait)
operator=$("$RMESHD" keys add "validator$N" --prefix "$PREFIX" --home "$KEYS" | jq -r .address)
"$RMESHD" tx bank send alice "$operator" "$VALIDATOR_COINS" "${tx[@]}" >/dev/null
key="$home/config/priv_validator_key.json"
created=$("$RMESHD" tx staking create-validator "$SELF_BOND" --moniker "node$N" --from "validator$N" \
  --pubkey "$(jq -r .pub_key.value "$key")" "${tx[@]}")
address=$(jq -r .address "$key")
in_set() { curl -fsS --max-time 2 "http://$ip:$RPC_PORT/validators?per_page=100" | jq -e --arg a "$address" 'any(.result.validators[]; .address == $a)' >/dev/null; }
wait_for in_set || fail "node$N is not in CometBFT's validator set 120s after create-validator"

cat <<MSG
node$N is a validator: create-validator committed at height $(jq -r .height <<<"$created"), now height $(height "$ip")
  operator   validator$N ($operator, valoper $("$RMESHD" keys show "validator$N" -a --prefix "${PREFIX}valoper" --home "$KEYS"))
  consensus  $address, power $(curl -fsS "http://$ip:$RPC_PORT/validators?per_page=100" | jq -r --arg a "$address" '.result.validators[] | select(.address == $a) | .voting_power')
  RPC        http://$ip:$RPC_PORT   gRPC $ip:$GRPC_PORT
  logs       $home/rmeshd.log and $home/cometbft.log
stop: localnet/stop.sh (stops every node, this one included)
MSG
