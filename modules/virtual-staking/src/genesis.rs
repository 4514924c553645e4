//! Genesis of virtual staking: the mesh authority and the params.

use serde::{Deserialize, Serialize};

use crate::params::Params;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    /// The account allowed to change params and manage providers; empty: the gov module
    /// account, so only passed proposals may.
    #[serde(default)]
    pub authority: String,
    #[serde(default)]
    pub params: Params,
}
