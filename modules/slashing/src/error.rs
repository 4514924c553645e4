//! Errors of slashing (codespace `slashing`). Codes are the Cosmos SDK v0.50 x/slashing codes
//! where the SDK has the same error; rmesh's own start above the SDK's highest (9).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlashingError {
    #[error("address is not associated with any known validator: check the operator address against the staking validators query")]
    NoValidatorForAddress,
    #[error("validator still jailed; cannot be unjailed before {until}")]
    ValidatorJailed { until: String },
    #[error("validator not jailed; cannot be unjailed")]
    ValidatorNotJailed,
    #[error("validator's self delegation less than minimum; cannot be unjailed: it holds {self_bond}, the minimum is {minimum}; delegate more first")]
    SelfDelegationTooLowToUnjail { self_bond: u128, minimum: u128 },
    #[error("validator already tombstoned: it double-signed and can never be unjailed")]
    ValidatorTombstoned,
    #[error("invalid slashing genesis: {0}")]
    InvalidGenesis(String),
    #[error("slashing arithmetic overflow: {0} (the signing info is inconsistent)")]
    ArithmeticOverflow(&'static str),
}

rmesh_core::module_error_codes!(SlashingError in "slashing" {
    NoValidatorForAddress = 2,
    ValidatorJailed = 4,
    ValidatorNotJailed = 5,
    SelfDelegationTooLowToUnjail = 7,
    ValidatorTombstoned = 9,
    InvalidGenesis = 10,
    ArithmeticOverflow = 11,
});
