//! Genesis `app_state`: one section per module of `crate::modules`, applied in its order.

use rmesh_core::SdkError;

pub use crate::modules::{init_chain, AppState};

impl AppState {
    /// Parses `app_state` bytes; empty bytes mean an empty genesis.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SdkError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(AppState::default());
        }
        serde_json::from_slice(bytes)
            .map_err(|e| SdkError::InvalidRequest(format!("invalid genesis app_state: {e}")))
    }
}
