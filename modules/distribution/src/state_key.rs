//! Every storage key of the distribution module.

use rmesh_core::Address;

pub const PARAMS: &str = "distribution/params";
pub const COMMUNITY_POOL: &str = "distribution/community_pool";

pub fn outstanding(operator: &Address) -> String {
    format!("distribution/outstanding/{}", operator.to_hex())
}

pub fn commission(operator: &Address) -> String {
    format!("distribution/commission/{}", operator.to_hex())
}

pub fn current_rewards(operator: &Address) -> String {
    format!("distribution/current/{}", operator.to_hex())
}

pub fn historical_rewards(operator: &Address, period: u64) -> String {
    format!("distribution/historical/{}/{period:020}", operator.to_hex())
}

pub fn starting_info(delegator: &Address, operator: &Address) -> String {
    format!(
        "distribution/starting/{}/{}",
        delegator.to_hex(),
        operator.to_hex()
    )
}

/// Slash events of a validator, by the period they ended.
pub fn slash_event(operator: &Address, period: u64) -> String {
    format!("distribution/slash/{}/{period:020}", operator.to_hex())
}

pub fn slash_events_of(operator: &Address) -> String {
    format!("distribution/slash/{}/", operator.to_hex())
}

pub fn withdraw_address(delegator: &Address) -> String {
    format!("distribution/withdraw_address/{}", delegator.to_hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// These keys are what the chain commits to: changing one forks the chain unless a store
    /// migration moves the data (the upgrade work), so a change here must come with one.
    #[test]
    fn storage_keys_are_pinned() {
        let (a, b) = (Address([0xaa; 20]), Address([0xbb; 20]));
        let (ha, hb) = ("aa".repeat(20), "bb".repeat(20));
        assert_eq!(PARAMS, "distribution/params");
        assert_eq!(COMMUNITY_POOL, "distribution/community_pool");
        assert_eq!(outstanding(&b), format!("distribution/outstanding/{hb}"));
        assert_eq!(commission(&b), format!("distribution/commission/{hb}"));
        assert_eq!(current_rewards(&b), format!("distribution/current/{hb}"));
        assert_eq!(
            historical_rewards(&b, 42),
            format!("distribution/historical/{hb}/00000000000000000042")
        );
        assert_eq!(
            starting_info(&a, &b),
            format!("distribution/starting/{ha}/{hb}")
        );
        assert_eq!(
            slash_event(&b, 42),
            format!("distribution/slash/{hb}/00000000000000000042")
        );
        assert_eq!(slash_events_of(&b), format!("distribution/slash/{hb}/"));
        assert_eq!(
            withdraw_address(&a),
            format!("distribution/withdraw_address/{ha}")
        );
    }
}
