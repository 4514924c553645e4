//! Events of the converter (every attribute indexed).

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

/// `converter_<action>` with the provider and the given attributes.
pub fn converter(action: &str, provider: &str, attributes: &[(&str, String)]) -> Event {
    attributes
        .iter()
        .fold(
            EventBuilder::new(format!("converter_{action}")).attr("provider", provider),
            |event, (key, value)| event.attr(*key, value.clone()),
        )
        .build()
}
