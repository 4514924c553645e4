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
//! ports: the standard ones (P2P 26656, RPC 26657, ABCI 26658, gRPC 9090) unless some process
//! holds one of those on all addresses (a CometBFT with its default `0.0.0.0:26656`, say), then
//! 36656-36659 or 46656-46659. Each net claims a free block `B` (10..=250; the localnet script
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
pub mod evidence;
pub mod hermes;
pub mod mesh;
pub mod rpc;

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

/// The ports of one node. Every node of a net uses the same ones on its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub p2p: u16,
    pub rpc: u16,
    pub abci: u16,
    pub grpc: u16,
}

impl Ports {
    fn all(&self) -> [u16; 4] {
        [self.p2p, self.rpc, self.abci, self.grpc]
    }
}

/// The standard ports first; the others when a process on this machine holds one of those on
/// all addresses (0.0.0.0 or [::], e.g. a CometBFT with its default P2P address).
const PORT_SETS: [Ports; 3] = [
    Ports {
        p2p: 26656,
        rpc: 26657,
        abci: 26658,
        grpc: 9090,
    },
    Ports {
        p2p: 36656,
        rpc: 36657,
        abci: 36658,
        grpc: 36659,
    },
    Ports {
        p2p: 46656,
        rpc: 46657,
        abci: 46658,
        grpc: 46659,
    },
];
const LOCK_PORT: u16 = 26999;

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

// ---------------------------------------------------------------------------------------------
// binaries and processes

/// Path of the `rmeshd` binary (see the crate docs for the search order).
pub fn rmeshd_bin() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("RMESHD_BIN") {
        let p = PathBuf::from(p);
        ensure!(p.is_file(), "RMESHD_BIN={} does not exist", p.display());
        return Ok(p);
    }
    let mut candidates = Vec::new();
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(t).join("release/rmeshd"));
    }
    // <target>/<profile>/deps/<test binary>
    if let Some(target) = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.parent()?.to_path_buf()))
    {
        candidates.push(target.join("release/rmeshd"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/rmeshd"));
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        anyhow!(
            "rmeshd binary not found (looked at {candidates:?}); build it with `cargo build --release -p rmeshd` or set RMESHD_BIN"
        )
    })
}

/// Path of the `cometbft` binary (see the crate docs for the search order).
pub fn cometbft_bin() -> Result<PathBuf> {
    find_tool("cometbft", "COMETBFT_BIN", &["go/bin"])
}

/// Path of the `hermes` relayer: `HERMES_BIN`, `PATH`, then `~/.cargo/bin`.
/// Path of CometBFT's `abci-cli`: `ABCI_CLI_BIN`, `PATH`, then `~/go/bin`.
pub fn abci_cli_bin() -> Result<PathBuf> {
    find_tool("abci-cli", "ABCI_CLI_BIN", &["go/bin"])
}

pub fn hermes_bin() -> Result<PathBuf> {
    find_tool("hermes", "HERMES_BIN", &[".cargo/bin"])
}

/// An installed tool: `$env_var`, then `PATH`, `$GOPATH/bin`, then `~/<dir>/<name>`.
fn find_tool(name: &str, env_var: &str, home_dirs: &[&str]) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(env_var) {
        return Ok(PathBuf::from(p));
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect())
        .unwrap_or_default();
    if let Some(g) = std::env::var_os("GOPATH") {
        candidates.extend(std::env::split_paths(&g).map(|d| d.join("bin").join(name)));
    }
    if let Some(h) = std::env::var_os("HOME") {
        candidates.extend(
            home_dirs
                .iter()
                .map(|d| PathBuf::from(&h).join(d).join(name)),
        );
    }
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| anyhow!("{name} not found (set {env_var}); run scripts/install-tools.sh"))
}

/// Makes the child get SIGKILL when the thread that spawned it goes away.
pub fn die_with_parent(cmd: &mut Command) {
    extern "C" {
        fn prctl(option: std::os::raw::c_int, ...) -> std::os::raw::c_int;
    }
    const PR_SET_PDEATHSIG: std::os::raw::c_int = 1;
    const SIGKILL: std::os::raw::c_ulong = 9;
    // SAFETY: prctl is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            Ok(())
        });
    }
}

/// A `Command` for `rmeshd` with the directory of `cometbft` first on its PATH (`rmeshd init` runs
/// `cometbft init`).
pub fn rmeshd_command() -> Result<Command> {
    let mut cmd = Command::new(rmeshd_bin()?);
    let comet_dir = cometbft_bin()?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = std::env::var_os("PATH").unwrap_or_default();
    cmd.env(
        "PATH",
        std::env::join_paths(std::iter::once(comet_dir).chain(std::env::split_paths(&path)))?,
    );
    Ok(cmd)
}

/// Runs the rmeshd CLI with `args` and optional `stdin` (60s bound), success or not.
pub fn rmeshd(args: &[&str], stdin: Option<&str>) -> Result<CliOutput> {
    run_with_timeout(rmeshd_command()?.args(args), stdin, Duration::from_secs(60))
}

/// What a finished CLI command printed.
#[derive(Debug)]
pub struct CliOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Stdout parsed as JSON (the first `{` or `[` on, so a leading line of text is tolerated).
    pub fn json(&self) -> Result<Value> {
        parse_json(&self.stdout)
    }
}

/// The address cosmrs derives from `mnemonic` on the SDK's path m/44'/118'/0'/0/0, independently
/// of rmeshd's keyring (so the CLI's derivation is checked against another implementation).
pub fn cosmrs_address(mnemonic: &str) -> Result<String> {
    let seed = bip39::Mnemonic::parse(mnemonic)?.to_seed("");
    let path = "m/44'/118'/0'/0/0".parse().map_err(|e| anyhow!("{e}"))?;
    let key = cosmrs::crypto::secp256k1::SigningKey::derive_from_path(seed, &path)
        .map_err(|e| anyhow!("{e}"))?;
    let address = key.public_key().account_id(PREFIX);
    Ok(address.map_err(|e| anyhow!("{e}"))?.to_string())
}

pub fn parse_json(s: &str) -> Result<Value> {
    let start = s
        .find(['{', '['])
        .ok_or_else(|| anyhow!("no JSON in output: {s:?}"))?;
    serde_json::from_str(s[start..].trim()).with_context(|| format!("output is not JSON: {s:?}"))
}

/// Runs `cmd` to completion, feeding it `stdin`, killing it after `timeout`.
pub fn run_with_timeout(
    cmd: &mut Command,
    stdin: Option<&str>,
    timeout: Duration,
) -> Result<CliOutput> {
    let mut out = tempfile::tempfile()?;
    let mut err = tempfile::tempfile()?;
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(out.try_clone()?)
    .stderr(err.try_clone()?);
    die_with_parent(cmd);
    let what = format!("{cmd:?}");
    let mut child = cmd.spawn().with_context(|| format!("spawning {what}"))?;
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("piped stdin");
        // A child that exits without reading closes the pipe; that shows up in its exit status.
        let _ = pipe.write_all(input.as_bytes());
    }
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("timed out after {timeout:?}: {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |f: &mut File| -> Result<String> {
        let mut s = String::new();
        f.seek(SeekFrom::Start(0))?;
        f.read_to_string(&mut s)?;
        Ok(s)
    };
    Ok(CliOutput {
        status,
        stdout: read(&mut out)?,
        stderr: read(&mut err)?,
    })
}

/// True when something LISTENs on `ip:port` (read from /proc/net/tcp, so nothing connects to it).
pub fn is_listening(ip: Ipv4Addr, port: u16) -> bool {
    let want = format!("{:08X}:{:04X}", u32::from_le_bytes(ip.octets()), port);
    listening_sockets("/proc/net/tcp").any(|a| a == want)
}

/// True when `ip:port` cannot be bound: something listens on it, or on the port on all addresses.
pub fn is_taken(ip: Ipv4Addr, port: u16) -> bool {
    let any4 = format!("{:08X}:{port:04X}", 0);
    let any6 = format!("{:032X}:{port:04X}", 0);
    is_listening(ip, port)
        || listening_sockets("/proc/net/tcp").any(|a| a == any4)
        || listening_sockets("/proc/net/tcp6").any(|a| a == any6)
}

fn listening_sockets(table: &str) -> impl Iterator<Item = String> {
    let text = fs::read_to_string(table).unwrap_or_default();
    let rows: Vec<String> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() > 3 && cols[3] == "0A").then(|| cols[1].to_string())
        })
        .collect();
    rows.into_iter()
}

/// An error that ends a [`wait_until`] at once instead of being retried (e.g. a process died).
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

/// Polls `f` every 200ms until it returns `Ok(true)`; fails after `timeout` with the last error.
pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut f: impl FnMut() -> Result<bool>,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("condition never held");
    loop {
        match f() {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) if e.downcast_ref::<Fatal>().is_some() => {
                return Err(e.context(format!("while waiting for {what}")))
            }
            Err(e) => last = format!("{e:#}"),
        }
        if Instant::now() > deadline {
            bail!("timed out after {timeout:?} waiting for {what} (last: {last})");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Depth-first search for `key` anywhere in a JSON value (for outputs whose nesting may vary).
pub fn find_key<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m
            .get(key)
            .or_else(|| m.values().find_map(|x| find_key(x, key))),
        Value::Array(a) => a.iter().find_map(|x| find_key(x, key)),
        _ => None,
    }
}

/// A JSON number or decimal string as u128.
pub fn as_u128(v: &Value) -> Option<u128> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64().map(u128::from),
        _ => None,
    }
}

/// The `denom` amount in an SDK-shaped `{"balances":[{"denom":..,"amount":..}]}` (0 when absent).
pub fn balance_of(balances: &Value, denom: &str) -> Result<u128> {
    let list = balances
        .get("balances")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("no \"balances\" array in {balances}"))?;
    for c in list {
        if c.get("denom").and_then(Value::as_str) == Some(denom) {
            return c
                .get("amount")
                .and_then(as_u128)
                .ok_or_else(|| anyhow!("bad amount in {c}"));
        }
    }
    Ok(0)
}

/// Copies a directory tree (files and directories only).
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn tail(path: &Path, lines: usize) -> String {
    let s = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

// ---------------------------------------------------------------------------------------------
// config editing

/// Sets `key = value` (value given as TOML, e.g. `"\"1s\""` or `"true"`) in `[section]` of a
/// CometBFT config.toml; `section` "" is the top level. Fails if the key is not there.
pub fn set_toml(path: &Path, section: &str, key: &str, value: &str) -> Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut current = String::new();
    let mut found = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            current = t[1..t.len() - 1].to_string();
        } else if current == section && t.split('=').next().map(str::trim) == Some(key) && !found {
            out.push_str(&format!("{key} = {value}\n"));
            found = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    ensure!(found, "{}: no key {key} in [{section}]", path.display());
    fs::write(path, out)?;
    Ok(())
}

/// The value of `key` in `[section]` of a CometBFT config.toml (quotes removed).
pub fn get_toml(path: &Path, section: &str, key: &str) -> Result<String> {
    let text = fs::read_to_string(path)?;
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            current = t[1..t.len() - 1].to_string();
        } else if current == section {
            if let Some((k, v)) = t.split_once('=') {
                if k.trim() == key {
                    return Ok(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    bail!("{}: no key {key} in [{section}]", path.display())
}

// ---------------------------------------------------------------------------------------------
// the test net

/// Which ABCI application the CometBFT nodes run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// `rmeshd start` next to each CometBFT node (the real thing).
    Rmeshd,
    /// CometBFT's built-in `kvstore` (no rmeshd; to check the harness or compare throughput).
    KvStore,
    /// The same `kvstore` as its own process (`abci-cli kvstore`), which CometBFT reaches over
    /// an ABCI socket as it reaches rmeshd: what any out-of-process app could at best do.
    SocketKvStore,
}

/// A key the builder adds to the test keyring, funded in genesis when `coins` is set.
#[derive(Debug, Clone)]
pub struct GenesisKey {
    pub name: String,
    pub mnemonic: String,
    pub coins: Option<String>,
}

pub struct TestNetBuilder {
    validators: usize,
    chain_id: String,
    app: App,
    timeout_commit: String,
    keys: Vec<GenesisKey>,
    /// (address, coins) funded in genesis without a key in the keyring.
    accounts: Vec<(String, String)>,
    /// Extra (section, key, TOML value) settings for every node's config.toml.
    config: Vec<(String, String, String)>,
    /// `rmeshd genesis set-params` flags (without `--`) and values.
    params: Vec<(String, String)>,
    /// Other `rmeshd genesis` commands (without `genesis` and `--home`).
    genesis_commands: Vec<Vec<String>>,
}

impl TestNetBuilder {
    /// Number of validators (1 uses `rmeshd init`, more use `cometbft testnet`).
    pub fn validators(mut self, n: usize) -> Self {
        self.validators = n;
        self
    }
    pub fn chain_id(mut self, id: &str) -> Self {
        self.chain_id = id.to_string();
        self
    }
    pub fn app(mut self, app: App) -> Self {
        self.app = app;
        self
    }
    /// CometBFT `consensus.timeout_commit`, e.g. "500ms".
    pub fn timeout_commit(mut self, t: &str) -> Self {
        self.timeout_commit = t.to_string();
        self
    }
    /// Sets `[section] key = value` (value as TOML, e.g. `"false"` or `"\"1s\""`) in every
    /// node's CometBFT config.toml, after the harness's own settings.
    pub fn config(mut self, section: &str, key: &str, value: &str) -> Self {
        self.config.push((section.into(), key.into(), value.into()));
        self
    }
    /// Adds a key to the keyring; funds it in genesis with `coins` (e.g. "1000urmesh") if given.
    pub fn key(mut self, name: &str, mnemonic: &str, coins: Option<&str>) -> Self {
        self.keys.retain(|k| k.name != name);
        self.keys.push(GenesisKey {
            name: name.into(),
            mnemonic: mnemonic.into(),
            coins: coins.map(Into::into),
        });
        self
    }

    /// Funds `address` with `coins` in genesis (no key in the keyring: for keys a test holds
    /// itself, e.g. many [`client::Wallet::random`] senders).
    pub fn fund(mut self, address: &str, coins: &str) -> Self {
        self.accounts.push((address.into(), coins.into()));
        self
    }

    /// A genesis parameter, as `rmeshd genesis set-params --<flag> <value>` sets it, e.g.
    /// `genesis_param("signed-blocks-window", "10")`.
    pub fn genesis_param(mut self, flag: &str, value: &str) -> Self {
        self.params.push((flag.into(), value.into()));
        self
    }

    /// Runs `rmeshd genesis <args>` on the net's genesis, e.g.
    /// `genesis_command(&["add-consumer", "consumer-1", "--connection-id", "connection-0"])`.
    pub fn genesis_command(mut self, args: &[&str]) -> Self {
        self.genesis_commands
            .push(args.iter().map(|a| a.to_string()).collect());
        self
    }

    pub fn start(self) -> Result<TestNet> {
        TestNet::create(self)
    }
}

/// One validator: a CometBFT home with its rmeshd state, listening on its own loopback address.
pub struct Node {
    pub index: usize,
    pub home: PathBuf,
    pub ip: Ipv4Addr,
    pub ports: Ports,
    /// The app process beside CometBFT: rmeshd, or `abci-cli` for [`App::SocketKvStore`].
    rmeshd: Option<Child>,
    cometbft: Option<Child>,
}

impl Node {
    pub fn rpc_url(&self) -> String {
        format!("http://{}:{}", self.ip, self.ports.rpc)
    }
    pub fn rpc_addr(&self) -> SocketAddr {
        (self.ip, self.ports.rpc).into()
    }
    pub fn grpc_addr(&self) -> String {
        format!("{}:{}", self.ip, self.ports.grpc)
    }
    pub fn abci_addr(&self) -> String {
        format!("{}:{}", self.ip, self.ports.abci)
    }
    /// Where rmeshd keeps its state.
    pub fn app_db(&self) -> PathBuf {
        self.home.join("data/rmesh.db")
    }
    pub fn rmeshd_log(&self) -> PathBuf {
        self.home.join("rmeshd.log")
    }
    pub fn cometbft_log(&self) -> PathBuf {
        self.home.join("cometbft.log")
    }
    pub fn config_toml(&self) -> PathBuf {
        self.home.join("config/config.toml")
    }
    pub fn rmeshd_running(&mut self) -> bool {
        matches!(self.rmeshd.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }
    pub fn cometbft_running(&mut self) -> bool {
        matches!(self.cometbft.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }
    /// CometBFT's `config/priv_validator_key.json`: this node's consensus key.
    pub fn priv_validator_key_file(&self) -> PathBuf {
        self.home.join("config/priv_validator_key.json")
    }
    /// This node's consensus public key, base64 (what `--pubkey` takes).
    pub fn consensus_pubkey(&self) -> Result<String> {
        let path = self.priv_validator_key_file();
        let key: Value = serde_json::from_str(&fs::read_to_string(&path)?)?;
        key["pub_key"]["value"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow!("{}: no pub_key.value", path.display()))
    }
    /// This node's validator address, upper-case hex as CometBFT's RPC prints it (read from its
    /// key file, so it works while the node is down).
    pub fn consensus_address(&self) -> Result<String> {
        Ok(evidence::ConsensusKey::from_file(&self.priv_validator_key_file())?.address_hex())
    }
    /// Process ids of this node's rmeshd and CometBFT, while they are ours.
    pub fn pids(&self) -> (Option<u32>, Option<u32>) {
        (
            self.rmeshd.as_ref().map(Child::id),
            self.cometbft.as_ref().map(Child::id),
        )
    }
}

/// Sends SIGTERM and waits up to 20s for the process to exit, then SIGKILLs it.
fn terminate(child: &mut Option<Child>) {
    extern "C" {
        #[link_name = "kill"]
        fn libc_kill(pid: i32, sig: i32) -> i32;
    }
    const SIGTERM: i32 = 15;
    if let Some(c) = child.as_mut() {
        // SAFETY: plain syscall on a pid we own (the child is not reaped yet, so it is still ours).
        unsafe { libc_kill(c.id() as i32, SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while matches!(c.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    kill(child);
}

fn kill(child: &mut Option<Child>) {
    if let Some(mut c) = child.take() {
        let _ = c.kill(); // SIGKILL
        let _ = c.wait();
    }
}

pub struct TestNet {
    dir: Option<tempfile::TempDir>,
    /// Directory holding `node0..`, `keys/` and the logs.
    pub root: PathBuf,
    pub chain_id: String,
    pub nodes: Vec<Node>,
    /// `--home` of the CLI keyring (`keys/keyring-file`).
    pub keys_home: PathBuf,
    pub app: App,
    rmeshd: Option<PathBuf>,
    cometbft: PathBuf,
    /// key name -> bech32 address
    addresses: BTreeMap<String, String>,
    /// The builder's timeout_commit and config.toml settings, for nodes added later.
    timeout_commit: String,
    config: Vec<(String, String, String)>,
    _lock: TcpListener,
}

static NEXT_BLOCK: AtomicU32 = AtomicU32::new(0);

/// Claims a free 127.0.B.0/24 block and a port set for `nodes` nodes; see the crate docs.
fn claim_block(nodes: usize) -> Result<(u8, Ports, TcpListener)> {
    ensure!(
        (1..=50).contains(&nodes),
        "between 1 and 50 nodes, not {nodes}"
    );
    let seed = std::process::id()
        .wrapping_mul(7919)
        .wrapping_add(NEXT_BLOCK.fetch_add(1, Ordering::Relaxed));
    for k in 0..241u32 {
        let b = 10 + (seed.wrapping_add(k) % 241) as u8;
        let Ok(lock) = TcpListener::bind((Ipv4Addr::new(127, 0, b, 254), LOCK_PORT)) else {
            continue;
        };
        let free = PORT_SETS.into_iter().find(|ports| {
            (1..=nodes as u8).all(|i| {
                let ip = Ipv4Addr::new(127, 0, b, i);
                ports.all().iter().all(|p| !is_taken(ip, *p))
            })
        });
        if let Some(ports) = free {
            return Ok((b, ports, lock));
        }
    }
    bail!("no free 127.0.B.x block for a test net")
}

impl TestNet {
    /// Defaults: 1 validator running rmeshd, chain id `rmesh-e2e`, timeout_commit
    /// [`DEFAULT_TIMEOUT_COMMIT`], keys
    /// `alice` and `bob` funded with [`GENESIS_COINS`] urmesh and `carol` in the keyring unfunded
    /// (plus each validator's operator key `validator<i>`, see [`SELF_BOND`]), default genesis
    /// params.
    pub fn builder() -> TestNetBuilder {
        let funded = format!("{GENESIS_COINS}{DENOM}");
        TestNetBuilder {
            validators: 1,
            chain_id: "rmesh-e2e".into(),
            app: App::Rmeshd,
            timeout_commit: DEFAULT_TIMEOUT_COMMIT.into(),
            keys: vec![],
            accounts: vec![],
            config: vec![],
            params: vec![],
            genesis_commands: vec![],
        }
        .key("alice", ALICE, Some(&funded))
        .key("bob", BOB, Some(&funded))
        .key("carol", CAROL, None)
    }

    /// A net of `n` rmesh validators with the default accounts.
    pub fn start(n: usize) -> Result<TestNet> {
        Self::builder().validators(n).start()
    }

    fn create(b: TestNetBuilder) -> Result<TestNet> {
        let cometbft = cometbft_bin()?;
        let rmeshd = match b.app {
            App::Rmeshd => Some(rmeshd_bin()?),
            App::KvStore | App::SocketKvStore => None,
        };
        let (block, ports, lock) = claim_block(b.validators)?;
        let dir = tempfile::Builder::new().prefix("rmesh-e2e-").tempdir()?;
        let root = dir.path().to_path_buf();
        let nodes = (0..b.validators)
            .map(|i| Node {
                index: i,
                home: root.join(format!("node{i}")),
                ip: Ipv4Addr::new(127, 0, block, i as u8 + 1),
                ports,
                rmeshd: None,
                cometbft: None,
            })
            .collect();
        let mut net = TestNet {
            dir: Some(dir),
            root: root.clone(),
            chain_id: b.chain_id.clone(),
            nodes,
            keys_home: root.join("keys"),
            app: b.app,
            rmeshd,
            cometbft,
            addresses: BTreeMap::new(),
            timeout_commit: b.timeout_commit.clone(),
            config: b.config.clone(),
            _lock: lock,
        };
        net.init_homes(&b).context("setting up node homes")?;
        if b.app == App::Rmeshd {
            let mut funded = Vec::new();
            for k in &b.keys {
                let addr = net.add_key(&k.name, &k.mnemonic)?;
                if let Some(coins) = &k.coins {
                    funded.push((addr, coins.clone()));
                }
            }
            funded.extend(b.accounts.iter().cloned());
            let operators = (0..b.validators)
                .map(|i| net.new_key(&format!("validator{i}")))
                .collect::<Result<Vec<_>>>()?;
            let coins = format!("{OPERATOR_COINS}{DENOM}");
            funded.extend(operators.iter().map(|a| (a.clone(), coins.clone())));
            let home = net.home_str(0);
            for (addr, coins) in &funded {
                net.cli_ok(&["genesis", "add-account", addr, coins, "--home", &home])?;
            }
            // Each node's consensus key is a staking genesis validator, as in the localnet.
            for (i, operator) in operators.iter().enumerate() {
                net.cli_ok(&[
                    "genesis",
                    "add-validator",
                    operator,
                    &format!("{SELF_BOND}{DENOM}"),
                    "--moniker",
                    &format!("node{i}"),
                    "--pubkey",
                    &net.nodes[i].consensus_pubkey()?,
                    "--home",
                    &home,
                ])?;
            }
            if !b.params.is_empty() {
                let mut args = vec![
                    "genesis".into(),
                    "set-params".into(),
                    "--home".into(),
                    home.clone(),
                ];
                for (flag, value) in &b.params {
                    args.extend([format!("--{flag}"), value.clone()]);
                }
                net.cli_ok(&strs(&args))?;
            }
            for command in &b.genesis_commands {
                let mut args = vec!["genesis".to_string()];
                args.extend(command.iter().cloned());
                args.extend(["--home".to_string(), home.clone()]);
                net.cli_ok(&strs(&args))?;
            }
            let genesis = net.nodes[0].home.join("config/genesis.json");
            for n in &net.nodes[1..] {
                fs::copy(&genesis, n.home.join("config/genesis.json"))?;
            }
        }
        for i in 0..net.nodes.len() {
            net.start_node(i)?;
        }
        net.wait_all_for_height(1, WAIT)?;
        Ok(net)
    }

    fn init_homes(&mut self, b: &TestNetBuilder) -> Result<()> {
        let n = self.nodes.len();
        if n == 1 && b.app == App::Rmeshd {
            let home = self.home_str(0);
            self.cli_ok(&["init", "node0", "--chain-id", &b.chain_id, "--home", &home])?;
        } else {
            let first_ip = self.nodes[0].ip.to_string();
            self.cometbft_cli(&[
                "testnet",
                "--v",
                &n.to_string(),
                "--o",
                &self.root.display().to_string(),
                "--starting-ip-address",
                &first_ip,
                "--p2p-port",
                &self.nodes[0].ports.p2p.to_string(),
            ])?;
            // `cometbft testnet` picks a random chain id and writes a genesis per node: use one.
            let g0 = self.nodes[0].home.join("config/genesis.json");
            let mut genesis: Value = serde_json::from_str(&fs::read_to_string(&g0)?)?;
            genesis["chain_id"] = Value::String(b.chain_id.clone());
            let text = serde_json::to_string_pretty(&genesis)?;
            for node in &self.nodes {
                fs::write(node.home.join("config/genesis.json"), &text)?;
            }
        }
        for i in 0..n {
            // `cometbft testnet` lists every node as a peer of every node, itself included.
            let node = &self.nodes[i];
            let own = format!("@{}:{}", node.ip, node.ports.p2p);
            let peers = get_toml(&node.config_toml(), "p2p", "persistent_peers")?;
            let peers: Vec<&str> = peers
                .split(',')
                .filter(|p| !p.is_empty() && !p.ends_with(&own))
                .collect();
            self.configure_node(i, &peers.join(","))?;
        }
        Ok(())
    }

    /// Points node `i`'s config.toml at its own address and ports, with `peers` (`id@ip:port,…`)
    /// as its persistent peers, the net's timeout_commit and the builder's extra settings.
    fn configure_node(&self, i: usize, peers: &str) -> Result<()> {
        let node = &self.nodes[i];
        let cfg = node.config_toml();
        let (ip, ports) = (node.ip, node.ports);
        let settings = [
            ("", "moniker", format!("node{i}")),
            ("", "proxy_app", format!("tcp://{ip}:{}", ports.abci)),
            ("rpc", "laddr", format!("tcp://{ip}:{}", ports.rpc)),
            ("p2p", "laddr", format!("tcp://{ip}:{}", ports.p2p)),
            ("p2p", "persistent_peers", peers.to_string()),
            ("consensus", "timeout_commit", self.timeout_commit.clone()),
        ];
        for (section, key, value) in settings {
            set_toml(&cfg, section, key, &format!("\"{value}\""))?;
        }
        set_toml(&cfg, "p2p", "allow_duplicate_ip", "true")?;
        set_toml(&cfg, "p2p", "addr_book_strict", "false")?;
        for (section, key, value) in &self.config {
            set_toml(&cfg, section, key, value)?;
        }
        Ok(())
    }

    /// Adds a full node (not a validator) on the next address of the net's block: a fresh
    /// CometBFT home (`cometbft init`: its own node and consensus keys) with the net's genesis and
    /// every other node as a persistent peer, and its own rmeshd. Starts it and waits until it has
    /// synced to node 0's height. Returns its index.
    pub fn add_full_node(&mut self) -> Result<usize> {
        let i = self.nodes.len();
        let [a, b, c, _] = self.nodes[0].ip.octets();
        ensure!(i < 250, "no address left for node{i}");
        let (ip, ports) = (Ipv4Addr::new(a, b, c, i as u8 + 1), self.nodes[0].ports);
        if let Some(p) = ports.all().into_iter().find(|p| is_taken(ip, *p)) {
            bail!("port {p} of {ip} is taken by another process");
        }
        let home = self.root.join(format!("node{i}"));
        self.cometbft_cli(&["init", "--home", &home.display().to_string()])?;
        fs::copy(
            self.nodes[0].home.join("config/genesis.json"),
            home.join("config/genesis.json"),
        )?;
        let peers = (0..i)
            .map(|j| self.p2p_address(j))
            .collect::<Result<Vec<_>>>()?;
        self.nodes.push(Node {
            index: i,
            home,
            ip,
            ports,
            rmeshd: None,
            cometbft: None,
        });
        self.configure_node(i, &peers.join(","))?;
        self.start_node(i)?;
        let target = self.height(0)?;
        self.wait_for_height(i, target, WAIT)?;
        Ok(i)
    }

    /// Node `j`'s `id@ip:port`, as persistent_peers lists it.
    pub fn p2p_address(&self, j: usize) -> Result<String> {
        let node = &self.nodes[j];
        let id = self.cometbft_cli(&["show-node-id", "--home", &self.home_str(j)])?;
        Ok(format!("{}@{}:{}", id.trim(), node.ip, node.ports.p2p))
    }

    /// Runs `cometbft <args>` (60s bound) and returns its stdout; fails unless it exits 0.
    fn cometbft_cli(&self, args: &[&str]) -> Result<String> {
        let out = run_with_timeout(
            Command::new(&self.cometbft).args(args),
            None,
            Duration::from_secs(60),
        )?;
        ensure!(
            out.success(),
            "cometbft {} failed: {}",
            args.join(" "),
            out.stderr
        );
        Ok(out.stdout)
    }

    fn home_str(&self, i: usize) -> String {
        self.nodes[i].home.display().to_string()
    }

    fn rmeshd_path(&self) -> Result<&Path> {
        self.rmeshd
            .as_deref()
            .ok_or_else(|| anyhow!("this net runs {:?}, not rmeshd", self.app))
    }

    /// Runs the rmeshd CLI with `args` (60s bound) and returns what it printed, success or not.
    pub fn cli(&self, args: &[&str]) -> Result<CliOutput> {
        self.cli_stdin(args, None)
    }

    pub fn cli_stdin(&self, args: &[&str], stdin: Option<&str>) -> Result<CliOutput> {
        self.rmeshd_path()?;
        rmeshd(args, stdin)
    }

    /// Runs the CLI and fails (with its stderr) unless it exits 0; returns stdout.
    pub fn cli_ok(&self, args: &[&str]) -> Result<String> {
        let out = self.cli(args)?;
        ensure!(
            out.success(),
            "rmeshd {} failed ({}): {}{}",
            args.join(" "),
            out.status,
            out.stderr,
            out.stdout
        );
        Ok(out.stdout)
    }

    /// Runs the CLI, requires exit 0, parses stdout as JSON.
    pub fn cli_json(&self, args: &[&str]) -> Result<Value> {
        parse_json(&self.cli_ok(args)?)
    }

    /// Adds `name` to the test keyring from `mnemonic` (`keys add --recover`) and returns its address.
    pub fn add_key(&mut self, name: &str, mnemonic: &str) -> Result<String> {
        let keys = self.keys_home.display().to_string();
        let out = self.cli_stdin(
            &["keys", "add", name, "--recover", "--home", &keys],
            Some(&format!("{mnemonic}\n")),
        )?;
        ensure!(
            out.success(),
            "rmeshd keys add {name} --recover failed: {}",
            out.stderr
        );
        let addr = self
            .cli_ok(&["keys", "show", name, "-a", "--home", &keys])?
            .trim()
            .to_string();
        ensure!(
            addr.starts_with(&format!("{PREFIX}1")),
            "keys show -a printed {addr:?}, not an {PREFIX}1… address"
        );
        self.addresses.insert(name.to_string(), addr.clone());
        Ok(addr)
    }

    /// Adds a new random key `name` to the test keyring (`keys add`) and returns its address.
    pub fn new_key(&mut self, name: &str) -> Result<String> {
        let keys = self.keys_home.display().to_string();
        let out = self.cli_json(&["keys", "add", name, "--home", &keys])?;
        let addr = out["address"]
            .as_str()
            .ok_or_else(|| anyhow!("no address in the output of keys add {name}: {out}"))?
            .to_string();
        self.addresses.insert(name.to_string(), addr.clone());
        Ok(addr)
    }

    /// The operator address (`rmeshvaloper1…`) of key `name`: the same 20 bytes as its account.
    pub fn valoper(&self, name: &str) -> Result<String> {
        let account: cosmrs::AccountId = client::ey(self.address(name).parse())?;
        let operator = cosmrs::AccountId::new(&format!("{PREFIX}valoper"), &account.to_bytes());
        Ok(client::ey(operator)?.to_string())
    }

    /// Address of a key the builder put in the keyring.
    pub fn address(&self, name: &str) -> String {
        self.addresses
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no key named {name} in this test net"))
    }

    // -- processes ------------------------------------------------------------------------------

    /// Starts node `i`'s rmeshd (if the net runs rmeshd) and then its CometBFT.
    pub fn start_node(&mut self, i: usize) -> Result<()> {
        match self.app {
            App::Rmeshd => self.start_rmeshd(i)?,
            App::SocketKvStore => self.start_socket_kvstore(i)?,
            App::KvStore => {}
        }
        self.start_cometbft(i)
    }

    fn start_socket_kvstore(&mut self, i: usize) -> Result<()> {
        let mut cmd = Command::new(abci_cli_bin()?);
        let address = format!("tcp://{}", self.nodes[i].abci_addr());
        cmd.args(["kvstore", "--address", &address]);
        self.spawn_app(i, cmd, "abci-cli")
    }

    pub fn start_rmeshd(&mut self, i: usize) -> Result<()> {
        ensure!(
            !self.nodes[i].rmeshd_running(),
            "node{i}'s rmeshd is already running"
        );
        let node = &self.nodes[i];
        self.rmeshd_path()?;
        let mut cmd = rmeshd_command()?;
        cmd.arg("start").arg("--home").arg(&node.home).args([
            "--abci-addr",
            &node.abci_addr(),
            "--grpc-addr",
            &node.grpc_addr(),
            "--comet-rpc",
            &node.rpc_url(),
            "--minimum-gas-prices",
            MIN_GAS_PRICE,
        ]);
        self.spawn_app(i, cmd, "rmeshd")
    }

    /// Starts node `i`'s app process and waits until it listens on the node's ABCI address.
    fn spawn_app(&mut self, i: usize, cmd: Command, name: &str) -> Result<()> {
        let node = &self.nodes[i];
        let (ip, port, log) = (node.ip, node.ports.abci, node.rmeshd_log());
        let child = spawn_logged(cmd, &log)?;
        self.nodes[i].rmeshd = Some(child);
        let node = &mut self.nodes[i];
        wait_until(
            &format!("node{i}'s {name} to listen on {ip}:{port}"),
            WAIT,
            || {
                if !node.rmeshd_running() {
                    let msg = format!("{name} exited; its log ends with:\n{}", tail(&log, 30));
                    return Err(Fatal(msg).into());
                }
                Ok(is_listening(ip, port))
            },
        )
    }

    pub fn start_cometbft(&mut self, i: usize) -> Result<()> {
        ensure!(
            !self.nodes[i].cometbft_running(),
            "node{i}'s cometbft is already running"
        );
        let node = &self.nodes[i];
        let mut cmd = Command::new(&self.cometbft);
        cmd.arg("start").arg("--home").arg(&node.home);
        if self.app == App::KvStore {
            cmd.args(["--proxy_app", "kvstore"]);
        }
        let child = spawn_logged(cmd, &node.cometbft_log())?;
        let (addr, log) = (node.rpc_addr(), node.cometbft_log());
        self.nodes[i].cometbft = Some(child);
        let node = &mut self.nodes[i];
        wait_until(
            &format!("node{i}'s cometbft to answer on {addr}"),
            WAIT,
            || {
                if !node.cometbft_running() {
                    let msg = format!("cometbft exited; its log ends with:\n{}", tail(&log, 30));
                    return Err(Fatal(msg).into());
                }
                rpc::call(addr, "status", serde_json::json!({})).map(|_| true)
            },
        )
    }

    /// SIGKILLs node `i`'s rmeshd (CometBFT notices the lost ABCI connection and stops too).
    pub fn kill_rmeshd(&mut self, i: usize) {
        kill(&mut self.nodes[i].rmeshd);
    }

    pub fn kill_cometbft(&mut self, i: usize) {
        kill(&mut self.nodes[i].cometbft);
    }

    /// SIGKILLs node `i`'s rmeshd, then its CometBFT.
    pub fn kill_node(&mut self, i: usize) {
        self.kill_rmeshd(i);
        self.kill_cometbft(i);
    }

    /// Stops node `i` the polite way, as `localnet/stop.sh` does: SIGTERM to CometBFT, then to
    /// rmeshd (SIGKILL after 20s).
    pub fn stop_node(&mut self, i: usize) {
        terminate(&mut self.nodes[i].cometbft);
        terminate(&mut self.nodes[i].rmeshd);
    }

    /// SIGKILLs node `i` and starts it again on the same home.
    pub fn restart_node(&mut self, i: usize) -> Result<()> {
        self.kill_node(i);
        self.start_node(i)
    }

    // -- CometBFT RPC ---------------------------------------------------------------------------

    pub fn rpc(&self, i: usize, method: &str, params: Value) -> Result<Value> {
        rpc::call(self.nodes[i].rpc_addr(), method, params)
    }

    /// The result of CometBFT's `/status` on node `i`.
    pub fn status(&self, i: usize) -> Result<Value> {
        self.rpc(i, "status", serde_json::json!({}))
    }

    /// Node `i`'s latest committed height.
    pub fn height(&self, i: usize) -> Result<u64> {
        rpc::height(self.nodes[i].rpc_addr())
    }

    /// Waits until node `i` has committed `height`; returns its height then.
    pub fn wait_for_height(&self, i: usize, height: u64, timeout: Duration) -> Result<u64> {
        let mut h = 0;
        wait_until(
            &format!("node{i} to reach height {height}"),
            timeout,
            || {
                h = self.height(i)?;
                Ok(h >= height)
            },
        )
        .map_err(|e| e.context(self.log_tails(25)))?;
        Ok(h)
    }

    /// Waits until every node whose CometBFT runs (was started and not stopped or killed) has
    /// committed `height`.
    pub fn wait_all_for_height(&self, height: u64, timeout: Duration) -> Result<()> {
        for (i, _) in self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.cometbft.is_some())
        {
            self.wait_for_height(i, height, timeout)?;
        }
        Ok(())
    }

    /// Node `i`'s latest block time, in Unix seconds.
    pub fn chain_time(&self, i: usize) -> Result<i64> {
        rpc::chain_time(self.nodes[i].rpc_addr())
    }

    /// Waits until node `i` has committed a block whose time is at least `unix_seconds`: what a
    /// test waiting out an unbonding, a jailing or a packet timeout needs, instead of a sleep
    /// that is too short on a loaded machine and too long on an idle one.
    pub fn wait_for_chain_time(&self, i: usize, unix_seconds: i64) -> Result<()> {
        wait_until(
            &format!("node{i}'s block time to reach {unix_seconds}"),
            WAIT,
            || Ok(self.chain_time(i)? >= unix_seconds),
        )
    }

    /// Waits for `n` more blocks on node `i`.
    pub fn wait_blocks(&self, i: usize, n: u64) -> Result<u64> {
        let h = self.height(i)?;
        self.wait_for_height(i, h + n, WAIT)
    }

    /// CometBFT's `/block` at `height` on node `i`: `{"block_id":…, "block":…}`.
    pub fn block(&self, i: usize, height: u64) -> Result<Value> {
        rpc::block(self.nodes[i].rpc_addr(), height)
    }

    /// The header of block `height` on node `i` (from `/block`).
    pub fn header(&self, i: usize, height: u64) -> Result<Value> {
        Ok(self.block(i, height)?["block"]["header"].clone())
    }

    /// The time in block `height`'s header, RFC 3339 as CometBFT prints it.
    pub fn block_time(&self, i: usize, height: u64) -> Result<String> {
        rpc::block_time(self.nodes[i].rpc_addr(), height)
    }

    /// CometBFT's validator set for `height` (the latest when `None`) as node `i` reports it
    /// through `/validators`: `(upper-case hex address, voting power)` in CometBFT's order (the
    /// position is the validator index).
    pub fn validators(&self, i: usize, height: Option<u64>) -> Result<Vec<(String, u64)>> {
        rpc::validators(self.nodes[i].rpc_addr(), height)
    }

    /// Node `victim`'s consensus key signs two precommits for different blocks at a committed
    /// height (duplicate-vote evidence a watcher would submit); returns the height of the block
    /// that carried the evidence.
    pub fn double_sign(&self, victim: usize) -> Result<u64> {
        let height = self.wait_for_height(0, 3, WAIT)? - 1;
        self.double_sign_at(victim, height)
    }

    /// [`Self::double_sign`] for an infraction at an earlier committed `height`.
    pub fn double_sign_at(&self, victim: usize, height: u64) -> Result<u64> {
        evidence::double_sign(
            self.nodes[0].rpc_addr(),
            &self.chain_id,
            &self.nodes[victim].priv_validator_key_file(),
            height,
        )
    }

    pub fn broadcast_evidence(&self, i: usize, evidence: &Value) -> Result<Value> {
        rpc::broadcast_evidence(self.nodes[i].rpc_addr(), evidence)
    }

    /// The app hash recorded in block `height`'s header: the state after block `height - 1`.
    pub fn app_hash_in_header(&self, i: usize, height: u64) -> Result<String> {
        let h = self.header(i, height)?;
        h.get("app_hash")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| anyhow!("no app_hash in {h}"))
    }

    /// What node `i`'s app itself reports through ABCI Info: `(last_block_height, app hash as
    /// upper-case hex)`.
    pub fn app_info(&self, i: usize) -> Result<(u64, String)> {
        let info = self.rpc(i, "abci_info", serde_json::json!({}))?;
        let r = &info["response"];
        let hash = r
            .get("last_block_app_hash")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let hash = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, hash)
            .with_context(|| format!("last_block_app_hash is not base64: {info}"))?;
        Ok((
            rpc::u64_field(r, "last_block_height"),
            hex::encode_upper(hash),
        ))
    }

    /// Node `i`'s validator address (upper-case hex), from `/status`.
    pub fn validator_address(&self, i: usize) -> Result<String> {
        let s = self.status(i)?;
        s["validator_info"]["address"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow!("no validator address in {s}"))
    }

    /// Whether the commit for block `height` (as node `j` stores it) carries a signature of `validator`.
    pub fn signed_commit(&self, j: usize, height: u64, validator: &str) -> Result<bool> {
        let c = self.rpc(
            j,
            "commit",
            serde_json::json!({"height": height.to_string()}),
        )?;
        let sigs = c["signed_header"]["commit"]["signatures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(sigs.iter().any(|s| {
            s["validator_address"].as_str() == Some(validator)
                && s["block_id_flag"].as_u64() == Some(2)
        }))
    }

    pub fn abci_query(&self, i: usize, path: &str, data: &[u8]) -> Result<rpc::AbciQuery> {
        rpc::abci_query(self.nodes[i].rpc_addr(), path, data, 0, false)
    }

    pub fn broadcast(&self, i: usize, tx: &[u8]) -> Result<rpc::Broadcast> {
        rpc::broadcast_tx_sync(self.nodes[i].rpc_addr(), tx)
    }

    /// Waits until tx `hash` is in a block on node `i`; returns CometBFT's `/tx` result.
    pub fn wait_for_tx(&self, i: usize, hash: &str, timeout: Duration) -> Result<Value> {
        let mut found = None;
        wait_until(&format!("tx {hash} on node{i}"), timeout, || {
            found = rpc::tx(self.nodes[i].rpc_addr(), hash)?;
            Ok(found.is_some())
        })?;
        Ok(found.expect("set when the wait succeeds"))
    }

    // -- chain state ----------------------------------------------------------------------------

    /// `rmeshd query <args> --node <node i>`, its JSON.
    pub fn query(&self, i: usize, args: &[&str]) -> Result<Value> {
        let url = self.nodes[i].rpc_url();
        let mut all = vec!["query"];
        all.extend_from_slice(args);
        all.extend(["--node", &url]);
        self.cli_json(&all)
    }

    /// `rmeshd query bank balances <address> --node <node i>`, the urmesh amount.
    pub fn balance(&self, i: usize, address: &str) -> Result<u128> {
        balance_of(&self.query(i, &["bank", "balances", address])?, DENOM)
    }

    /// The staking module's view of validator `valoper` (`query staking validator`): operator
    /// address, moniker, status, jailed, tokens, delegator shares.
    pub fn staking_validator(&self, i: usize, valoper: &str) -> Result<Value> {
        let v = self.query(i, &["staking", "validator", valoper])?;
        ensure!(v["validator"].is_object(), "no validator {valoper}: {v}");
        Ok(v["validator"].clone())
    }

    /// The slashing module's signing info (`query slashing signing-infos`) of the validator with
    /// consensus address `address` (upper-case hex, as CometBFT prints it).
    pub fn signing_info(&self, i: usize, address: &str) -> Result<Value> {
        let valcons = cosmrs::AccountId::new(&format!("{PREFIX}valcons"), &hex::decode(address)?);
        let valcons = client::ey(valcons)?.to_string();
        let infos = self.query(i, &["slashing", "signing-infos"])?;
        infos["info"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["address"].as_str() == Some(&valcons)))
            .cloned()
            .ok_or_else(|| anyhow!("no signing info for {valcons} in {infos}"))
    }

    /// The urmesh balance via `abci_query /cosmos.bank.v1beta1.Query/Balance` (how cosmjs reads it).
    pub fn balance_abci(&self, i: usize, address: &str) -> Result<u128> {
        let r = self.abci_query(
            i,
            "/cosmos.bank.v1beta1.Query/Balance",
            &client::balance_request(address, DENOM),
        )?;
        ensure!(
            r.code == 0,
            "Query/Balance failed with code {}: {}",
            r.code,
            r.log
        );
        client::decode_balance(&r.value)
    }

    /// `(account_number, sequence)` via `abci_query /cosmos.auth.v1beta1.Query/Account`.
    pub fn account(&self, i: usize, address: &str) -> Result<(u64, u64)> {
        let r = self.abci_query(
            i,
            "/cosmos.auth.v1beta1.Query/Account",
            &client::account_request(address),
        )?;
        ensure!(
            r.code == 0,
            "Query/Account for {address} failed with code {}: {}",
            r.code,
            r.log
        );
        let a = client::decode_base_account(&r.value)?;
        Ok((a.account_number, a.sequence))
    }

    /// Waits until node `i` reports `expected` urmesh for `address` (via the CLI).
    pub fn wait_for_balance(&self, i: usize, address: &str, expected: u128) -> Result<()> {
        let mut seen = None;
        wait_until(
            &format!("balance of {address} on node{i} to be {expected}"),
            WAIT,
            || {
                seen = Some(self.balance(i, address)?);
                Ok(seen == Some(expected))
            },
        )
        .map_err(|e| e.context(format!("last balance seen: {seen:?}")))
    }

    /// `rmeshd tx bank send <from> <to> <amount> --wait` against node `i`, with the standard fee.
    /// Returns the printed JSON; fails if the CLI exits non-zero.
    pub fn cli_send(&self, i: usize, from: &str, to: &str, amount: &str) -> Result<Value> {
        self.cli_json(&strs(&self.send_args(i, from, to, amount, true)))
    }

    /// The argument list of a CLI bank send to node `i` (for tests that want the raw output).
    pub fn send_args(
        &self,
        i: usize,
        from: &str,
        to: &str,
        amount: &str,
        wait: bool,
    ) -> Vec<String> {
        let gas = GAS.to_string();
        self.tx_args(i, &["bank", "send", from, to, amount, "--gas", &gas], wait)
    }

    /// `rmeshd tx <args> --wait` against node `i` with the standard fee and gas `auto`, e.g.
    /// `cli_tx(0, &["staking", "delegate", &valoper, "5urmesh", "--from", "bob"])`. Returns the
    /// committed tx's JSON (`height`, `code`, `events`…); fails if the CLI exits non-zero (the tx
    /// was refused or failed in its block).
    pub fn cli_tx(&self, i: usize, args: &[&str]) -> Result<Value> {
        self.cli_json(&strs(&self.tx_args(i, args, true)))
    }

    /// `tx <args>` plus the chain id, node `i`'s RPC, the standard fee and the test keyring.
    pub fn tx_args(&self, i: usize, args: &[&str], wait: bool) -> Vec<String> {
        let mut a: Vec<String> = std::iter::once("tx")
            .chain(args.iter().copied())
            .map(str::to_string)
            .collect();
        a.extend([
            "--chain-id".into(),
            self.chain_id.clone(),
            "--node".into(),
            self.nodes[i].rpc_url(),
            "--fees".into(),
            format!("{FEE}{DENOM}"),
            "--home".into(),
            self.keys_home.display().to_string(),
        ]);
        if wait {
            a.push("--wait".into());
        }
        a
    }

    /// The last `lines` lines of every node's logs, for failure messages.
    pub fn log_tails(&self, lines: usize) -> String {
        let mut s = format!("logs under {}:\n", self.root.display());
        for n in &self.nodes {
            for log in [n.rmeshd_log(), n.cometbft_log()] {
                if log.exists() {
                    s.push_str(&format!(
                        "---- {} ----\n{}\n",
                        log.display(),
                        tail(&log, lines)
                    ));
                }
            }
        }
        s
    }
}

/// A `&str` view of an argument list.
pub fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn spawn_logged(mut cmd: Command, log: &Path) -> Result<Child> {
    let f = OpenOptions::new().create(true).append(true).open(log)?;
    cmd.stdin(Stdio::null()).stdout(f.try_clone()?).stderr(f);
    die_with_parent(&mut cmd);
    cmd.spawn().with_context(|| format!("spawning {cmd:?}"))
}

impl Drop for TestNet {
    fn drop(&mut self) {
        for n in &mut self.nodes {
            kill(&mut n.cometbft);
            kill(&mut n.rmeshd);
        }
        if std::thread::panicking() {
            eprintln!("{}", self.log_tails(40));
        }
        if std::env::var_os("RMESH_E2E_KEEP").is_some() {
            if let Some(d) = self.dir.take() {
                eprintln!("keeping test net directory {}", d.keep().display());
            }
        }
    }
}
