//! Genesis of external staking: the consumers known from the start.

use serde::{Deserialize, Serialize};

use crate::consumer::Consumer;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub consumers: Vec<Consumer>,
}
