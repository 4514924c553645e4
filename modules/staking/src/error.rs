//! Errors of staking (codespace `staking`). Codes are the Cosmos SDK v0.50 x/staking codes where
//! the SDK has the same error, so clients and explorers read them as they do on any SDK chain;
//! rmesh's own start above the SDK's highest (45). Where the SDK answers with a root error (a
//! wrong denom, an amount above the delegation, an unknown unbonding entry) so does rmesh.

use rmesh_core::Decimal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StakingError {
    #[error(
        "validator does not exist: check the operator address against the staking validators query"
    )]
    NoValidatorFound,
    #[error("validator already exist for this operator address; must use new validator operator address")]
    ValidatorOwnerExists,
    #[error("validator already exist for this pubkey; must use new validator pubkey")]
    ValidatorPubKeyExists,
    #[error(
        "validator pubkey type is not supported: consensus keys must be {expected}, got {got}"
    )]
    ValidatorPubKeyTypeNotSupported { expected: &'static str, got: String },
    #[error("validator for this address is currently jailed: unjail it first")]
    ValidatorJailed,
    #[error("commission cannot be more than 100%: the max rate is {max_rate}")]
    CommissionHuge { max_rate: Decimal },
    #[error("commission cannot be more than the max rate: the rate {rate} is above {max_rate}")]
    CommissionGtMaxRate { rate: Decimal, max_rate: Decimal },
    #[error("commission cannot be changed more than once in 24h")]
    CommissionUpdateTime,
    #[error(
        "commission change rate cannot be more than the max rate: the max change rate \
         {max_change_rate} is above the max rate {max_rate}"
    )]
    CommissionChangeRateGtMaxRate {
        max_change_rate: Decimal,
        max_rate: Decimal,
    },
    #[error(
        "commission cannot be changed more than max change rate: from {from} to {to} is more \
         than {max_change_rate}"
    )]
    CommissionGtMaxChangeRate {
        from: Decimal,
        to: Decimal,
        max_change_rate: Decimal,
    },
    #[error(
        "minimum self delegation {minimum} is above the {bonded} tokens bonded to the validator"
    )]
    SelfDelegationBelowMinimum { bonded: u128, minimum: u128 },
    #[error(
        "minimum self delegation cannot be decreased: it is {current}, the new one must be higher"
    )]
    MinSelfDelegationDecreased { current: u128 },
    #[error("no delegation for (address, validator) tuple: delegate to this validator first")]
    NoDelegation,
    #[error(
        "insufficient delegation shares: the validator has fewer shares than are being removed"
    )]
    InsufficientShares,
    #[error(
        "not enough delegation shares: the delegation holds fewer shares than are being removed"
    )]
    NotEnoughDelegationShares,
    #[error(
        "too many unbonding delegation entries for (delegator, validator) tuple (max {max}): \
         wait for one to complete"
    )]
    MaxUnbondingDelegationEntries { max: u32 },
    #[error("cannot redelegate to the same validator")]
    SelfRedelegation,
    #[error("redelegation destination validator not found")]
    BadRedelegationDst,
    #[error(
        "redelegation to this validator already in progress; first redelegation to this \
         validator must complete before next redelegation"
    )]
    TransitiveRedelegation,
    #[error(
        "too many redelegation entries for (delegator, src-validator, dst-validator) tuple \
         (max {max}): wait for one to complete"
    )]
    MaxRedelegationEntries { max: u32 },
    #[error("empty validator public key: the consensus pubkey is required")]
    EmptyValidatorPubKey,
    #[error("commission cannot be less than min rate: the rate {rate} is below {min_rate}")]
    CommissionLtMinRate { rate: Decimal, min_rate: Decimal },
    #[error("redelegation source validator not found")]
    BadRedelegationSrc,
    #[error("arithmetic overflow: {0}")]
    ArithmeticOverflow(String),
    #[error("invalid staking genesis: {0}")]
    InvalidGenesis(String),
}

rmesh_core::module_error_codes!(StakingError in "staking" {
    NoValidatorFound = 3,
    ValidatorOwnerExists = 4,
    ValidatorPubKeyExists = 5,
    ValidatorPubKeyTypeNotSupported = 6,
    ValidatorJailed = 7,
    CommissionHuge = 10,
    CommissionGtMaxRate = 11,
    CommissionUpdateTime = 12,
    CommissionChangeRateGtMaxRate = 14,
    CommissionGtMaxChangeRate = 15,
    SelfDelegationBelowMinimum = 16,
    MinSelfDelegationDecreased = 17,
    NoDelegation = 19,
    InsufficientShares = 22,
    NotEnoughDelegationShares = 24,
    MaxUnbondingDelegationEntries = 27,
    SelfRedelegation = 29,
    BadRedelegationDst = 31,
    TransitiveRedelegation = 32,
    MaxRedelegationEntries = 33,
    EmptyValidatorPubKey = 39,
    CommissionLtMinRate = 40,
    BadRedelegationSrc = 44,
    ArithmeticOverflow = 46,
    InvalidGenesis = 47,
});
