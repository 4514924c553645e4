//! `config/app.toml`: where the node listens and its own fee floor. Command-line flags override it.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use rmesh_core::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// A price per unit of gas in one denom, written like the SDK's `0.0025urmesh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasPrice {
    pub price: Decimal,
    pub denom: String,
}

impl FromStr for GasPrice {
    type Err = CliError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            CliError::Input(format!(
                "invalid gas price {s:?}: expected e.g. 0.0025urmesh"
            ))
        };
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let (price, denom) = s.split_at(split);
        rmesh_core::coin::validate_denom(denom).map_err(|_| bad())?;
        Ok(GasPrice {
            price: price.parse().map_err(|_| bad())?,
            denom: denom.to_string(),
        })
    }
}

impl std::fmt::Display for GasPrice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.price, self.denom)
    }
}

/// Parses a comma-separated list of gas prices; empty means no floor.
pub fn parse_gas_prices(text: &str) -> Result<Vec<GasPrice>, CliError> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::parse)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct AppConfig {
    /// Where CometBFT's `proxy_app` connects.
    pub abci_address: String,
    /// The gRPC query server.
    pub grpc_address: String,
    /// CometBFT's RPC, used to answer node-info and tx queries.
    pub comet_rpc: String,
    /// The node's fee floor for mempool admission, e.g. `0.0025urmesh`.
    pub minimum_gas_prices: String,
    /// The REST API (`[api]`).
    pub api: crate::rest::ApiConfig,
    /// Prometheus metrics (`[metrics]`).
    pub metrics: crate::metrics::MetricsConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            abci_address: "127.0.0.1:26658".into(),
            grpc_address: "127.0.0.1:9090".into(),
            comet_rpc: "http://127.0.0.1:26657".into(),
            minimum_gas_prices: "0.0025urmesh".into(),
            api: crate::rest::ApiConfig::default(),
            metrics: crate::metrics::MetricsConfig::default(),
        }
    }
}

impl AppConfig {
    pub fn path(home: &Path) -> PathBuf {
        home.join("config").join("app.toml")
    }

    /// The file's settings, or the defaults when the home has none.
    pub fn load(home: &Path) -> Result<Self, CliError> {
        let path = Self::path(home);
        if !path.exists() {
            return Ok(AppConfig::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
        toml::from_str(&text).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
    }

    pub fn save(&self, home: &Path) -> Result<(), CliError> {
        let path = Self::path(home);
        let text = toml::to_string(self).map_err(|e| CliError::Input(e.to_string()))?;
        std::fs::write(&path, text).map_err(|e| CliError::io(&path, e))
    }
}
