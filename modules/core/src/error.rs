//! ABCI result codes. Every module error maps to a stable (codespace, code) pair; the SDK's own
//! codes are reused where clients (cosmjs, Hermes) interpret them.

/// An error that can be reported to CometBFT as a non-zero result code.
pub trait AbciCode: std::error::Error {
    fn codespace(&self) -> &'static str;
    fn code(&self) -> u32;
    /// The log line clients show; the SDK appends the code's description after a colon.
    fn log(&self) -> String {
        self.to_string()
    }
}

/// The Cosmos SDK's root error codes (codespace `sdk`), with their SDK descriptions in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdkError {
    #[error("{0}: tx parse error")]
    TxDecode(String),
    #[error("{0}: unauthorized")]
    Unauthorized(String),
    #[error("{0}: insufficient funds")]
    InsufficientFunds(String),
    #[error("{0}: unknown request")]
    UnknownRequest(String),
    #[error("{0}: invalid address")]
    InvalidAddress(String),
    #[error("{0}: invalid pubkey")]
    InvalidPubKey(String),
    #[error("{0}: unknown address")]
    UnknownAddress(String),
    #[error("{0}: invalid coins")]
    InvalidCoins(String),
    #[error("out of gas in location: {location}; gasWanted: {limit}, gasUsed: {used}: out of gas")]
    OutOfGas {
        location: String,
        limit: u64,
        used: u64,
    },
    #[error("{0}: memo too large")]
    MemoTooLarge(String),
    #[error("{0}: insufficient fee")]
    InsufficientFee(String),
    #[error("{0}: too many signatures")]
    TooManySignatures(String),
    #[error("{0}: no signatures supplied")]
    NoSignatures(String),
    #[error("{0}: invalid request")]
    InvalidRequest(String),
    #[error("{0}: tx too large")]
    TxTooLarge(String),
    #[error("{0}: tx timeout height")]
    TxTimeoutHeight(String),
    #[error(
        "account sequence mismatch, expected {expected}, got {got}: incorrect account sequence"
    )]
    WrongSequence { expected: u64, got: u64 },
    #[error("{0}: invalid gas limit")]
    InvalidGasLimit(String),
    #[error("{0}: not found")]
    NotFound(String),
    #[error("{0}: internal")]
    Internal(String),
    /// A module's own error, under the module's codespace (see `ModuleError`).
    #[error("{message}")]
    Module {
        codespace: &'static str,
        code: u32,
        message: String,
    },
}

/// A module's typed error: converted into `SdkError::Module` with a stable code.
pub trait ModuleError: std::error::Error {
    const CODESPACE: &'static str;
    fn code(&self) -> u32;

    fn into_sdk(self) -> SdkError
    where
        Self: Sized,
    {
        SdkError::Module {
            codespace: Self::CODESPACE,
            code: self.code(),
            message: self.to_string(),
        }
    }
}

impl AbciCode for SdkError {
    fn codespace(&self) -> &'static str {
        match self {
            SdkError::Module { codespace, .. } => codespace,
            _ => "sdk",
        }
    }

    fn code(&self) -> u32 {
        match self {
            SdkError::Internal(_) => 1,
            SdkError::TxDecode(_) => 2,
            SdkError::Unauthorized(_) => 4,
            SdkError::InsufficientFunds(_) => 5,
            SdkError::UnknownRequest(_) => 6,
            SdkError::InvalidAddress(_) => 7,
            SdkError::InvalidPubKey(_) => 8,
            SdkError::UnknownAddress(_) => 9,
            SdkError::InvalidCoins(_) => 10,
            SdkError::OutOfGas { .. } => 11,
            SdkError::MemoTooLarge(_) => 12,
            SdkError::InsufficientFee(_) => 13,
            SdkError::TooManySignatures(_) => 14,
            SdkError::NoSignatures(_) => 15,
            SdkError::InvalidRequest(_) => 18,
            SdkError::TxTooLarge(_) => 21,
            SdkError::TxTimeoutHeight(_) => 30,
            SdkError::WrongSequence { .. } => 32,
            SdkError::NotFound(_) => 38,
            SdkError::InvalidGasLimit(_) => 41,
            SdkError::Module { code, .. } => *code,
        }
    }
}

impl From<anyhow::Error> for SdkError {
    /// Storage failures surface as internal errors: they are never the sender's fault.
    fn from(err: anyhow::Error) -> Self {
        SdkError::Internal(format!("{err:#}"))
    }
}
