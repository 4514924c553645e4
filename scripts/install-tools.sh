#!/usr/bin/env bash
# Installs what building and running rmesh needs and is missing; safe to run again.
#   - clang + libclang-dev (bindgen for RocksDB), g++, make, curl, jq, protoc (proto/ codegen):
#     Debian packages
#   - Node.js + npm (only if `node` is missing): the cosmjs wallet and chain-registry tests
#   - Chromium (only if `chromium` is missing): the dashboard test loads the page headless
#   - CometBFT v0.38.25 and its `abci-cli` (the throughput bench runs its kvstore as a separate
#     process): `go install` into $(go env GOPATH)/bin
#   - Hermes 1.10.5 (IBC relayer): `cargo install ibc-relayer-cli --locked` into ~/.cargo/bin,
#     unless --without-hermes (a single chain never relays: `make localnet` skips it)
#   - cargo-nextest (runs `make test`'s tests in parallel), only with --with-nextest
# Rust (cargo) and Go must already be there. Callers should put $(go env GOPATH)/bin on PATH.
set -euo pipefail

COMETBFT_VERSION=v0.38.25
HERMES_VERSION=1.10.5
NEXTEST_VERSION=0.9.151

WITH_HERMES=1
WITH_NEXTEST=0
for arg in "$@"; do
  case "$arg" in
    --without-hermes) WITH_HERMES=0 ;;
    --with-nextest) WITH_NEXTEST=1 ;;
    *) echo "install-tools: unknown option $arg (known: --without-hermes, --with-nextest)" >&2; exit 2 ;;
  esac
done

log() { echo "install-tools: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root to run: $*"; exit 1
  fi
}

install_debian_packages() {
  local missing=() p
  for p in clang libclang-dev g++ make curl jq ca-certificates protobuf-compiler; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  # headless Chromium loads the mesh dashboard in its test
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_cometbft() {
  command -v go >/dev/null 2>&1 || { log "Go is required to install CometBFT (https://go.dev/doc/install)"; exit 1; }
  local bin
  bin="$(go env GOPATH)/bin"
  export PATH="$bin:$PATH"
  local tool
  for tool in cmd/cometbft abci/cmd/abci-cli; do
    [ "$(cometbft_module_version "$bin/${tool##*/}")" = "$COMETBFT_VERSION" ] && continue
    log "installing ${tool##*/} $COMETBFT_VERSION into $bin"
    go install "github.com/cometbft/cometbft/$tool@$COMETBFT_VERSION"
  done
  [ "$(cometbft version)" = "${COMETBFT_VERSION#v}" ] || { log "cometbft on PATH is not $COMETBFT_VERSION: $(command -v cometbft)"; exit 1; }
}

# The CometBFT module version a `go install`ed binary was built from (empty if none).
cometbft_module_version() {
  [ -x "$1" ] || return 0
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/cometbft/cometbft" { print $3 }'
}

# Hermes, the IBC relayer the end-to-end IBC tests and the two-chain localnet run. Newer
# versions download proving keys while building; 1.10.5 builds offline.
install_hermes() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if [ "$(hermes version 2>/dev/null | grep -o 'hermes [0-9.]*' || true)" = "hermes ${HERMES_VERSION}" ]; then
    return 0
  fi
  log "installing Hermes $HERMES_VERSION with cargo install (about 15 minutes on 2 cores)"
  cargo install ibc-relayer-cli --version "$HERMES_VERSION" --locked --bin hermes
}

# cargo-nextest, which `make test` runs the suite with (several test processes at once).
install_nextest() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if [ "$(cargo nextest --version 2>/dev/null | head -n 1 | grep -o 'nextest [0-9.]*' || true)" = "nextest ${NEXTEST_VERSION}" ]; then
    return 0
  fi
  log "installing cargo-nextest $NEXTEST_VERSION with cargo install (a few minutes on 2 cores)"
  # Its own target directory: the project's is for the project's profile and lockfile.
  cargo install cargo-nextest --version "$NEXTEST_VERSION" --locked \
    --no-default-features --features default-no-update \
    --target-dir "${TMPDIR:-/tmp}/rmesh-nextest-build"
}

command -v cargo >/dev/null 2>&1 || { log "Rust (cargo) is required (https://rustup.rs)"; exit 1; }
install_debian_packages
install_cometbft
[ "$WITH_NEXTEST" = 1 ] && install_nextest
[ "$WITH_HERMES" = 1 ] && install_hermes
exit 0
