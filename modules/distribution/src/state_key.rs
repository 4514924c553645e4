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
