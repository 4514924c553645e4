//! The SDK's staking events.

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

pub fn create_validator(validator: &str, amount: &str) -> Event {
    EventBuilder::new("create_validator")
        .attr("validator", validator)
        .attr("amount", amount)
        .build()
}

pub fn delegate(validator: &str, delegator: &str, amount: &str, new_shares: &str) -> Event {
    EventBuilder::new("delegate")
        .attr("validator", validator)
        .attr("delegator", delegator)
        .attr("amount", amount)
        .attr("new_shares", new_shares)
        .build()
}

pub fn unbond(validator: &str, delegator: &str, amount: &str, completion_nanos: u64) -> Event {
    EventBuilder::new("unbond")
        .attr("validator", validator)
        .attr("delegator", delegator)
        .attr("amount", amount)
        .attr("completion_time", completion_nanos.to_string())
        .build()
}

pub fn redelegate(source: &str, destination: &str, delegator: &str, amount: &str) -> Event {
    EventBuilder::new("redelegate")
        .attr("source_validator", source)
        .attr("destination_validator", destination)
        .attr("delegator", delegator)
        .attr("amount", amount)
        .build()
}

pub fn complete_unbonding(validator: &str, delegator: &str, amount: &str) -> Event {
    EventBuilder::new("complete_unbonding")
        .attr("validator", validator)
        .attr("delegator", delegator)
        .attr("amount", amount)
        .build()
}

pub fn edit_validator(validator: &str) -> Event {
    EventBuilder::new("edit_validator")
        .attr("validator", validator)
        .build()
}
