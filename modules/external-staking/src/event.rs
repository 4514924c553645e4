//! Events of external staking (every attribute indexed).

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

/// `external_staking_<action>` with the consumer and the given attributes.
pub fn external_staking(action: &str, consumer: &str, attributes: &[(&str, String)]) -> Event {
    attributes
        .iter()
        .fold(
            EventBuilder::new(format!("external_staking_{action}")).attr("consumer", consumer),
            |event, (key, value)| event.attr(*key, value.clone()),
        )
        .build()
}
