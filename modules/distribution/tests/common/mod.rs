//! What the distribution tests share: a last commit in which every validator signs.

use rmesh_staking::Validator;
use tendermint::abci::types::{BlockSignatureInfo, CommitInfo, VoteInfo};
use tendermint::block::BlockIdFlag;

/// A last commit in which each of `validators` signs with its power.
pub fn votes(validators: &[Validator]) -> CommitInfo {
    let votes = validators
        .iter()
        .map(|v| VoteInfo {
            validator: tendermint::abci::types::Validator {
                address: v.consensus_address(),
                power: v.power(1_000_000).try_into().unwrap(),
            },
            sig_info: BlockSignatureInfo::Flag(BlockIdFlag::Commit),
        })
        .collect();
    CommitInfo {
        round: 0u16.into(),
        votes,
    }
}
