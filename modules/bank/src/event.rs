//! The SDK's bank events, which explorers and clients parse.

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

pub fn coin_spent(spender: &str, amount: &str) -> Event {
    EventBuilder::new("coin_spent")
        .attr("spender", spender)
        .attr("amount", amount)
        .build()
}

pub fn coin_received(receiver: &str, amount: &str) -> Event {
    EventBuilder::new("coin_received")
        .attr("receiver", receiver)
        .attr("amount", amount)
        .build()
}

pub fn transfer(sender: &str, recipient: &str, amount: &str) -> Event {
    EventBuilder::new("transfer")
        .attr("recipient", recipient)
        .attr("sender", sender)
        .attr("amount", amount)
        .build()
}

pub fn coinbase(minter: &str, amount: &str) -> Event {
    EventBuilder::new("coinbase")
        .attr("minter", minter)
        .attr("amount", amount)
        .build()
}

pub fn burn(burner: &str, amount: &str) -> Event {
    EventBuilder::new("burn")
        .attr("burner", burner)
        .attr("amount", amount)
        .build()
}
