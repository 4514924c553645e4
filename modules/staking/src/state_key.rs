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

pub fn redelegations_of(delegator: &Address) -> String {
    format!("staking/redelegations/{}/", delegator.to_hex())
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One block's `HistoricalInfo`, written at its begin block.
pub fn historical_info(height: u64) -> String {
    format!("staking/historical/{height:020}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// These keys are what the chain commits to: changing one forks the chain unless a store
    /// migration moves the data (the upgrade work), so a change here must come with one.
    #[test]
    fn storage_keys_are_pinned() {
        let (a, b, c) = (
            Address([0xaa; 20]),
            Address([0xbb; 20]),
            Address([0xcc; 20]),
        );
        let (ha, hb, hc) = (a.to_hex(), b.to_hex(), c.to_hex());
        assert_eq!(ha, "aa".repeat(20));
        assert_eq!(PARAMS, "staking/params");
        assert_eq!(VALIDATORS_PREFIX, "staking/validators/");
        assert_eq!(validator(&a), format!("staking/validators/{ha}"));
        assert_eq!(
            validator_by_consensus(&[0x0c; 20]),
            format!("staking/by_consensus/{}", "0c".repeat(20))
        );
        assert_eq!(POWER_INDEX_PREFIX, "staking/power_index/");
        assert_eq!(
            power_index(7, &a),
            format!("staking/power_index/18446744073709551608/{ha}")
        );
        assert_eq!(LAST_POWER_PREFIX, "staking/last_power/");
        assert_eq!(last_power(&a), format!("staking/last_power/{ha}"));
        assert_eq!(delegation(&a, &b), format!("staking/delegations/{ha}/{hb}"));
        assert_eq!(delegations_of(&a), format!("staking/delegations/{ha}/"));
        assert_eq!(
            delegation_by_validator(&b, &a),
            format!("staking/delegators_of/{hb}/{ha}")
        );
        assert_eq!(delegators_of(&b), format!("staking/delegators_of/{hb}/"));
        assert_eq!(unbonding(&a, &b), format!("staking/unbonding/{ha}/{hb}"));
        assert_eq!(unbondings_of(&a), format!("staking/unbonding/{ha}/"));
        assert_eq!(
            unbonding_by_validator(&b, &a),
            format!("staking/unbonding_from/{hb}/{ha}")
        );
        assert_eq!(unbondings_from(&b), format!("staking/unbonding_from/{hb}/"));
        assert_eq!(UNBONDING_QUEUE_PREFIX, "staking/unbonding_queue/");
        assert_eq!(
            unbonding_queue(42, &a, &b),
            format!("staking/unbonding_queue/00000000000000000042/{ha}/{hb}")
        );
        assert_eq!(
            redelegation(&a, &b, &c),
            format!("staking/redelegations/{ha}/{hb}/{hc}")
        );
        assert_eq!(
            redelegation_by_source(&b, &a, &c),
            format!("staking/redelegations_from/{hb}/{ha}/{hc}")
        );
        assert_eq!(
            redelegations_from(&b),
            format!("staking/redelegations_from/{hb}/")
        );
        assert_eq!(redelegations_of(&a), format!("staking/redelegations/{ha}/"));
        assert_eq!(
            historical_info(42),
            "staking/historical/00000000000000000042"
        );
        assert_eq!(REDELEGATION_QUEUE_PREFIX, "staking/redelegation_queue/");
        assert_eq!(
            redelegation_queue(42, &a, &b, &c),
            format!("staking/redelegation_queue/00000000000000000042/{ha}/{hb}/{hc}")
        );
        assert_eq!(VALIDATOR_QUEUE_PREFIX, "staking/validator_queue/");
        assert_eq!(
            validator_queue(42, &b),
            format!("staking/validator_queue/00000000000000000042/{hb}")
        );
    }
}
