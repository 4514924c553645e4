use rmesh_core::EventBuilder;
use tendermint::abci::Event;

pub fn slash(address: &str, power: u64, reason: &str, jailed: &str, burned: u128) -> Event {
    EventBuilder::new("slash")
        .attr("address", address)
        .attr("power", power.to_string())
        .attr("reason", reason)
        .attr("jailed", jailed)
        .attr("burned_coins", burned.to_string())
        .build()
}

pub fn liveness(address: &str, missed_blocks: u64, height: u64) -> Event {
    EventBuilder::new("liveness")
        .attr("address", address)
        .attr("missed_blocks", missed_blocks.to_string())
        .attr("height", height.to_string())
        .build()
}
