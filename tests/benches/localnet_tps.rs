//! Committed txs per second on a 4-validator rmesh net, and on CometBFT's built-in `kvstore` app
//! under the same node config and the same load, with the ratio. It prints figures and asserts
//! nothing: performance is measured, never asserted.
//!
//! A third net runs the same kvstore as its own process (`abci-cli kvstore`, installed by
//! `scripts/install-tools.sh`), which CometBFT reaches over an ABCI socket exactly as it reaches
//! rmeshd. Its figure is what any app outside CometBFT's process can at best do on this machine,
//! so `rmesh/kvstore-socket` shows what rmeshd itself costs, apart from the socket. Part of what
//! the socket costs is CometBFT's: its socket client (v0.38) re-arms a flush timer of 20 (a
//! `time.Duration`, so nanoseconds) after every request until the goroutine writing requests takes
//! it, which on a busy machine spins for as long as that goroutine waits for a CPU (about a fifth
//! of CometBFT's CPU time in a `perf` profile of the rmesh net).
//!
//! ```text
//! cargo build --release -p rmeshd && cargo bench -p rmesh-e2e --bench localnet_tps
//! ```
//!
//! For each app in turn: start 4 validators with the e2e harness (each on its own 127.0.B.x
//! address), make the whole load up front (rmesh: bank sends signed by funded senders, consecutive
//! sequences each; kvstore: unique `key=value` txs of the same byte sizes, grouped the same way),
//! broadcast it with `broadcast_tx_sync` from a few client threads, and wait until every accepted
//! tx is in a block. Sender `k`'s txs go in order through node `k mod 4` from client thread
//! `k mod threads`, so its sequences reach CheckTx in order and the load is spread over the nodes.
//!
//! The figure: txs in blocks / (time of the last block holding them - time of the block before
//! the first one), the times from the block headers.
//!
//! Settings, from the environment:
//! - `RMESH_BENCH_TXS` (4000): txs per app
//! - `RMESH_BENCH_SENDERS` (40): funded rmesh accounts that sign them
//! - `RMESH_BENCH_THREADS` (64): client threads. Each `broadcast_tx_sync` waits for its CheckTx
//!   to come back through the RPC server, the mempool and, for an app in its own process, the
//!   ABCI socket, so a handful of synchronous clients measure that round trip, not the chain
//!   (with 8 threads even kvstore over the socket is sent at about 1,000 tx/s, 2,400 with 64)
//! - `RMESH_BENCH_TIMEOUT_COMMIT` (the harness default): CometBFT `consensus.timeout_commit` of
//!   both nets
//! - `RMESH_BENCH_SECS` (120): how long sending and waiting for blocks may take, per app
//! - `RMESH_BENCH_COMET_CONFIG` (none): more CometBFT settings for both nets, comma-separated
//!   `section.key=value` with TOML values, e.g.
//!   `mempool.size=10000,consensus.timeout_propose="1s"`
//!
//! `RMESH_E2E_KEEP=1` keeps the nets' directories and logs, as for the tests.

use anyhow::{anyhow, ensure, Context, Result};
use rmesh_e2e::client::{msg_send, TxParams, Wallet};
use rmesh_e2e::rpc::{self, u64_field};
use rmesh_e2e::{get_toml, App, TestNet, DEFAULT_TIMEOUT_COMMIT, DENOM, FEE, GAS, GENESIS_COINS};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const VALIDATORS: usize = 4;
/// Waiting for blocks ends when no tx has been committed for this long.
const STALL: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(250);
/// How long a block's results may take to appear after the block.
const RESULTS_WAIT: Duration = Duration::from_secs(10);
/// How many refusal or error texts a run keeps to print.
const EXAMPLES: usize = 5;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("localnet_tps failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let cfg = Config::from_env()?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("localnet_tps: {VALIDATORS} validators per net, {cores} cores on this machine");
    println!(
        "load: {} txs per app from {} senders, {} client threads, broadcast_tx_sync; \
         timeout_commit {}; at most {:?} per app",
        cfg.txs, cfg.senders, cfg.threads, cfg.timeout_commit, cfg.limit
    );
    println!(
        "rmesh txs: one MsgSend of 1{DENOM} each, fee {FEE}{DENOM}, gas {GAS}; \
         kvstore txs: unique key=value of the same sizes"
    );
    if !cfg.comet_config.is_empty() {
        let extra: Vec<String> = cfg
            .comet_config
            .iter()
            .map(|(section, key, value)| format!("{section}.{key}={value}"))
            .collect();
        println!("extra CometBFT config for both nets: {}", extra.join(" "));
    }
    println!(
        "(set by RMESH_BENCH_TXS, _SENDERS, _THREADS, _TIMEOUT_COMMIT, _SECS, _COMET_CONFIG)\n"
    );

    let (rmesh, load) = bench_rmesh(&cfg)?;
    let kvstore = bench_kvstore(&cfg, &load, App::KvStore, "kvstore")?;
    let socket_kvstore = bench_kvstore(&cfg, &load, App::SocketKvStore, "kvstore-socket")?;

    let (min, max) = load.size_range();
    println!(
        "\ntx size: {min}..={max} bytes, {:.1} on average, the same for every app",
        load.bytes() as f64 / load.count().max(1) as f64
    );
    println!(
        "{:<14} {:>8} {:>8} {:>8} {:>10} {:>7} {:>10} {:>9}",
        "app", "sent", "refused", "errors", "committed", "blocks", "txs/block", "tx/s"
    );
    for r in [&rmesh, &kvstore, &socket_kvstore] {
        println!(
            "{:<14} {:>8} {:>8} {:>8} {:>10} {:>7} {:>10.1} {:>9.1}",
            r.app,
            r.sent.attempted(),
            r.sent.refused,
            r.sent.errors,
            r.blocks.committed,
            r.blocks.count,
            r.blocks.per_block(),
            r.blocks.tps()
        );
    }
    print_ratio(&rmesh, &kvstore, " (goal: >= 0.8)");
    print_ratio(&rmesh, &socket_kvstore, " (the same ABCI socket as rmesh)");
    print_ratio(&socket_kvstore, &kvstore, " (what the socket alone costs)");
    Ok(())
}

fn print_ratio(of: &Report, to: &Report, note: &str) {
    if to.blocks.tps() > 0.0 {
        let ratio = of.blocks.tps() / to.blocks.tps();
        println!("{}/{}: {ratio:.2}{note}", of.app, to.app);
    } else {
        println!(
            "{}/{}: no figure, {} committed nothing",
            of.app, to.app, to.app
        );
    }
}

struct Config {
    txs: usize,
    senders: usize,
    threads: usize,
    timeout_commit: String,
    limit: Duration,
    /// (section, key, TOML value) for both nets' config.toml.
    comet_config: Vec<(String, String, String)>,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(v) => v.trim().parse().map_err(|e| anyhow!("{name}={v:?}: {e}")),
        Err(_) => Ok(default),
    }
}

impl Config {
    fn from_env() -> Result<Config> {
        let cfg = Config {
            txs: env_or("RMESH_BENCH_TXS", 4000)?,
            senders: env_or("RMESH_BENCH_SENDERS", 40)?,
            threads: env_or("RMESH_BENCH_THREADS", 64)?,
            timeout_commit: env_or("RMESH_BENCH_TIMEOUT_COMMIT", DEFAULT_TIMEOUT_COMMIT.into())?,
            limit: Duration::from_secs(env_or("RMESH_BENCH_SECS", 120)?),
            comet_config: comet_config(&env_or("RMESH_BENCH_COMET_CONFIG", String::new())?)?,
        };
        ensure!(
            (1..=200_000).contains(&cfg.txs),
            "RMESH_BENCH_TXS: 1 to 200000"
        );
        ensure!(
            (1..=1000).contains(&cfg.senders),
            "RMESH_BENCH_SENDERS: 1 to 1000"
        );
        ensure!(
            (1..=64).contains(&cfg.threads),
            "RMESH_BENCH_THREADS: 1 to 64"
        );
        ensure!(
            (1..=600).contains(&cfg.limit.as_secs()),
            "RMESH_BENCH_SECS: 1 to 600"
        );
        Ok(cfg)
    }

    fn builder(&self) -> rmesh_e2e::TestNetBuilder {
        let b = TestNet::builder()
            .validators(VALIDATORS)
            .chain_id("rmesh-bench")
            .timeout_commit(&self.timeout_commit);
        self.comet_config
            .iter()
            .fold(b, |b, (section, key, value)| b.config(section, key, value))
    }
}

/// `section.key=value,...` as (section, key, value).
fn comet_config(text: &str) -> Result<Vec<(String, String, String)>> {
    let settings = text.split(',').map(str::trim).filter(|s| !s.is_empty());
    settings
        .map(|setting| {
            let parsed = setting.split_once('=').and_then(|(name, value)| {
                let (section, key) = name.trim().split_once('.')?;
                Some((section.into(), key.into(), value.trim().into()))
            });
            parsed.ok_or_else(|| {
                anyhow!("RMESH_BENCH_COMET_CONFIG: {setting:?} is not section.key=value")
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// the two apps

fn bench_rmesh(cfg: &Config) -> Result<(Report, Load)> {
    let senders = (0..cfg.senders)
        .map(|_| Wallet::random())
        .collect::<Result<Vec<_>>>()?;
    let coins = format!("{GENESIS_COINS}{DENOM}");
    let net = senders
        .iter()
        .fold(cfg.builder(), |b, w| b.fund(w.address.as_ref(), &coins))
        .start()?;
    let load = rmesh_load(&net, &senders, cfg.txs)?;
    let report = drive("rmesh", &net, &load, cfg)?;
    Ok((report, load))
}

/// `app` is CometBFT's kvstore, in CometBFT's process or in its own.
fn bench_kvstore(cfg: &Config, like: &Load, app: App, name: &'static str) -> Result<Report> {
    let net = cfg.builder().app(app).start()?;
    drive(name, &net, &kvstore_load(like), cfg)
}

/// The txs of one app by sender, each sender's in the order they must be sent.
struct Load(Vec<Vec<Vec<u8>>>);

impl Load {
    fn count(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    fn bytes(&self) -> usize {
        self.0.iter().flatten().map(Vec::len).sum()
    }

    fn size_range(&self) -> (usize, usize) {
        let sizes = self.0.iter().flatten().map(Vec::len);
        (sizes.clone().min().unwrap_or(0), sizes.max().unwrap_or(0))
    }

    /// What each client thread sends, in order: (node, tx). Sender `k` goes to thread
    /// `k mod threads` and node `k mod VALIDATORS`; a thread takes its senders' txs in turn.
    fn plan(&self, threads: usize) -> Vec<Vec<(usize, &[u8])>> {
        let mut plan = vec![Vec::new(); threads];
        let longest = self.0.iter().map(Vec::len).max().unwrap_or(0);
        for j in 0..longest {
            for (k, txs) in self.0.iter().enumerate() {
                if let Some(tx) = txs.get(j) {
                    plan[k % threads].push((k % VALIDATORS, tx.as_slice()));
                }
            }
        }
        plan
    }
}

/// `txs` bank sends of 1urmesh, spread evenly over `senders` (sender k pays sender k+1), signed
/// with consecutive sequences from each sender's current one.
fn rmesh_load(net: &TestNet, senders: &[Wallet], txs: usize) -> Result<Load> {
    let mut by_sender = Vec::with_capacity(senders.len());
    for (k, w) in senders.iter().enumerate() {
        let (number, sequence) = net.account(0, w.address.as_ref())?;
        let to = &senders[(k + 1) % senders.len()].address;
        let n = txs / senders.len() + usize::from(k < txs % senders.len());
        let signed = (0..n as u64)
            .map(|j| {
                let p = TxParams::new(&net.chain_id, number, sequence + j);
                w.sign(vec![msg_send(&w.address, to, 1)?], &p)
            })
            .collect::<Result<Vec<_>>>()?;
        by_sender.push(signed);
    }
    Ok(Load(by_sender))
}

/// Unique `key=value` txs (kvstore wants exactly one `=`), each as long as its rmesh counterpart.
fn kvstore_load(like: &Load) -> Load {
    let groups = like.0.iter().enumerate().map(|(k, txs)| {
        let txs = txs.iter().enumerate().map(|(j, tx)| {
            let mut kv = format!("bench-{k}-{j}=").into_bytes();
            kv.resize(tx.len().max(kv.len() + 1), b'v');
            kv
        });
        txs.collect()
    });
    Load(groups.collect())
}

// ---------------------------------------------------------------------------------------------
// one run

struct Report {
    app: &'static str,
    sent: Sent,
    blocks: Blocks,
}

/// Sends `load` to `net`, waits for it to be committed and prints what happened.
fn drive(app: &'static str, net: &TestNet, load: &Load, cfg: &Config) -> Result<Report> {
    println!(
        "{app}: {VALIDATORS} validators under {}",
        net.root.display()
    );
    println!("{app}: node config: {}", node_config(net)?);
    // Block 1 carries the genesis time, so the first interval measured starts at block 2 or later.
    net.wait_all_for_height(3, rmesh_e2e::WAIT)?;
    let before = net.height(0)?;
    let cpu = Cpu::of(net);
    let start = Instant::now();
    let deadline = start + cfg.limit;
    let mut mempool = Mempool::default();
    let sent = send(net, load, cfg.threads, deadline, &mut mempool);
    println!(
        "{app}: sent {} in {:.2} s ({:.0} tx/s): {} accepted, {} refused at CheckTx, \
         {} RPC errors, {} not sent (time limit)",
        sent.attempted(),
        sent.elapsed.as_secs_f64(),
        sent.attempted() as f64 / sent.elapsed.as_secs_f64().max(1e-9),
        sent.accepted,
        sent.refused,
        sent.errors,
        sent.unsent
    );
    for e in &sent.examples {
        println!("{app}:   e.g. {e}");
    }
    let (metas, why) = wait_committed(net, before, sent.accepted, deadline, &mut mempool)
        .map_err(|e| e.context(net.log_tails(20)))?;
    let blocks = Blocks::measure(net, &metas, before)?;
    let used = cpu.since(net);
    let wall = start.elapsed().as_secs_f64();
    match blocks.range {
        Some((first, last)) => println!(
            "{app}: {} txs in blocks {first}..={last} ({} blocks, {:.1} txs/block, {} failed in \
             FinalizeBlock) over {:.2} s of block time: {:.1} tx/s",
            blocks.committed,
            blocks.count,
            blocks.per_block(),
            blocks.failed,
            blocks.seconds,
            blocks.tps()
        ),
        None => println!("{app}: no tx made it into a block"),
    }
    println!(
        "{app}: waiting ended because {why}; largest mempool seen: {} txs (node0 {})",
        mempool.peak_any, mempool.peak_node0
    );
    let apps = match net.app {
        App::Rmeshd => format!(
            "rmeshd {:.1} s, cometbft {:.1} s",
            used.rmeshd, used.cometbft
        ),
        App::KvStore => format!("cometbft with kvstore in it {:.1} s", used.cometbft),
        App::SocketKvStore => format!(
            "abci-cli kvstore {:.1} s, cometbft {:.1} s",
            used.rmeshd, used.cometbft
        ),
    };
    println!(
        "{app}: CPU time over {wall:.1} s of wall time, the 4 nodes summed: {apps}; \
         this client {:.1} s; other processes {:.1} s\n",
        used.client,
        used.others()
    );
    Ok(Report { app, sent, blocks })
}

/// The settings of node0 that matter for throughput (all nodes are set up alike).
fn node_config(net: &TestNet) -> Result<String> {
    let cfg = net.nodes[0].home.join("config/config.toml");
    let mut out = Vec::new();
    for (section, key) in [
        ("consensus", "timeout_commit"),
        ("consensus", "timeout_propose"),
        ("consensus", "create_empty_blocks"),
        ("mempool", "size"),
        ("mempool", "max_txs_bytes"),
        ("mempool", "cache_size"),
        ("mempool", "recheck"),
        ("rpc", "max_open_connections"),
    ] {
        out.push(format!("{section}.{key}={}", get_toml(&cfg, section, key)?));
    }
    let genesis: Value = serde_json::from_str(&std::fs::read_to_string(
        net.nodes[0].home.join("config/genesis.json"),
    )?)?;
    let block = &genesis["consensus_params"]["block"];
    out.push(format!(
        "block.max_bytes={} block.max_gas={}",
        block["max_bytes"], block["max_gas"]
    ));
    Ok(out.join(" "))
}

#[derive(Default)]
struct Sent {
    accepted: usize,
    refused: usize,
    errors: usize,
    unsent: usize,
    examples: Vec<String>,
    elapsed: Duration,
}

impl Sent {
    fn attempted(&self) -> usize {
        self.accepted + self.refused + self.errors
    }

    fn note(&mut self, example: String) {
        if self.examples.len() < EXAMPLES {
            self.examples.push(example);
        }
    }

    fn merge(mut self, other: Sent) -> Sent {
        self.accepted += other.accepted;
        self.refused += other.refused;
        self.errors += other.errors;
        self.unsent += other.unsent;
        for e in other.examples {
            self.note(e);
        }
        self
    }
}

/// Broadcasts `load` from `threads` client threads (none sends after `deadline`) while this
/// thread watches the mempools.
fn send(
    net: &TestNet,
    load: &Load,
    threads: usize,
    deadline: Instant,
    mempool: &mut Mempool,
) -> Sent {
    let start = Instant::now();
    let plan = load.plan(threads);
    let nodes: Vec<SocketAddr> = net.nodes.iter().map(|n| n.rpc_addr()).collect();
    let mut sent = std::thread::scope(|s| {
        let workers: Vec<_> = plan
            .iter()
            .map(|queue| s.spawn(|| send_queue(&nodes, queue, deadline)))
            .collect();
        while !workers.iter().all(|w| w.is_finished()) {
            mempool.sample(net);
            std::thread::sleep(POLL);
        }
        workers
            .into_iter()
            .map(|w| w.join().expect("a client thread panicked"))
            .fold(Sent::default(), Sent::merge)
    });
    sent.elapsed = start.elapsed();
    sent
}

fn send_queue(nodes: &[SocketAddr], queue: &[(usize, &[u8])], deadline: Instant) -> Sent {
    let mut sent = Sent::default();
    for (i, (node, tx)) in queue.iter().enumerate() {
        if Instant::now() > deadline {
            sent.unsent += queue.len() - i;
            break;
        }
        match rpc::broadcast_tx_sync(nodes[*node], tx) {
            Ok(r) if r.code == 0 => sent.accepted += 1,
            Ok(r) => {
                sent.refused += 1;
                sent.note(format!(
                    "node{node} refused a tx with code {}: {}",
                    r.code, r.log
                ));
            }
            Err(e) => {
                sent.errors += 1;
                sent.note(format!("node{node}: {e:#}"));
            }
        }
    }
    sent
}

/// Largest mempools seen (CometBFT's `num_unconfirmed_txs`).
#[derive(Default)]
struct Mempool {
    peak_any: usize,
    peak_node0: usize,
}

impl Mempool {
    /// Every node's mempool size now (a node that does not answer counts as unknown: `None`).
    fn sample(&mut self, net: &TestNet) -> Vec<Option<usize>> {
        let sizes: Vec<Option<usize>> = (0..net.nodes.len())
            .map(|i| {
                let r = net.rpc(i, "num_unconfirmed_txs", json!({})).ok()?;
                Some(u64_field(&r, "total") as usize)
            })
            .collect();
        let known = sizes.iter().flatten().copied();
        self.peak_any = self.peak_any.max(known.max().unwrap_or(0));
        self.peak_node0 = self.peak_node0.max(sizes[0].unwrap_or(0));
        sizes
    }
}

/// One block's tx count and header time (ns since the epoch).
struct Meta {
    txs: usize,
    time: i128,
}

/// Adds the metas of blocks `from..=to` (node0's `/blockchain`, 20 at a time) to `into`.
fn fetch_metas(net: &TestNet, from: u64, to: u64, into: &mut BTreeMap<u64, Meta>) -> Result<()> {
    let mut low = from;
    while low <= to {
        let high = to.min(low + 19);
        let r = net.rpc(
            0,
            "blockchain",
            json!({"minHeight": low.to_string(), "maxHeight": high.to_string()}),
        )?;
        let metas = r["block_metas"]
            .as_array()
            .ok_or_else(|| anyhow!("no block_metas in {r}"))?;
        for m in metas {
            let time = m["header"]["time"]
                .as_str()
                .ok_or_else(|| anyhow!("no header time in {m}"))?;
            let time = tendermint::Time::parse_from_rfc3339(time)
                .map_err(|e| anyhow!("block time {time:?}: {e}"))?;
            into.insert(
                u64_field(&m["header"], "height"),
                Meta {
                    txs: u64_field(m, "num_txs") as usize,
                    time: time.unix_timestamp_nanos(),
                },
            );
        }
        low = high + 1;
    }
    Ok(())
}

/// Follows node0's blocks from `before` on until `target` txs are in blocks after it, every
/// mempool is empty for a block, no tx was committed for [`STALL`], or `deadline`; returns the
/// metas of the blocks from `before` on and why it stopped.
fn wait_committed(
    net: &TestNet,
    before: u64,
    target: usize,
    deadline: Instant,
    mempool: &mut Mempool,
) -> Result<(BTreeMap<u64, Meta>, &'static str)> {
    let mut metas = BTreeMap::new();
    let mut scanned = before - 1;
    let mut committed = 0;
    let mut progress = Instant::now();
    let mut empty_at = None;
    loop {
        let height = net.height(0)?;
        if height > scanned {
            fetch_metas(net, scanned + 1, height, &mut metas)?;
            scanned = height;
        }
        let now: usize = metas.range(before + 1..).map(|(_, m)| m.txs).sum();
        if now > committed {
            (committed, progress) = (now, Instant::now());
        }
        if committed >= target {
            return Ok((metas, "every accepted tx was committed"));
        }
        let empty = mempool.sample(net).iter().all(|s| *s == Some(0));
        match (empty, empty_at) {
            // Empty mempools a block later: nothing more will come (node0 may lag the others).
            (true, Some(h)) if height > h => {
                return Ok((metas, "the mempools were empty for a block"))
            }
            (true, None) => empty_at = Some(height),
            (false, _) => empty_at = None,
            _ => {}
        }
        if progress.elapsed() > STALL {
            return Ok((metas, "no tx was committed for 20 s"));
        }
        if Instant::now() > deadline {
            return Ok((metas, "the time limit passed"));
        }
        std::thread::sleep(POLL);
    }
}

/// What the blocks after the start of a run hold.
#[derive(Default)]
struct Blocks {
    /// First and last height holding txs.
    range: Option<(u64, u64)>,
    committed: usize,
    /// Txs in those blocks whose result code is not 0.
    failed: usize,
    count: u64,
    /// From the block before the first to the last.
    seconds: f64,
}

impl Blocks {
    fn measure(net: &TestNet, metas: &BTreeMap<u64, Meta>, before: u64) -> Result<Blocks> {
        let mut with_txs = metas.range(before + 1..).filter(|(_, m)| m.txs > 0);
        let Some((&first, _)) = with_txs.next() else {
            return Ok(Blocks::default());
        };
        let last = with_txs.next_back().map_or(first, |(&h, _)| h);
        let mut failed = 0;
        for h in first..=last {
            // A block is stored before it is executed: its results may come a moment later.
            let mut r = Value::Null;
            rmesh_e2e::wait_until(&format!("results of block {h}"), RESULTS_WAIT, || {
                r = net.rpc(0, "block_results", json!({"height": h.to_string()}))?;
                Ok(true)
            })?;
            let results = r["txs_results"].as_array().cloned().unwrap_or_default();
            failed += results.iter().filter(|t| u64_field(t, "code") != 0).count();
        }
        let time = |h: u64| {
            metas
                .get(&h)
                .map(|m| m.time)
                .with_context(|| format!("no header of block {h}"))
        };
        Ok(Blocks {
            range: Some((first, last)),
            committed: metas.range(first..=last).map(|(_, m)| m.txs).sum(),
            failed,
            count: last - first + 1,
            seconds: (time(last)? - time(first - 1)?) as f64 / 1e9,
        })
    }

    fn tps(&self) -> f64 {
        if self.seconds > 0.0 {
            self.committed as f64 / self.seconds
        } else {
            0.0
        }
    }

    fn per_block(&self) -> f64 {
        self.committed as f64 / self.count.max(1) as f64
    }
}

// ---------------------------------------------------------------------------------------------
// CPU time

/// CPU seconds (user + system) used by the nets' app processes, their CometBFT processes, this
/// process (the client threads) and the whole machine (to tell how busy other processes kept it).
struct Cpu {
    rmeshd: f64,
    cometbft: f64,
    client: f64,
    machine: f64,
}

impl Cpu {
    fn of(net: &TestNet) -> Cpu {
        let mut cpu = Cpu {
            rmeshd: 0.0,
            cometbft: 0.0,
            client: cpu_seconds("self"),
            machine: machine_busy_seconds(),
        };
        for n in &net.nodes {
            let (rmeshd, cometbft) = n.pids();
            cpu.rmeshd += rmeshd.map_or(0.0, |p| cpu_seconds(&p.to_string()));
            cpu.cometbft += cometbft.map_or(0.0, |p| cpu_seconds(&p.to_string()));
        }
        cpu
    }

    fn since(&self, net: &TestNet) -> Cpu {
        let now = Cpu::of(net);
        Cpu {
            rmeshd: now.rmeshd - self.rmeshd,
            cometbft: now.cometbft - self.cometbft,
            client: now.client - self.client,
            machine: now.machine - self.machine,
        }
    }

    /// What processes other than the nets and this client used.
    fn others(&self) -> f64 {
        (self.machine - self.rmeshd - self.cometbft - self.client).max(0.0)
    }
}

fn ticks_per_second() -> f64 {
    extern "C" {
        fn sysconf(name: std::os::raw::c_int) -> std::os::raw::c_long;
    }
    const SC_CLK_TCK: std::os::raw::c_int = 2;
    // SAFETY: sysconf only reads a configuration value.
    unsafe { sysconf(SC_CLK_TCK) }.max(1) as f64
}

/// Busy CPU seconds of the whole machine since boot, all cores (`/proc/stat` minus idle and
/// iowait).
fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    // user nice system idle iowait irq softirq (steal and guest are not this machine's work)
    (ticks.iter().take(7).sum::<u64>() - idle) as f64 / ticks_per_second()
}

/// utime + stime of `/proc/<pid>/stat`, in seconds (0 when unreadable).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is 0, utime 11, stime 12.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / ticks_per_second()
}
