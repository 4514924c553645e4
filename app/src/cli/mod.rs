//! The `rmeshd` command line, in the Cosmos SDK's shape.

pub mod genesis;
mod gov;
pub mod init;
pub mod keys;
pub mod mesh;
pub mod provider;
pub mod query;
pub mod registry;
pub mod staking;
pub mod start;
pub mod tx;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::CliError;

#[derive(Parser)]
#[command(
    name = "rmeshd",
    version,
    about = "rmesh: a mesh-security consumer chain (ABCI app for CometBFT)"
)]
pub struct Cli {
    /// The node's home directory (config, data, keyring).
    #[arg(long, global = true, env = "RMESHD_HOME")]
    pub home: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Creates a node home: CometBFT config and keys (via `cometbft init`), genesis, app.toml.
    Init(init::InitArgs),
    /// Runs the ABCI application and the gRPC server (CometBFT runs beside it).
    Start(start::StartArgs),
    /// Manages the keys in the home's file keyring.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Edits the genesis file.
    #[command(subcommand)]
    Genesis(genesis::GenesisCommand),
    /// Signs and broadcasts transactions.
    #[command(subcommand)]
    Tx(tx::TxCommand),
    /// Reads chain state.
    #[command(subcommand, alias = "q")]
    Query(query::QueryCommand),
    /// Prints the CometBFT node's status.
    Status(query::NodeArgs),
    /// Writes chain.json and assetlist.json (cosmos chain-registry) and keplr.json (Keplr's
    /// experimentalSuggestChain) for this home's chain.
    ChainRegistry(registry::RegistryArgs),
    /// IBC facts relayers need.
    #[command(subcommand)]
    Ibc(IbcCommand),
}

#[derive(Subcommand)]
pub enum IbcCommand {
    /// The ICS-23 proof specs of this chain's store (JMT, twice), as Hermes's `proof_specs`.
    ProofSpecs,
}

impl Cli {
    pub fn home(&self) -> PathBuf {
        self.home.clone().unwrap_or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default()
                .join(".rmesh")
        })
    }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let home = cli.home();
    match cli.command {
        Command::Init(args) => init::run(&home, args),
        Command::Start(args) => start::run(&home, args).await,
        Command::Keys(command) => keys::run(&home, command),
        Command::Genesis(command) => genesis::run(&home, command),
        Command::Tx(command) => tx::run(&home, command).await,
        Command::Query(command) => query::run(command).await,
        Command::Status(args) => query::status(args).await,
        Command::ChainRegistry(args) => registry::run(&home, args),
        Command::Ibc(IbcCommand::ProofSpecs) => {
            println!("{}", rmesh_ibc::proof_specs_json());
            Ok(())
        }
    }
}

/// Prints a JSON value on stdout, pretty, as the SDK's `--output json` does.
pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    );
}
