//! The upgrade module's events.

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

pub fn scheduled(name: &str, height: i64) -> Event {
    EventBuilder::new("software_upgrade")
        .attr("name", name)
        .attr("height", height.to_string())
        .build()
}

pub fn cancelled(name: &str) -> Event {
    EventBuilder::new("cancel_software_upgrade")
        .attr("name", name)
        .build()
}

pub fn applied(name: &str, height: u64) -> Event {
    EventBuilder::new("upgrade")
        .attr("name", name)
        .attr("height", height.to_string())
        .build()
}
