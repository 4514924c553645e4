//! Genesis of gov: params, the first proposal id, and whether virtual stake may govern.

use serde::{Deserialize, Serialize};

use crate::params::Params;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenesisState {
    #[serde(with = "rmesh_core::coin::amount_string")]
    pub starting_proposal_id: u128,
    pub params: Params,
    /// Off by default: stake minted for provider chains secures the chain but does not vote,
    /// neither directly nor through its validators.
    pub virtual_stake_governs: bool,
    pub constitution: String,
}

impl Default for GenesisState {
    fn default() -> Self {
        GenesisState {
            starting_proposal_id: 1,
            params: Params::default(),
            virtual_stake_governs: false,
            constitution: String::new(),
        }
    }
}
