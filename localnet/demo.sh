#!/usr/bin/env bash
# Mesh security end to end, narrated: a provider chain's collateral secures a consumer chain.
# Starts the two chains and Hermes with localnet/ibc.sh (the consumer with two validators, a
# 30-second cross-stake unbonding period on the provider), then walks through:
#   1. alice bonds collateral in the provider's vault and cross-stakes it
#   2. the consumer's validator gains voting power at the next epoch
#   3. rewards arrive on the provider and alice withdraws them on the consumer
#   4. alice unstakes, waits out the unbonding period and withdraws the collateral
#   5. the consumer's validator double-signs and alice's collateral is slashed on the provider
#   6. the consumer sets the provider's cap to zero and everything winds down
# Everything stays up afterwards for exploring; stop with `make localnet-ibc-stop`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="$(realpath -m "${LOCALNET_IBC_DIR:-$PWD/.localnet-ibc}")"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/rmesh-target}/release"
RMESHD="${LOCALNET_RMESHD:-$TARGET/rmeshd}"
DOUBLE_SIGN="$TARGET/double-sign"
UNBONDING=30
SETUP_LOG="${TMPDIR:-/tmp}/rmesh-demo-setup.log"
C_RPC=http://127.0.1.1:26657
P_RPC=http://127.0.2.1:26657

die() { echo "demo: $*" >&2; exit 1; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }

LOCALNET_MESH_UNBONDING=$UNBONDING LOCALNET_IBC_CONSUMER_VALIDATORS=2 LOCALNET_IBC_DIR="$BASE" \
  LOCALNET_RMESHD="$RMESHD" bash "$ROOT/localnet/ibc.sh" >"$SETUP_LOG" 2>&1 ||
  { tail -20 "$SETUP_LOG" >&2; die "setup failed; see $SETUP_LOG"; }

c_query() { "$RMESHD" query "$@" --node "$C_RPC"; }
p_query() { "$RMESHD" query "$@" --node "$P_RPC"; }
c_tx() { "$RMESHD" tx "$@" --chain-id consumer-1 --home "$BASE/consumer/keys" --node "$C_RPC" --fees 2000urmesh --wait >>"$BASE/demo-txs.log"; }
p_tx() { "$RMESHD" tx "$@" --chain-id provider-1 --home "$BASE/provider/keys" --node "$P_RPC" --fees 2000urmesh --wait >>"$BASE/demo-txs.log"; }
# Polls `$2` (a shell expression) until it prints `$3`, for at most 120 s.
wait_for() {
  local what=$1 expr=$2 want=$3 got="" deadline=$((SECONDS + 120))
  while [ "$SECONDS" -lt "$deadline" ]; do
    got=$(eval "$expr" 2>/dev/null || true)
    [ "$got" = "$want" ] && return 0
    sleep 1
  done
  die "timed out waiting for $what (last: ${got:-nothing}, want $want)"
}

ALICE=$("$RMESHD" keys show alice -a --prefix mesh --home "$BASE/provider/keys")
ALICE_ON_CONSUMER=$("$RMESHD" keys show alice -a --prefix rmesh --home "$BASE/consumer/keys")
VALIDATOR=$(c_query staking validators | jq -r '.validators[] | select(.moniker == "node0") | .operator_address')
[ -n "$VALIDATOR" ] || die "no consumer validator node0"
vault() { p_query vault account "$ALICE" | jq -r ".$1"; }
lien() { p_query vault account "$ALICE" | jq -r --arg h "$1" '[.liens[] | select(.holder == $h) | .amount] | first // "0"'; }
stake() { p_query external-staking stakes consumer-1 --owner "$ALICE" | jq -r ".stakes[0].$1 // empty"; }
pending() { p_query external-staking pending-txs consumer-1 | jq '.txs | length'; }
delegated() { c_query converter provider provider-1 | jq -r .delegated; }
tokens() { c_query staking validator "$VALIDATOR" | jq -r .validator.tokens; }

step "The mesh: consumer-1 ($C_RPC) and provider-1 ($P_RPC), Hermes relaying"
wait_for "the provider to learn the consumer's validators" \
  "p_query external-staking validators consumer-1 | jq '.validators | length'" 2
say "provider-1 accepts consumer-1's mesh-security channel; the validators it learned from consumer-1:"
p_query external-staking validators consumer-1 | jq -r '.validators[] | "     \(.valoper)  \(.state)"'
say "consumer-1 prices provider-1's urmesh at 0.5 with a 0.1 discount"

step "1. alice bonds 100,000,000 urmesh in the provider's vault and cross-stakes 80,000,000"
p_tx vault bond 100000000 --from alice
p_tx vault stake-remote consumer-1 "$VALIDATOR" 80000000 --from alice
say "lien of consumer-1 on alice's collateral: $(lien external/consumer-1) (taken at once; the stake waits for the consumer's ack)"
wait_for "the consumer's ack" pending 0
say "acknowledged: alice's cross-stake with $VALIDATOR is $(stake amount)"
say "free collateral: $(vault free) of $(vault collateral)"

step "2. At the consumer's next epoch the validator's power rises by 80,000,000 x 0.5 x 0.9"
before=$(tokens)
wait_for "36,000,000 of virtual stake" delegated 36000000
say "virtual stake for provider-1: $(delegated); validator tokens $before -> $(tokens)"

step "3. Rewards earned by the virtual stake reach the provider; alice withdraws them on the consumer"
wait_for "rewards on the provider" "stake pending_rewards | grep -c urmesh" 1
rewards=$(stake pending_rewards)
balance_before=$(c_query bank balances "$ALICE_ON_CONSUMER" | jq -r '[.balances[] | select(.denom == "urmesh") | .amount] | first // "0"')
p_tx external-staking withdraw-rewards consumer-1 "$VALIDATOR" --recipient "$ALICE_ON_CONSUMER" --from alice
wait_for "the reward transfer's ack" pending 0
balance_after=$(c_query bank balances "$ALICE_ON_CONSUMER" | jq -r '[.balances[] | select(.denom == "urmesh") | .amount] | first // "0"')
say "pending rewards were $rewards; alice's balance on the consumer: $balance_before -> $balance_after"

step "4. alice unstakes 30,000,000; it unbonds for ${UNBONDING}s, then returns to the vault"
p_tx external-staking unstake consumer-1 "$VALIDATOR" 30000000 --from alice
wait_for "the consumer's ack" pending 0
say "cross-stake $(stake amount), unbonding $(stake 'unbondings[0].amount')"
wait_for "22,500,000 of virtual stake" delegated 22500000
say "virtual stake at the next epoch: $(delegated)"
say "lien before withdrawing: $(lien external/consumer-1); waiting ${UNBONDING}s"
sleep "$UNBONDING"
p_tx external-staking withdraw-unbonded consumer-1 --from alice
say "lien after withdraw-unbonded: $(lien external/consumer-1); free collateral $(vault free)"

step "5. The consumer's validator double-signs (slash 5%, tombstoned)"
collateral_before=$(vault collateral)
height=$("$DOUBLE_SIGN" --node 127.0.1.1:26657 --chain-id consumer-1 --key "$BASE/consumer/node0/config/priv_validator_key.json")
say "evidence included in consumer block $height"
wait_for "the provider to see it tombstoned" \
  "p_query external-staking validators consumer-1 | jq -r --arg v $VALIDATOR '.validators[] | select(.valoper == \$v) | .state'" tombstoned
wait_for "the provider's slash" "stake amount" 47500000
say "alice's cross-stake 50,000,000 -> $(stake amount); collateral $collateral_before -> $(vault collateral)"

step "6. consumer-1's authority sets provider-1's cap to zero: everything winds down"
c_tx converter update-provider provider-1 --cap 0 --from alice
wait_for "the provider to release alice's stake" "lien external/consumer-1" 0
say "lien of consumer-1: $(lien external/consumer-1); free collateral $(vault free) of $(vault collateral)"
wait_for "no virtual stake left" delegated 0
say "virtual stake for provider-1 on the consumer: $(delegated)"

step "Done. The chains and Hermes keep running under $BASE (stop: make localnet-ibc-stop)"
