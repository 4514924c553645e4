#!/usr/bin/env bash
# Stops the localnet started by localnet/start.sh ($LOCALNET_DIR, default ./.localnet). Its state
# stays; start.sh resumes it, start.sh --fresh replaces it. Safe to run when nothing runs.
set -euo pipefail

DIR="$(realpath -m "${LOCALNET_DIR:-$PWD/.localnet}")"
PIDS="$DIR/pids"

if [ ! -f "$PIDS" ]; then
  echo "no localnet running in $DIR"
  exit 0
fi

# Only pids that still run a process on a node home under $DIR (pids can be reused; a zombie has
# an empty command line).
ours() {
  local cmdline
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ "$cmdline" == *"$DIR/node"* ]]
}

# CometBFT first, so it does not see its app vanish mid-block.
pids=()
for kind in cometbft rmeshd; do
  while read -r name pid; do
    if [[ "$name" != *"-$kind" ]] || ! ours "$pid"; then continue; fi
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done <"$PIDS"
  sleep 0.5
done

for ((t = 0; t < 100; t++)); do
  alive=()
  for pid in "${pids[@]}"; do ours "$pid" && alive+=("$pid"); done
  [ "${#alive[@]}" -eq 0 ] && break
  sleep 0.1
done
for pid in "${pids[@]}"; do
  if ours "$pid"; then
    echo "pid $pid did not stop after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -f "$PIDS"
echo "stopped ${#pids[@]} processes of the localnet in $DIR (state kept; start.sh resumes it)"
