//! Events of the virtual-staking module (every attribute indexed).

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

pub fn bond(provider: &str, validator: &str, amount: u128, delegated: u128) -> Event {
    EventBuilder::new("virtual_bond")
        .attr("provider", provider)
        .attr("validator", validator)
        .attr("amount", amount.to_string())
        .attr("delegated", delegated.to_string())
        .build()
}

pub fn unbond(provider: &str, validator: &str, amount: u128, delegated: u128) -> Event {
    EventBuilder::new("virtual_unbond")
        .attr("provider", provider)
        .attr("validator", validator)
        .attr("amount", amount.to_string())
        .attr("delegated", delegated.to_string())
        .build()
}

pub fn epoch(number: u64, height: u64) -> Event {
    EventBuilder::new("virtual_staking_epoch")
        .attr("epoch", number.to_string())
        .attr("height", height.to_string())
        .build()
}

pub fn params_updated(authority: &str) -> Event {
    EventBuilder::new("virtual_staking_params_updated")
        .attr("authority", authority)
        .build()
}
