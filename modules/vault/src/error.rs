//! Errors of the vault (codespace `vault`). Codes are stable: clients match on them.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("invalid amount: {0}")]
    InvalidAmount(String),
    #[error("cannot unbond {wanted}: only {free} of {collateral} collateral is free")]
    InsufficientFree {
        wanted: u128,
        free: u128,
        collateral: u128,
    },
    #[error(
        "cannot lien {amount} to {holder:?}: the max lien would be {max_lien} and the slashable \
         collateral {slashable}, above the collateral of {collateral}; bond more first"
    )]
    LienExceedsCollateral {
        holder: String,
        amount: u128,
        max_lien: u128,
        slashable: String,
        collateral: u128,
    },
    #[error("no lien is held by {0:?} on this collateral")]
    NoLien(String),
    #[error("cannot release {wanted} from the lien of {holder:?}: the lien is only {lien}")]
    ReleaseExceedsLien {
        holder: String,
        wanted: u128,
        lien: u128,
    },
    #[error("slashable ratio {0} must be between 0 and 1")]
    InvalidRatio(String),
    #[error("invalid lien holder {0:?}: it must be 1 to 128 bytes of printable text")]
    InvalidHolder(String),
    #[error("invalid vault genesis: {0}")]
    InvalidGenesis(String),
    #[error("no validator {0} on this chain; pick one from the staking validators query")]
    UnknownValidator(String),
    #[error(
        "cannot unstake {wanted} from {validator}: only {staked} is staked there locally; \
         see the vault local-stakes query"
    )]
    InsufficientLocalStake {
        validator: String,
        wanted: u128,
        staked: u128,
    },
    #[error("no local stake with {0}: nothing earns rewards there")]
    NoLocalStake(String),
}

rmesh_core::module_error_codes!(VaultError in "vault" {
    InvalidAmount = 2,
    InsufficientFree = 3,
    LienExceedsCollateral = 4,
    NoLien = 5,
    ReleaseExceedsLien = 6,
    InvalidRatio = 7,
    InvalidHolder = 8,
    InvalidGenesis = 9,
    UnknownValidator = 10,
    InsufficientLocalStake = 11,
    NoLocalStake = 12,
});
