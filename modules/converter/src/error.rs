//! Errors of the converter (codespace `converter`). Packet errors become error acks with the
//! same text.

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

rmesh_core::module_error_codes!(ConverterError in "converter" {
    UnknownProvider = 2,
    ProviderExists = 3,
    InvalidProvider = 4,
    ProviderNotActive = 5,
    NotPriceFeeder = 6,
    MalformedPacket = 7,
    WrongDenom = 8,
    ValidatorUnavailable = 9,
    NoPosition = 10,
    BurnExceedsStake = 11,
    InsufficientRewards = 12,
    UnknownPacket = 13,
    Channel = 14,
    UnknownConnection = 15,
});
