//! ABCI events. CometBFT 0.38 only indexes attributes flagged `index=true`, and relayers and
//! explorers search by them, so every attribute we emit is indexed.

use tendermint::abci::{Event, EventAttribute};

pub struct EventBuilder {
    kind: String,
    attributes: Vec<EventAttribute>,
}

impl EventBuilder {
    pub fn new(kind: impl Into<String>) -> Self {
        EventBuilder {
            kind: kind.into(),
            attributes: Vec::new(),
        }
    }

    pub fn attr(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes
            .push(EventAttribute::from((key.into(), value.into(), true)));
        self
    }

    pub fn build(self) -> Event {
        Event {
            kind: self.kind,
            attributes: self.attributes,
        }
    }
}
