use rmesh_core::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Share of every block's rewards that goes to the community pool.
    pub community_tax: Decimal,
    /// New bond-denom tokens minted into every block's rewards (a simple inflation).
    #[serde(with = "rmesh_core::coin::amount_string")]
    pub block_provision: u128,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            community_tax: Decimal::from_atomics(20_000_000_000_000_000),
            block_provision: 1_000_000,
        }
    }
}
