use std::path::Path;

use clap::Args;

use crate::config::AppConfig;
use crate::error::CliError;

#[derive(Args)]
pub struct StartArgs {
    /// Address CometBFT's proxy_app connects to (overrides app.toml).
    #[arg(long)]
    pub abci_addr: Option<String>,
    /// gRPC listen address (overrides app.toml).
    #[arg(long)]
    pub grpc_addr: Option<String>,
    /// REST API listen address (overrides app.toml's api.address).
    #[arg(long)]
    pub api_addr: Option<String>,
    /// Prometheus metrics listen address (overrides app.toml's metrics.address; empty = off).
    #[arg(long)]
    pub metrics_addr: Option<String>,
    /// This node's CometBFT RPC, for node-info and tx queries (overrides app.toml).
    #[arg(long)]
    pub comet_rpc: Option<String>,
    /// Fee floor for mempool admission, e.g. 0.0025urmesh (overrides app.toml).
    #[arg(long)]
    pub minimum_gas_prices: Option<String>,
}

pub async fn run(home: &Path, args: StartArgs) -> Result<(), CliError> {
    let mut config = AppConfig::load(home)?;
    config.abci_address = strip_tcp(args.abci_addr.unwrap_or(config.abci_address));
    config.grpc_address = strip_tcp(args.grpc_addr.unwrap_or(config.grpc_address));
    if let Some(address) = args.api_addr {
        config.api.address = strip_tcp(address);
    }
    if let Some(address) = args.metrics_addr {
        config.metrics.address = strip_tcp(address);
    }
    config.comet_rpc = args.comet_rpc.unwrap_or(config.comet_rpc);
    config.minimum_gas_prices = args.minimum_gas_prices.unwrap_or(config.minimum_gas_prices);
    crate::node::run(home, config).await
}

/// Accepts CometBFT-style `tcp://host:port` as well as `host:port`.
fn strip_tcp(address: String) -> String {
    address
        .strip_prefix("tcp://")
        .map(str::to_string)
        .unwrap_or(address)
}
