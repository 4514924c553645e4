# rmesh developer entry points. Release profile everywhere, so tests and the binary share one build.
SHELL := /bin/bash

export CARGO_TARGET_DIR ?= $(HOME)/.cache/rmesh-target
GOPATH_DIR := $(shell go env GOPATH 2>/dev/null)
ifneq ($(GOPATH_DIR),)
export PATH := $(GOPATH_DIR)/bin:$(PATH)
endif
# The e2e tests (tests/) run this binary.
export RMESHD_BIN ?= $(CARGO_TARGET_DIR)/release/rmeshd

.PHONY: tools build localnet localnet-join localnet-stop localnet-ibc localnet-ibc-stop demo test bench fmt lint

## tools: install what is missing (clang/libclang, CometBFT v0.38.25, ...)
tools:
	bash scripts/install-tools.sh

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

## test: unit, app and end-to-end tests (needs the rmeshd binary, built first)
test: tools build
	@if cargo nextest --version >/dev/null 2>&1; then \
		cargo nextest run --workspace --cargo-profile release; \
	else \
		cargo test --workspace --release; \
	fi

## bench: committed tx/s of 4 rmesh validators vs CometBFT's kvstore under the same load (prints figures)
bench: tools build
	cargo bench -p rmesh-e2e --bench localnet_tps

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets --release -- -D warnings
