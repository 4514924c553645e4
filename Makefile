# rmesh developer entry points. Release profile everywhere, so tests and the binary share one build.
SHELL := /bin/bash

export CARGO_TARGET_DIR ?= $(HOME)/.cache/rmesh-target
GOPATH_DIR := $(shell go env GOPATH 2>/dev/null)
ifneq ($(GOPATH_DIR),)
export PATH := $(GOPATH_DIR)/bin:$(PATH)
endif
# The e2e tests (tests/) run this binary.
export RMESHD_BIN ?= $(CARGO_TARGET_DIR)/release/rmeshd

.PHONY: tools test-tools build localnet localnet-join localnet-stop localnet-ibc localnet-ibc-stop demo test bench fmt lint

## tools: install what is missing (clang/libclang, CometBFT v0.38.25, Hermes, ...)
tools:
	bash scripts/install-tools.sh

## test-tools: the same plus cargo-nextest, which runs the tests
test-tools:
	bash scripts/install-tools.sh --with-nextest

## build: the rmeshd binary, in $(CARGO_TARGET_DIR)/release/rmeshd
build:
	cargo build --release -p rmeshd

## localnet: start N (default 4) validators on 127.0.0.x: make localnet [N=2]
localnet:
	bash localnet/start.sh $(N)

## localnet-join: start one more node that syncs the running localnet and becomes a validator
localnet-join:
	bash localnet/join.sh

## localnet-stop: stop them (state is kept)
localnet-stop:
	bash localnet/stop.sh

## localnet-ibc: a consumer and a provider chain with Hermes, a transfer and a mesh-security channel
localnet-ibc: build
	LOCALNET_RMESHD=$(RMESHD_BIN) bash localnet/ibc.sh

## demo: provider + consumer + Hermes, then cross-staking, rewards, unbonding, a slash and a wind-down, narrated
demo: build
	cargo build --release -p rmesh-e2e --bin double-sign
	LOCALNET_RMESHD=$(RMESHD_BIN) bash localnet/demo.sh

## localnet-ibc-stop: stop both chains and Hermes
localnet-ibc-stop:
	bash localnet/ibc.sh stop

## test: unit, app and end-to-end tests, several at once (.config/nextest.toml). Building the
## tests builds the rmeshd binary the end-to-end tests run (app has integration tests), with the
## workspace's features: a separate `cargo build -p rmeshd` first would compile everything twice.
test: test-tools
	cargo nextest run --workspace --cargo-profile release

## bench: committed tx/s of 4 rmesh validators vs CometBFT's kvstore under the same load (prints figures)
bench: tools build
	cargo bench -p rmesh-e2e --bench localnet_tps

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets --release -- -D warnings
