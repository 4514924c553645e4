//! The staking section of genesis: params and the genesis validators with their self-bonds
//! (written by `rmeshd genesis add-validator`, our gentx).

use rmesh_core::Decimal;
use serde::{Deserialize, Serialize};

use crate::params::Params;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    #[serde(default)]
    pub validators: Vec<GenesisValidator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisValidator {
    /// The operator's account address (bech32, account prefix); it pays the self-bond.
    pub operator: String,
    /// Base64 ed25519 public key, as in CometBFT's `priv_validator_key.json`.
    pub consensus_pubkey: String,
    pub moniker: String,
    #[serde(with = "rmesh_core::coin::amount_string")]
    pub self_bond: u128,
    pub commission_rate: Decimal,
    pub commission_max_rate: Decimal,
    pub commission_max_change_rate: Decimal,
    #[serde(with = "rmesh_core::coin::amount_string")]
    pub min_self_delegation: u128,
}
