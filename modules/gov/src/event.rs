//! Gov's events, with the SDK's types and attributes (explorers index proposals by them).

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

pub fn submitted(id: u64, type_urls: &[&str]) -> Event {
    // The SDK writes the message types as `,/a.Msg,/b.Msg,`.
    let messages = format!(",{},", type_urls.join(","));
    EventBuilder::new("submit_proposal")
        .attr("proposal_id", id.to_string())
        .attr("proposal_messages", messages)
        .build()
}

pub fn voting_started(id: u64) -> Event {
    EventBuilder::new("submit_proposal")
        .attr("voting_period_start", id.to_string())
        .build()
}

pub fn deposited(id: u64, depositor: &str, amount: &str) -> Event {
    EventBuilder::new("proposal_deposit")
        .attr("amount", amount)
        .attr("proposal_id", id.to_string())
        .attr("depositor", depositor)
        .build()
}

pub fn voted(id: u64, voter: &str, options: &str) -> Event {
    EventBuilder::new("proposal_vote")
        .attr("voter", voter)
        .attr("option", options)
        .attr("proposal_id", id.to_string())
        .build()
}

/// A proposal whose deposit period ended without enough deposits.
pub fn dropped(id: u64) -> Event {
    EventBuilder::new("inactive_proposal")
        .attr("proposal_id", id.to_string())
        .attr("proposal_result", "proposal_dropped")
        .build()
}

/// A proposal whose voting period ended: `proposal_passed`, `proposal_rejected`,
/// `proposal_failed` (its messages failed) or `expedited_proposal_rejected`.
pub fn decided(id: u64, result: &str, log: &str) -> Event {
    EventBuilder::new("active_proposal")
        .attr("proposal_id", id.to_string())
        .attr("proposal_result", result)
        .attr("proposal_log", log)
        .build()
}

pub fn params_updated(authority: &str) -> Event {
    EventBuilder::new("gov_params_updated")
        .attr("authority", authority)
        .build()
}
