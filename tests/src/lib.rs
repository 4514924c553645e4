//! End-to-end test harness for rmesh: real `rmeshd` and CometBFT v0.38 processes on loopback.
//!
//! # What a test gets
//! [`TestNet::builder`] makes a temporary directory with N validator homes (`rmeshd init` for one
//! node, `cometbft testnet` for more), funds demo accounts in genesis through the `rmeshd` CLI as an
//! operator would, makes each node's consensus key a staking genesis validator self-bonded by its
//! own operator key (`validator<i>`, as `localnet/start.sh` does), applies the builder's genesis
//! params, starts one `rmeshd start` and one `cometbft start` per node as child processes and waits
//! until every node has committed a block. Helpers run the CLI, talk to CometBFT's RPC, sign txs
//! with rmeshd's own client ([`client`]), wait for heights / txs / balances (every wait has a
//! timeout), kill (SIGKILL), stop (SIGTERM) and restart a node, and add a full node that syncs the
//! net ([`TestNet::add_full_node`]); [`evidence`] crafts duplicate-vote evidence. Dropping the
//! [`TestNet`] SIGKILLs every process it started; each child also gets
//! `PR_SET_PDEATHSIG = SIGKILL`, so even a test process that dies without unwinding leaves nothing
//! running. On a panic the tail of every node's logs is printed; `RMESH_E2E_KEEP=1` keeps the
//! directory (its path is printed; add `--nocapture` to see it for a passing test).
//!
//! # How parallel tests avoid each other
//! Node `i` of a net listens on its own loopback address `127.0.B.(i+1)`, all nodes on the same
//! ports: the standard ones (P2P 26656, RPC 26657, ABCI 26658, gRPC 9090, REST 1317, metrics
//! 26661) unless some process holds one of those on all addresses (a CometBFT with its default
//! `0.0.0.0:26656`, say), then 36656-36659, 36317 and 36661, or 46656-46659, 46317 and 46661. Each net claims a free block `B` (10..=250; the localnet script
//! uses 127.0.0.x) by binding a lock socket on `127.0.B.254:26999` for its whole life, and skips
//! blocks where one of its ports is taken; a full node added later takes the next address of the
//! block. Claiming is automatic and works across threads and processes (`cargo test` and
//! `cargo nextest` alike): a test never picks an address by hand.
//!
//! # Binaries
//! `rmeshd`: `$RMESHD_BIN`, else `$CARGO_TARGET_DIR/release/rmeshd`, else the `release/` directory
//! of the target dir this test binary was built in, else `<workspace>/target/release/rmeshd`.
//! Build it first: `cargo build --release -p rmeshd` (`make test` does).
//! `cometbft`: `$COMETBFT_BIN`, else `cometbft` on `PATH`, else `$GOPATH/bin` / `~/go/bin`.
//!
//! Child processes die with the *thread* that spawned them (that is how `PR_SET_PDEATHSIG` works),
//! so create and restart nodes from the test's own thread, not from a short-lived helper thread.

pub mod client;
mod config;
pub mod dashboard;
pub mod evidence;
pub mod hermes;
pub mod mesh;
mod net;
mod ports;
mod process;
mod queries;
pub mod rpc;
mod wait;
pub mod walk;

pub use config::*;
pub use net::*;
pub use ports::*;
pub use process::*;
pub use wait::*;

use anyhow::{anyhow, bail, ensure, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub const DENOM: &str = "urmesh";
pub const PREFIX: &str = "rmesh";
pub const MIN_GAS_PRICE: &str = "0.001urmesh";
/// Fee and gas the CLI helpers pass to `rmeshd tx`.
pub const FEE: u128 = 2000;
pub const GAS: u64 = 200_000;
/// What each funded genesis account starts with.
pub const GENESIS_COINS: u128 = 1_000_000_000;
/// What each genesis validator's operator key (`validator<i>`) starts with, and how much of it
/// that validator self-bonds (100 tokens, 100 voting power), as in `localnet/start.sh`.
pub const OPERATOR_COINS: u128 = 1_000_000_000;
pub const SELF_BOND: u128 = 100_000_000;
/// urmesh per unit of CometBFT voting power.
pub const POWER_REDUCTION: u128 = 1_000_000;

/// CometBFT `consensus.timeout_commit` of a test net unless its builder sets another.
pub const DEFAULT_TIMEOUT_COMMIT: &str = "500ms";

/// Default bound for waits that should take a few blocks.
pub const WAIT: Duration = Duration::from_secs(60);

/// BIP39 test-vector mnemonics (valid checksums), so test accounts are the same in every run.
pub const ALICE: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
pub const BOB: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";
pub const CAROL: &str =
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above";
pub const DAVE: &str = "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong";
