//! Stock Hermes (ibc-relayer-cli 1.10.5) between test nets: a config for the given chains, the
//! relayer's key on each, one-shot commands and a relaying process that stops with the test.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{
    die_with_parent, hermes_bin, rmeshd_command, run_with_timeout, TestNet, TestNetBuilder, PREFIX,
};

/// The mesh-security channel version (PROTOCOL.md).
pub const MESH_VERSION: &str = r#"{"protocol":"mesh-security","version":"0.11.0"}"#;

pub const RELAYER_KEY: &str = "relayer";

pub struct Hermes {
    pub dir: PathBuf,
    config: PathBuf,
    binary: PathBuf,
    relaying: Option<Child>,
}

impl Drop for Hermes {
    fn drop(&mut self) {
        if let Some(mut child) = self.relaying.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The `[[chains]]` entry of one net: its first node, our JMT proof specs, the relayer key.
fn chain_entry(net: &TestNet, proof_specs: &str) -> String {
    let node = &net.nodes[0];
    let rpc = node.rpc_url();
    let ws = rpc.replacen("http", "ws", 1);
    format!(
        r#"
[[chains]]
id = "{id}"
type = "CosmosSdk"
rpc_addr = "{rpc}"
grpc_addr = "http://{grpc}"
event_source = {{ mode = "push", url = "{ws}/websocket", batch_delay = "200ms" }}
rpc_timeout = "10s"
trusted_node = true
account_prefix = "{PREFIX}"
key_name = "{RELAYER_KEY}"
store_prefix = "ibc"
default_gas = 1000000
max_gas = 4000000
gas_price = {{ price = 0.0025, denom = "urmesh" }}
gas_multiplier = 1.5
max_msg_num = 30
max_tx_size = 180000
clock_drift = "5s"
max_block_time = "30s"
trusting_period = "14days"
# IBC's default. With trusted_node, Hermes sends only the target header, which the client checks
# against its trusted validators: under 2/3, an update failed whenever one validator with 2/3 of
# the power committed blocks without the other's vote.
trust_threshold = {{ numerator = "1", denominator = "3" }}
address_type = {{ derivation = "cosmos" }}
proof_specs = '''
{proof_specs}
'''
"#,
        id = net.chain_id,
        grpc = node.grpc_addr(),
    )
}

impl Hermes {
    /// Writes the config for `nets` under `dir` and adds the relayer key (`mnemonic`) on each.
    pub fn configure(dir: PathBuf, nets: &[&TestNet], mnemonic: &str) -> Result<Self> {
        fs::create_dir_all(&dir)?;
        let specs = run_with_timeout(
            rmeshd_command()?.args(["ibc", "proof-specs"]),
            None,
            Duration::from_secs(10),
        )?;
        let mut config = String::from(
            r#"[global]
log_level = "info"
[mode.clients]
enabled = true
refresh = true
misbehaviour = false
[mode.connections]
enabled = false
[mode.channels]
enabled = false
[mode.packets]
enabled = true
clear_interval = 5
clear_on_start = true
tx_confirmation = true
"#,
        );
        for net in nets {
            config.push_str(&chain_entry(net, specs.stdout.trim()));
        }
        let path = dir.join("config.toml");
        fs::write(&path, config)?;
        let mnemonic_file = dir.join("relayer.mnemonic");
        fs::write(&mnemonic_file, mnemonic)?;
        let hermes = Hermes {
            dir,
            config: path,
            binary: hermes_bin()?,
            relaying: None,
        };
        for net in nets {
            let file = mnemonic_file.display().to_string();
            hermes.run(&[
                "keys",
                "add",
                "--chain",
                &net.chain_id,
                "--mnemonic-file",
                &file,
            ])?;
        }
        Ok(hermes)
    }

    /// Hermes keeps keys under `$HOME/.hermes`: each test's Hermes gets its own home.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .env("HOME", &self.dir)
            .arg("--config")
            .arg(&self.config);
        command
    }

    /// Runs `hermes --json <args>` and returns the result of its success line.
    pub fn run(&self, args: &[&str]) -> Result<Value> {
        let mut command = self.command();
        command.arg("--json").args(args);
        let out = run_with_timeout(&mut command, None, Duration::from_secs(180))?;
        let last = out
            .stdout
            .lines()
            .rev()
            .find_map(|line| serde_json::from_str::<Value>(line).ok());
        match last {
            Some(v) if v["status"] == "success" && out.success() => Ok(v["result"].clone()),
            _ => bail!(
                "hermes {} failed ({}):\n{}\n{}",
                args.join(" "),
                out.status,
                out.stdout,
                out.stderr
            ),
        }
    }

    /// Starts `hermes start` (push mode), logging to `<dir>/hermes.log`.
    pub fn start(&mut self) -> Result<()> {
        let log = fs::File::create(self.dir.join("hermes.log"))?;
        let mut command = self.command();
        command
            .arg("start")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        die_with_parent(&mut command);
        self.relaying = Some(command.spawn().context("starting hermes")?);
        Ok(())
    }

    /// Clients, a connection and a `transfer` channel (channel-0 on both) between `a` and `b`.
    pub fn create_transfer_channel(&self, a: &str, b: &str) -> Result<()> {
        self.run(&[
            "create",
            "channel",
            "--a-chain",
            a,
            "--b-chain",
            b,
            "--a-port",
            "transfer",
            "--b-port",
            "transfer",
            "--new-client-connection",
            "--yes",
        ])
        .map(|_| ())
    }

    /// The relayer key sends `messages` transfers of `amount denom` over transfer/channel-0
    /// from `route.0` to `receiver` on `route.1` (`tx ft-transfer`).
    pub fn ft_transfer(
        &self,
        route: (&str, &str),
        amount: &str,
        denom: &str,
        receiver: &str,
        timeout_seconds: u64,
        messages: u64,
    ) -> Result<()> {
        let (timeout, messages) = (timeout_seconds.to_string(), messages.to_string());
        self.run(&[
            "tx",
            "ft-transfer",
            "--src-chain",
            route.0,
            "--dst-chain",
            route.1,
            "--src-port",
            "transfer",
            "--src-channel",
            "channel-0",
            "--amount",
            amount,
            "--denom",
            denom,
            "--receiver",
            receiver,
            "--timeout-seconds",
            &timeout,
            "--number-msgs",
            &messages,
        ])
        .map(|_| ())
    }

    /// Clients and a connection (connection-0 on both) between `a` and `b`.
    pub fn create_connection(&self, a: &str, b: &str) -> Result<()> {
        self.run(&["create", "connection", "--a-chain", a, "--b-chain", b])
            .map(|_| ())
    }

    /// The consumer `a` opens a mesh-security channel on connection-0 from the converter's port
    /// to the provider's external-staking port.
    pub fn create_mesh_channel(&self, a: &str) -> Result<Value> {
        self.run(&[
            "create",
            "channel",
            "--a-chain",
            a,
            "--a-connection",
            "connection-0",
            "--a-port",
            "mesh-security",
            "--b-port",
            "external-staking",
            "--order",
            "unordered",
            "--channel-version",
            MESH_VERSION,
            "--yes",
        ])
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.relaying.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A one-validator test net whose `relayer` key (DAVE's mnemonic) pays Hermes's fees.
pub fn relayed_chain(chain_id: &str) -> Result<TestNet> {
    relayed_builder(chain_id).start()
}

/// [`relayed_chain`]'s builder, for nets that need more genesis settings.
pub fn relayed_builder(chain_id: &str) -> TestNetBuilder {
    TestNet::builder()
        .chain_id(chain_id)
        .key(RELAYER_KEY, crate::DAVE, Some("100000000000urmesh"))
}

/// `ibc/<SHA256(trace)>`, as every IBC chain names a voucher.
pub fn voucher(trace: &str) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "ibc/{}",
        hex::encode_upper(Sha256::digest(trace.as_bytes()))
    )
}
