//! Storage keys of the IBC module. IBC paths live in the `ibc` substore exactly as ibc-go keeps
//! them (so counterparties verify our proofs); what only this chain reads lives beside them.

/// The cnidarium key of an ICS-24 path: the `ibc` substore holds every IBC path.
pub fn ibc_path(path: &impl std::fmt::Display) -> String {
    format!("ibc/{path}")
}

/// Our own consensus state at `height` (what counterparties' clients of us verify against).
pub fn host_consensus_state(height: u64) -> String {
    format!("ibc_host/consensus_state/{height:020}")
}

/// ICS-20: the full trace (`transfer/channel-0/uatom`) of a voucher denom's hash.
pub fn denom_trace(hash: &str) -> String {
    format!("{DENOM_TRACE_PREFIX}{hash}")
}

pub const DENOM_TRACE_PREFIX: &str = "ibc_transfer/denom_trace/";

#[cfg(test)]
mod tests {
    use super::*;

    /// These keys are what the chain commits to: changing one forks the chain unless a store
    /// migration moves the data (the upgrade work), so a change here must come with one.
    #[test]
    fn storage_keys_are_pinned() {
        assert_eq!(
            ibc_path(&"clients/07-tendermint-0/clientState"),
            "ibc/clients/07-tendermint-0/clientState"
        );
        assert_eq!(
            host_consensus_state(42),
            "ibc_host/consensus_state/00000000000000000042"
        );
        assert_eq!(denom_trace("ABCD"), "ibc_transfer/denom_trace/ABCD");
        assert_eq!(DENOM_TRACE_PREFIX, "ibc_transfer/denom_trace/");
    }
}
