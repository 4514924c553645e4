//! Every storage key of the gov module. Proposal ids are 16 hex digits and queue times 20
//! decimal digits, so keys sort as the numbers do.

use rmesh_core::Address;

pub const PARAMS: &str = "gov/params";
pub const NEXT_PROPOSAL_ID: &str = "gov/next_proposal_id";
pub const VIRTUAL_STAKE_GOVERNS: &str = "gov/virtual_stake_governs";
pub const CONSTITUTION: &str = "gov/constitution";

pub const PROPOSALS_PREFIX: &str = "gov/proposals/";
pub const DEPOSIT_QUEUE_PREFIX: &str = "gov/deposit_queue/";
pub const VOTING_QUEUE_PREFIX: &str = "gov/voting_queue/";

pub fn proposal(id: u64) -> String {
    format!("{PROPOSALS_PREFIX}{id:016x}")
}

pub fn deposits_of(id: u64) -> String {
    format!("gov/deposits/{id:016x}/")
}

pub fn deposit(id: u64, depositor: &Address) -> String {
    format!("{}{}", deposits_of(id), depositor.to_hex())
}

pub fn votes_of(id: u64) -> String {
    format!("gov/votes/{id:016x}/")
}

pub fn vote(id: u64, voter: &Address) -> String {
    format!("{}{}", votes_of(id), voter.to_hex())
}

/// A proposal waiting for deposits until `end_nanos` (unix nanoseconds).
pub fn in_deposit_queue(end_nanos: u64, id: u64) -> String {
    format!("{DEPOSIT_QUEUE_PREFIX}{end_nanos:020}/{id:016x}")
}

/// A proposal in its voting period until `end_nanos` (unix nanoseconds).
pub fn in_voting_queue(end_nanos: u64, id: u64) -> String {
    format!("{VOTING_QUEUE_PREFIX}{end_nanos:020}/{id:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are part of the app hash: changing one silently forks a running chain.
    #[test]
    fn storage_keys_are_pinned() {
        let account = Address([0xab; 20]);
        let hex = "abababababababababababababababababababab";
        assert_eq!(proposal(26), "gov/proposals/000000000000001a");
        assert_eq!(
            deposit(26, &account),
            format!("gov/deposits/000000000000001a/{hex}")
        );
        assert_eq!(
            vote(26, &account),
            format!("gov/votes/000000000000001a/{hex}")
        );
        assert_eq!(
            in_deposit_queue(1_700_000_000_000_000_000, 26),
            "gov/deposit_queue/01700000000000000000/000000000000001a"
        );
        assert_eq!(
            in_voting_queue(5, 1),
            "gov/voting_queue/00000000000000000005/0000000000000001"
        );
        assert_eq!(
            [
                PARAMS,
                NEXT_PROPOSAL_ID,
                VIRTUAL_STAKE_GOVERNS,
                CONSTITUTION
            ],
            [
                "gov/params",
                "gov/next_proposal_id",
                "gov/virtual_stake_governs",
                "gov/constitution"
            ]
        );
    }
}
