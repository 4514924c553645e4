//! IBC events as CometBFT events. ibc-rs leaves most attributes unindexed; relayers search
//! packets by them (`send_packet.*`, `write_acknowledgement.*`), so every attribute is indexed.

use ibc::core::handler::types::events::IbcEvent;
use ibc::core::host::types::error::HostError;
use tendermint::abci::Event;

pub fn indexed(event: IbcEvent) -> Result<Event, HostError> {
    let mut event = Event::try_from(event)
        .map_err(|e| HostError::invalid_state(format!("cannot encode an IBC event: {e}")))?;
    for attribute in &mut event.attributes {
        attribute.set_index(true);
    }
    Ok(event)
}
