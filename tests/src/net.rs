//! The test net's lifecycle: its homes and genesis, its nodes' processes, full nodes added
//! later, and its end.

use super::*;

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
    pub(crate) validators: usize,
    pub(crate) chain_id: String,
    pub(crate) app: App,
    pub(crate) timeout_commit: String,
    pub(crate) keys: Vec<GenesisKey>,
    /// (address, coins) funded in genesis without a key in the keyring.
    pub(crate) accounts: Vec<(String, String)>,
    /// Extra (section, key, TOML value) settings for every node's config.toml.
    pub(crate) config: Vec<(String, String, String)>,
    /// `rmeshd genesis set-params` flags (without `--`) and values.
    pub(crate) params: Vec<(String, String)>,
    /// Other `rmeshd genesis` commands (without `genesis` and `--home`).
    pub(crate) genesis_commands: Vec<Vec<String>>,
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
    pub(crate) rmeshd: Option<Child>,
    pub(crate) cometbft: Option<Child>,
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
    /// The REST API's base URL.
    pub fn api_url(&self) -> String {
        format!("http://{}:{}", self.ip, self.ports.api)
    }
    pub fn api_addr(&self) -> SocketAddr {
        (self.ip, self.ports.api).into()
    }
    /// rmeshd's Prometheus endpoint (`GET /metrics`).
    pub fn metrics_addr(&self) -> SocketAddr {
        (self.ip, self.ports.metrics).into()
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

pub struct TestNet {
    pub(crate) dir: Option<tempfile::TempDir>,
    /// Directory holding `node0..`, `keys/` and the logs.
    pub root: PathBuf,
    pub chain_id: String,
    pub nodes: Vec<Node>,
    /// `--home` of the CLI keyring (`keys/keyring-file`).
    pub keys_home: PathBuf,
    pub app: App,
    pub(crate) rmeshd: Option<PathBuf>,
    pub(crate) cometbft: PathBuf,
    /// key name -> bech32 address
    pub(crate) addresses: BTreeMap<String, String>,
    /// The builder's timeout_commit and config.toml settings, for nodes added later.
    pub(crate) timeout_commit: String,
    pub(crate) config: Vec<(String, String, String)>,
    pub(crate) _lock: TcpListener,
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

    pub(crate) fn create(b: TestNetBuilder) -> Result<TestNet> {
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

    pub(crate) fn init_homes(&mut self, b: &TestNetBuilder) -> Result<()> {
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
    pub(crate) fn configure_node(&self, i: usize, peers: &str) -> Result<()> {
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
    pub(crate) fn cometbft_cli(&self, args: &[&str]) -> Result<String> {
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

    pub(crate) fn home_str(&self, i: usize) -> String {
        self.nodes[i].home.display().to_string()
    }

    pub(crate) fn rmeshd_path(&self) -> Result<&Path> {
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

    pub(crate) fn start_socket_kvstore(&mut self, i: usize) -> Result<()> {
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
            "--api-addr",
            &node.api_addr().to_string(),
            "--metrics-addr",
            &node.metrics_addr().to_string(),
            "--comet-rpc",
            &node.rpc_url(),
            "--minimum-gas-prices",
            MIN_GAS_PRICE,
        ]);
        self.spawn_app(i, cmd, "rmeshd")
    }

    /// Starts node `i`'s app process and waits until it listens on the node's ABCI address.
    pub(crate) fn spawn_app(&mut self, i: usize, cmd: Command, name: &str) -> Result<()> {
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
