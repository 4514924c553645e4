#!/usr/bin/env bash
# Starts two rmesh chains and Hermes between them, under $LOCALNET_IBC_DIR (default
# ./.localnet-ibc): a consumer (chain id consumer-1, prefix rmesh, one validator on 127.0.1.1)
# and a provider (provider-1, prefix mesh, one validator on 127.0.2.1), each with funded
# alice/bob/relayer keys; Hermes (localnet/hermes/config.template.toml) gets each chain's
# relayer key, creates clients, a connection and a transfer channel, then relays. The provider
# accepts the consumer's mesh-security channel on that connection; alice, the consumer's mesh
# authority, registers the provider (price 0.5, discount 0.1) and Hermes opens the channel
# from the consumer's converter (mesh-security) to the provider's external-staking port.
# LOCALNET_MESH_UNBONDING sets the provider's cross-stake unbonding period in seconds and
# LOCALNET_IBC_CONSUMER_VALIDATORS the consumer's number of validators (default 1).
#
#   localnet/ibc.sh          start (always fresh)
#   localnet/ibc.sh stop     stop both chains and Hermes
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="$(realpath -m "${LOCALNET_IBC_DIR:-$PWD/.localnet-ibc}")"
CONSUMER=(consumer-1 127.0.1 rmesh)
PROVIDER=(provider-1 127.0.2 mesh)
export PATH="$HOME/.cargo/bin:$PATH"

die() { echo "localnet/ibc: $*" >&2; exit 1; }

stop_all() {
  if [ -f "$BASE/hermes.pid" ]; then
    kill "$(cat "$BASE/hermes.pid")" 2>/dev/null || true
    rm -f "$BASE/hermes.pid"
  fi
  for chain in consumer provider; do
    [ -d "$BASE/$chain" ] && LOCALNET_DIR="$BASE/$chain" bash "$ROOT/localnet/stop.sh" || true
  done
}

# Starts one chain: $1 = name, $2 = chain id, $3 = address block, $4 = prefix, $5 = validators,
# $6 = the consumer a provider accepts a mesh-security channel from.
start_chain() {
  LOCALNET_MESH_CONSUMER="${6:-}" LOCALNET_DIR="$BASE/$1" LOCALNET_CHAIN_ID="$2" LOCALNET_NET="$3" LOCALNET_PREFIX="$4" \
    bash "$ROOT/localnet/start.sh" --fresh "$5" >"$BASE/$1.start.log" 2>&1 ||
    { cat "$BASE/$1.start.log" >&2; die "the $1 chain did not start"; }
}

if [ "${1:-}" = stop ]; then stop_all; exit 0; fi
[ $# -eq 0 ] || die "usage: localnet/ibc.sh [stop]"

stop_all
rm -rf "$BASE" && mkdir -p "$BASE"
bash "$ROOT/scripts/install-tools.sh"
start_chain consumer "${CONSUMER[@]}" "${LOCALNET_IBC_CONSUMER_VALIDATORS:-1}"
start_chain provider "${PROVIDER[@]}" 1 "${CONSUMER[0]}"
RMESHD="${LOCALNET_RMESHD:-${CARGO_TARGET_DIR:-$HOME/.cache/rmesh-target}/release/rmeshd}"
[ -x "$RMESHD" ] || die "no rmeshd at $RMESHD"

config="$BASE/hermes/config.toml"
mkdir -p "$BASE/hermes"
specs="$("$RMESHD" ibc proof-specs)"
python3 - "$ROOT/localnet/hermes/config.template.toml" "$config" <<PY
import sys
text = open(sys.argv[1]).read()
values = {
    "@CONSUMER_ID@": "${CONSUMER[0]}", "@CONSUMER_IP@": "${CONSUMER[1]}.1", "@CONSUMER_PREFIX@": "${CONSUMER[2]}",
    "@PROVIDER_ID@": "${PROVIDER[0]}", "@PROVIDER_IP@": "${PROVIDER[1]}.1", "@PROVIDER_PREFIX@": "${PROVIDER[2]}",
    "@PROOF_SPECS@": """$specs""",
}
for key, value in values.items():
    text = text.replace(key, value)
open(sys.argv[2], "w").write(text)
PY
hermes_cmd=(hermes --config "$config")
for chain in consumer provider; do
  id=$([ "$chain" = consumer ] && echo "${CONSUMER[0]}" || echo "${PROVIDER[0]}")
  "${hermes_cmd[@]}" keys add --overwrite --chain "$id" --mnemonic-file "$BASE/$chain/keys/relayer.mnemonic" >/dev/null 2>&1
done
"${hermes_cmd[@]}" health-check >"$BASE/hermes/health-check.log" 2>&1 || die "hermes health-check failed; see $BASE/hermes/health-check.log"
"${hermes_cmd[@]}" create channel --a-chain "${CONSUMER[0]}" --b-chain "${PROVIDER[0]}" \
  --a-port transfer --b-port transfer --new-client-connection --yes >"$BASE/hermes/create-channel.log" 2>&1 ||
  die "hermes could not create the transfer channel; see $BASE/hermes/create-channel.log"
consumer_tx() {
  "$RMESHD" tx "$@" --from alice --chain-id "${CONSUMER[0]}" --home "$BASE/consumer/keys" \
    --node "http://${CONSUMER[1]}.1:26657" --fees 2000urmesh --wait >>"$BASE/consumer-txs.log" 2>&1
}
consumer_tx converter add-provider "${PROVIDER[0]}" urmesh --price 0.5 --discount 0.1 \
  --cap 1000000000000 --connection-id connection-0 ||
  die "could not register the provider on the consumer; see $BASE/consumer-txs.log"
"${hermes_cmd[@]}" create channel --a-chain "${CONSUMER[0]}" --a-connection connection-0 \
  --a-port mesh-security --b-port external-staking --order unordered \
  --channel-version '{"protocol":"mesh-security","version":"0.11.0"}' --yes >"$BASE/hermes/create-mesh-channel.log" 2>&1 ||
  die "hermes could not open the mesh-security channel; see $BASE/hermes/create-mesh-channel.log"
nohup "${hermes_cmd[@]}" start >"$BASE/hermes/hermes.log" 2>&1 &
echo $! >"$BASE/hermes.pid"

cat <<MSG

two rmesh chains and Hermes are running under $BASE
  consumer  ${CONSUMER[0]}  RPC http://${CONSUMER[1]}.1:26657  keys --home $BASE/consumer/keys (prefix ${CONSUMER[2]})
  provider  ${PROVIDER[0]}  RPC http://${PROVIDER[1]}.1:26657  keys --home $BASE/provider/keys (prefix ${PROVIDER[2]})
  transfer channel: channel-0 on both; mesh-security channel: channel-1 (consumer port
  mesh-security <-> provider port external-staking); Hermes log $BASE/hermes/hermes.log, config $config
send tokens from the consumer to the provider:
  hermes --config $config tx ft-transfer --src-chain ${CONSUMER[0]} --dst-chain ${PROVIDER[0]} \\
    --src-port transfer --src-channel channel-0 --amount 1000 --denom urmesh --timeout-seconds 120
stop: localnet/ibc.sh stop
MSG
