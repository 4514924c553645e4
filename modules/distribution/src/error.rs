//! Errors of distribution (codespace `distribution`). Codes are the Cosmos SDK v0.50
//! x/distribution codes where the SDK has the same error; rmesh's own start above the SDK's
//! highest (13).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistributionError {
    #[error(
        "no delegation distribution info: the delegator has no delegation with this validator"
    )]
    EmptyDelegationDistInfo,
    #[error("no validator commission to withdraw: less than one whole token has accrued")]
    NoValidatorCommission,
    #[error("invalid distribution genesis: {0}")]
    InvalidGenesis(String),
}

rmesh_core::module_error_codes!(DistributionError in "distribution" {
    EmptyDelegationDistInfo = 5,
    NoValidatorCommission = 7,
    InvalidGenesis = 14,
});
