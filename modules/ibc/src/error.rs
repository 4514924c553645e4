//! Errors of the IBC module (codespace `ibc`).

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

rmesh_core::module_error_codes!(IbcError in "ibc" {
    Decode = 2,
    Handler = 3,
    Transfer = 4,
    UnknownDenom = 5,
});
