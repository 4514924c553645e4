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

/// A module's typed error: converted into `SdkError::Module` with a stable code. Implement it
/// with [`module_error_codes!`], which also lists every code for the app's pin test.
pub trait ModuleError: std::error::Error {
    const CODESPACE: &'static str;
    /// Every variant's name and code, in the order they are declared.
    const CODES: &'static [(&'static str, u32)];

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

/// Gives a module's error enum its codespace and one code per variant, from a single list: the
/// `code` match it generates is exhaustive, so a new variant does not compile until it is listed
/// here, and the same list becomes `ModuleError::CODES`, which the app pins. Codes are part of
/// what clients see and of each block's results: never renumber one.
///
/// ```
/// use rmesh_core::{AbciCode, ModuleError, SdkError};
///
/// #[derive(Debug, thiserror::Error)]
/// enum BankError {
///     #[error("no inputs to send transaction")]
///     NoInputs,
///     #[error("multiple senders not allowed: got {inputs}")]
///     MultipleSenders { inputs: usize },
/// }
///
/// rmesh_core::module_error_codes!(BankError in "bank" {
///     NoInputs = 2,
///     MultipleSenders = 9,
/// });
///
/// assert_eq!(BankError::CODES, &[("NoInputs", 2), ("MultipleSenders", 9)]);
/// let err = SdkError::from(BankError::MultipleSenders { inputs: 2 });
/// assert_eq!((err.codespace(), err.code()), ("bank", 9));
/// ```
#[macro_export]
macro_rules! module_error_codes {
    ($error:ident in $codespace:literal { $($variant:ident = $code:literal),+ $(,)? }) => {
        impl $crate::ModuleError for $error {
            const CODESPACE: &'static str = $codespace;
            const CODES: &'static [(&'static str, u32)] = &[$((stringify!($variant), $code)),+];

            fn code(&self) -> u32 {
                match self {
                    $($error::$variant { .. } => $code,)+
                }
            }
        }

        impl From<$error> for $crate::SdkError {
            fn from(err: $error) -> Self {
                $crate::ModuleError::into_sdk(err)
            }
        }
    };
}

/// The root codes, from one list as [`module_error_codes!`] does for modules: `SdkError::CODES`
/// and the exhaustive `code` match (a module's error passes its own code through).
macro_rules! root_error_codes {
    ($($variant:ident = $code:literal),+ $(,)?) => {
        impl SdkError {
            /// Every root variant's name and code (codespace `sdk`), as the SDK numbers them.
            pub const CODES: &'static [(&'static str, u32)] = &[$((stringify!($variant), $code)),+];
        }

        impl AbciCode for SdkError {
            fn codespace(&self) -> &'static str {
                match self {
                    SdkError::Module { codespace, .. } => codespace,
                    _ => ROOT_CODESPACE,
                }
            }

            fn code(&self) -> u32 {
                match self {
                    SdkError::Module { code, .. } => *code,
                    $(SdkError::$variant { .. } => $code,)+
                }
            }
        }
    };
}

/// The codespace of the SDK's root errors.
pub const ROOT_CODESPACE: &str = "sdk";

root_error_codes! {
    Internal = 1,
    TxDecode = 2,
    Unauthorized = 4,
    InsufficientFunds = 5,
    UnknownRequest = 6,
    InvalidAddress = 7,
    InvalidPubKey = 8,
    UnknownAddress = 9,
    InvalidCoins = 10,
    OutOfGas = 11,
    MemoTooLarge = 12,
    InsufficientFee = 13,
    TooManySignatures = 14,
    NoSignatures = 15,
    InvalidRequest = 18,
    TxTooLarge = 21,
    TxTimeoutHeight = 30,
    WrongSequence = 32,
    NotFound = 38,
    InvalidGasLimit = 41,
}

impl From<anyhow::Error> for SdkError {
    /// Storage failures surface as internal errors: they are never the sender's fault.
    fn from(err: anyhow::Error) -> Self {
        SdkError::Internal(format!("{err:#}"))
    }
}
