//! Genesis of the vault: empty (`{}`) on a new chain, or the accounts an export wrote. The
//! tokens behind the collateral must be in the vault account's bank balance (bank genesis);
//! cuts still queued at export are not carried over, so export after the holders took them.

use rmesh_core::{coin::amount_string, Decimal};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    /// Bech32 account address.
    pub owner: String,
    #[serde(with = "amount_string")]
    pub collateral: u128,
    #[serde(default)]
    pub liens: Vec<GenesisLien>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisLien {
    pub holder: String,
    #[serde(with = "amount_string")]
    pub amount: u128,
    pub slashable: Decimal,
}
