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
