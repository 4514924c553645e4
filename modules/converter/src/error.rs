//! Errors of the converter (codespace `converter`). Packet errors become error acks with the
//! same text.

use rmesh_core::{ModuleError, SdkError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConverterError {
    #[error("unknown provider {0:?}")]
    UnknownProvider(String),
    #[error("provider {0:?} already exists")]
    ProviderExists(String),
    #[error("invalid provider: {0}")]
    InvalidProvider(String),
    #[error("provider {0:?} is not accepting stake (paused or closing)")]
    ProviderNotActive(String),
    #[error("{sender} may not set the price of provider {provider:?}: only the authority or its price feeder may")]
    NotPriceFeeder { provider: String, sender: String },
    #[error("malformed packet: {0}")]
    MalformedPacket(String),
    #[error("wrong denom: expected {expected}, got {got}")]
    WrongDenom { expected: String, got: String },
    #[error("validator {0} cannot receive stake: {1}")]
    ValidatorUnavailable(String, &'static str),
    #[error("no stake of {delegator} with {validator} from provider {provider:?}")]
    NoPosition {
        provider: String,
        delegator: String,
        validator: String,
    },
    #[error("cannot burn {wanted}: the listed validators hold only {available}")]
    BurnExceedsStake { wanted: u128, available: u128 },
    #[error("cannot pay {wanted} rewards: provider {provider:?} holds {held}")]
    InsufficientRewards {
        provider: String,
        wanted: u128,
        held: u128,
    },
    #[error("unknown outgoing packet {0} of provider {1:?}")]
    UnknownPacket(u64, String),
    #[error("channel: {0}")]
    Channel(String),
    #[error("connection {0} does not exist on this chain: open it with the relayer first (e.g. `hermes create connection`), then register the provider on it")]
    UnknownConnection(String),
}

impl ModuleError for ConverterError {
    const CODESPACE: &'static str = "converter";

    fn code(&self) -> u32 {
        match self {
            ConverterError::UnknownProvider(_) => 2,
            ConverterError::ProviderExists(_) => 3,
            ConverterError::InvalidProvider(_) => 4,
            ConverterError::ProviderNotActive(_) => 5,
            ConverterError::NotPriceFeeder { .. } => 6,
            ConverterError::MalformedPacket(_) => 7,
            ConverterError::WrongDenom { .. } => 8,
            ConverterError::ValidatorUnavailable(..) => 9,
            ConverterError::NoPosition { .. } => 10,
            ConverterError::BurnExceedsStake { .. } => 11,
            ConverterError::InsufficientRewards { .. } => 12,
            ConverterError::UnknownPacket(..) => 13,
            ConverterError::Channel(_) => 14,
            ConverterError::UnknownConnection(_) => 15,
        }
    }
}

impl From<ConverterError> for SdkError {
    fn from(err: ConverterError) -> Self {
        err.into_sdk()
    }
}
