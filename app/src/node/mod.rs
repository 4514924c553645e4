//! The running node: ABCI services for CometBFT plus the gRPC query server, over one storage.

pub mod abci_server;
pub mod consensus;
pub mod info;
pub mod mempool;
pub mod read_cache;
pub mod snapshot;
pub mod state;

use std::path::Path;

use cnidarium::Storage;
use rmesh_auth::VerifiedSignatures;

use crate::config::{parse_gas_prices, AppConfig};
use crate::error::CliError;
use crate::query::{grpc, QueryRouter};

/// Substores with their own JMT root; `ibc` keeps IBC proofs in ibc-go's shape.
pub const SUBSTORES: &[&str] = &["ibc"];

pub async fn open_storage(home: &Path) -> Result<Storage, CliError> {
    let path = home.join("data").join("rmesh.db");
    std::fs::create_dir_all(&path).map_err(|e| CliError::io(&path, e))?;
    Storage::load(
        path.clone(),
        SUBSTORES.iter().map(|s| s.to_string()).collect(),
    )
    .await
    .map_err(|e| CliError::Other(format!("cannot open state at {}: {e:#}", path.display())))
}

/// Serves ABCI on `config.abci_address`, gRPC on `config.grpc_address` and the REST API on
/// `config.api.address` until one stops.
pub async fn run(home: &Path, config: AppConfig) -> Result<(), CliError> {
    let storage = open_storage(home).await?;
    let upgrades = crate::upgrades::Upgrades::carried(home);
    // A plan due now that this binary does not carry: stop before CometBFT connects.
    upgrades
        .check_at_start(&storage.latest_snapshot())
        .await
        .map_err(|stop| CliError::Other(stop.to_string()))?;
    let minimum_gas_prices = parse_gas_prices(&config.minimum_gas_prices)?;
    let signatures = VerifiedSignatures::new();
    let mempool = mempool::Mempool::new(storage.clone(), minimum_gas_prices, signatures.clone());
    let router = QueryRouter::new(storage.clone(), &config, mempool.clone());
    let restored = router.restore_history().await;
    tracing::info!(restored, "reopened committed versions for queries");
    let metrics = crate::metrics::Metrics::new();
    let server = abci_server::AbciServices {
        consensus: crate::metrics::Metered::new(
            consensus::Consensus::with_upgrades(storage.clone(), signatures, upgrades),
            metrics.clone(),
        ),
        mempool: mempool.clone(),
        info: info::Info::new(storage.clone(), router.clone()),
        snapshot: snapshot::Snapshots,
    };
    tracing::info!(
        abci = %config.abci_address,
        grpc = %config.grpc_address,
        api = %if config.api.enable { config.api.address.as_str() } else { "off" },
        metrics = %if config.metrics.address.is_empty() { "off" } else { config.metrics.address.as_str() },
        "rmeshd starting"
    );
    let rest_router = router.clone();
    let api = config.api.clone();
    let rest = async move {
        match api.enable {
            true => crate::rest::serve(rest_router, api).await,
            false => std::future::pending().await,
        }
    };
    let metrics_router = router.clone();
    let metrics_address = config.metrics.address.clone();
    let metrics = async move {
        match metrics_address.as_str() {
            "" => std::future::pending().await,
            address => crate::metrics::serve(metrics, metrics_router, mempool, address).await,
        }
    };
    let grpc = grpc::serve(router, &config.grpc_address);
    let abci = server.listen_tcp(&config.abci_address);
    tokio::select! {
        result = abci => result.map_err(|e| CliError::Other(format!("ABCI server stopped: {e}"))),
        result = grpc => result,
        result = rest => result,
        result = metrics => result,
    }
}
