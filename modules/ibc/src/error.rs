//! Errors of the IBC module (codespace `ibc`).

use rmesh_core::{ModuleError, SdkError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbcError {
    #[error("invalid IBC message: {0}")]
    Decode(String),
    #[error("IBC handler: {0}")]
    Handler(String),
    #[error("ICS-20 transfer: {0}")]
    Transfer(String),
    #[error("unknown IBC denom {0}: no trace recorded")]
    UnknownDenom(String),
}

impl ModuleError for IbcError {
    const CODESPACE: &'static str = "ibc";

    fn code(&self) -> u32 {
        match self {
            IbcError::Decode(_) => 2,
            IbcError::Handler(_) => 3,
            IbcError::Transfer(_) => 4,
            IbcError::UnknownDenom(_) => 5,
        }
    }
}

impl From<IbcError> for SdkError {
    fn from(err: IbcError) -> Self {
        err.into_sdk()
    }
}
