//! Errors of the virtual-staking module (codespace `virtual_staking`).

use rmesh_core::{ModuleError, SdkError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VirtualStakingError {
    #[error("only the mesh authority {authority} may do this, not {sender}")]
    NotAuthority { authority: String, sender: String },
    #[error("invalid virtual-staking params: {0}")]
    InvalidParams(String),
}

impl ModuleError for VirtualStakingError {
    const CODESPACE: &'static str = "virtual_staking";

    fn code(&self) -> u32 {
        match self {
            VirtualStakingError::NotAuthority { .. } => 2,
            VirtualStakingError::InvalidParams(_) => 3,
        }
    }
}

impl From<VirtualStakingError> for SdkError {
    fn from(err: VirtualStakingError) -> Self {
        err.into_sdk()
    }
}
