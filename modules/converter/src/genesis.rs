//! Genesis of the converter: the providers known from the start.

use serde::{Deserialize, Serialize};

use crate::provider::Provider;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub providers: Vec<Provider>,
}
