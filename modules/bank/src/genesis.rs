//! The bank section of genesis `app_state`, shaped like the SDK's.

use rmesh_core::Coin;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub balances: Vec<Balance>,
    /// Optional; when present it must equal the sum of balances.
    #[serde(default)]
    pub supply: Vec<Coin>,
    /// Denom metadata in the SDK's JSON form (`base`, `display`, `denom_units`, ...).
    #[serde(default)]
    pub denom_metadata: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    pub address: String,
    pub coins: Vec<Coin>,
}
