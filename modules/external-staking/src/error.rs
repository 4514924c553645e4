//! Errors of external staking (codespace `external_staking`). Packet errors become error acks
//! with the same text.

use rmesh_mesh_wire::WireError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExternalStakingError {
    #[error("external-staking arithmetic overflow: {0}")]
    ArithmeticOverflow(&'static str),
    #[error("unknown consumer {0:?}")]
    UnknownConsumer(String),
    #[error("consumer {0:?} already exists")]
    ConsumerExists(String),
    #[error("invalid consumer: {0}")]
    InvalidConsumer(String),
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error("no cross-stake of {delegator} with {validator} on consumer {consumer:?} to release")]
    NoStake {
        consumer: String,
        delegator: String,
        validator: String,
    },
    #[error("channel: {0}")]
    Channel(String),
    #[error("consumer {0:?} has no open mesh-security channel yet")]
    NoChannel(String),
    #[error("validator {validator} is {status} on consumer {consumer:?}: only active validators take stake")]
    ValidatorNotActive {
        consumer: String,
        validator: String,
        status: String,
    },
    #[error("cannot unstake {wanted}: {available} of this stake is not already being unstaked")]
    InsufficientStake { wanted: u128, available: u128 },
    #[error("no rewards to withdraw from {0}")]
    NoRewards(String),
    #[error("invalid amount: {0}")]
    InvalidAmount(String),
    #[error("consumer {consumer:?} pays rewards in {expected}, not {got}")]
    WrongRewardDenom {
        consumer: String,
        expected: String,
        got: String,
    },
}

rmesh_core::module_error_codes!(ExternalStakingError in "external_staking" {
    UnknownConsumer = 2,
    ConsumerExists = 3,
    InvalidConsumer = 4,
    Wire = 5,
    NoStake = 6,
    Channel = 7,
    NoChannel = 8,
    ValidatorNotActive = 9,
    InsufficientStake = 10,
    NoRewards = 11,
    InvalidAmount = 12,
    WrongRewardDenom = 13,
    ArithmeticOverflow = 14,
});
