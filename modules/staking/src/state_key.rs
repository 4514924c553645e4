//! Every storage key of the staking module. Numbers inside keys are zero-padded so that prefix
//! iteration (lexicographic) visits them in numeric order.

use rmesh_core::Address;

pub const PARAMS: &str = "staking/params";

pub const VALIDATORS_PREFIX: &str = "staking/validators/";

pub fn validator(operator: &Address) -> String {
    format!("{VALIDATORS_PREFIX}{}", operator.to_hex())
}

/// Validators by consensus address (sha256(pubkey)[..20]), for evidence and signing info.
pub fn validator_by_consensus(consensus: &[u8; 20]) -> String {
    format!("staking/by_consensus/{}", hex(consensus))
}

/// The power index: highest power first, ties broken by operator address.
pub const POWER_INDEX_PREFIX: &str = "staking/power_index/";

pub fn power_index(power: u64, operator: &Address) -> String {
    format!(
        "{POWER_INDEX_PREFIX}{:020}/{}",
        u64::MAX - power,
        operator.to_hex()
    )
}

/// The power CometBFT last received for each validator in the active set.
pub const LAST_POWER_PREFIX: &str = "staking/last_power/";

pub fn last_power(operator: &Address) -> String {
    format!("{LAST_POWER_PREFIX}{}", operator.to_hex())
}

pub fn delegation(delegator: &Address, operator: &Address) -> String {
    format!(
        "staking/delegations/{}/{}",
        delegator.to_hex(),
        operator.to_hex()
    )
}

pub fn delegations_of(delegator: &Address) -> String {
    format!("staking/delegations/{}/", delegator.to_hex())
}

pub fn delegation_by_validator(operator: &Address, delegator: &Address) -> String {
    format!(
        "staking/delegators_of/{}/{}",
        operator.to_hex(),
        delegator.to_hex()
    )
}

pub fn delegators_of(operator: &Address) -> String {
    format!("staking/delegators_of/{}/", operator.to_hex())
}

pub fn unbonding(delegator: &Address, operator: &Address) -> String {
    format!(
        "staking/unbonding/{}/{}",
        delegator.to_hex(),
        operator.to_hex()
    )
}

pub fn unbondings_of(delegator: &Address) -> String {
    format!("staking/unbonding/{}/", delegator.to_hex())
}

/// Unbondings from a validator, for slashing entries created after an infraction.
pub fn unbonding_by_validator(operator: &Address, delegator: &Address) -> String {
    format!(
        "staking/unbonding_from/{}/{}",
        operator.to_hex(),
        delegator.to_hex()
    )
}

pub fn unbondings_from(operator: &Address) -> String {
    format!("staking/unbonding_from/{}/", operator.to_hex())
}

/// The maturity queue: (completion time, delegator, validator) of unbonding delegations.
pub const UNBONDING_QUEUE_PREFIX: &str = "staking/unbonding_queue/";

pub fn unbonding_queue(completion_nanos: u64, delegator: &Address, operator: &Address) -> String {
    format!(
        "{UNBONDING_QUEUE_PREFIX}{completion_nanos:020}/{}/{}",
        delegator.to_hex(),
        operator.to_hex()
    )
}

pub fn redelegation(delegator: &Address, source: &Address, destination: &Address) -> String {
    format!(
        "staking/redelegations/{}/{}/{}",
        delegator.to_hex(),
        source.to_hex(),
        destination.to_hex()
    )
}

pub fn redelegation_by_source(
    source: &Address,
    delegator: &Address,
    destination: &Address,
) -> String {
    format!(
        "staking/redelegations_from/{}/{}/{}",
        source.to_hex(),
        delegator.to_hex(),
        destination.to_hex()
    )
}

pub fn redelegations_from(source: &Address) -> String {
    format!("staking/redelegations_from/{}/", source.to_hex())
}

pub const REDELEGATION_QUEUE_PREFIX: &str = "staking/redelegation_queue/";

pub fn redelegation_queue(
    completion_nanos: u64,
    delegator: &Address,
    source: &Address,
    destination: &Address,
) -> String {
    format!(
        "{REDELEGATION_QUEUE_PREFIX}{completion_nanos:020}/{}/{}/{}",
        delegator.to_hex(),
        source.to_hex(),
        destination.to_hex()
    )
}

/// Validators that started unbonding, by the time they finish.
pub const VALIDATOR_QUEUE_PREFIX: &str = "staking/validator_queue/";

pub fn validator_queue(completion_nanos: u64, operator: &Address) -> String {
    format!(
        "{VALIDATOR_QUEUE_PREFIX}{completion_nanos:020}/{}",
        operator.to_hex()
    )
}

pub fn historical_info(height: u64) -> String {
    format!("staking/historical/{height:020}")
}

pub const HISTORICAL_PREFIX: &str = "staking/historical/";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
