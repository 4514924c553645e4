//! `MsgVote` and `MsgVoteWeighted`: a vote (split across options by weight) on a proposal in its
//! voting period; a later vote replaces an earlier one.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::gov::v1::{
    MsgVote, MsgVoteResponse, MsgVoteWeighted, MsgVoteWeightedResponse, ProposalStatus, Vote,
    VoteOption, WeightedVoteOption,
};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, Decimal, MsgHandler, SdkError};

use crate::error::GovError;
use crate::event;
use crate::msg_submit_proposal::check_metadata;
use crate::view::{GovRead, GovWrite};

fn check_option(option: i32) -> Result<VoteOption, GovError> {
    match VoteOption::try_from(option) {
        Ok(VoteOption::Unspecified) | Err(_) => Err(GovError::InvalidVote(format!(
            "{option} is not a vote option: yes (1), abstain (2), no (3) or no_with_veto (4)"
        ))),
        Ok(valid) => Ok(valid),
    }
}

/// The SDK's checks on weighted options: valid and distinct options, weights in (0, 1]
/// summing to exactly 1.
fn check_weighted(options: &[WeightedVoteOption]) -> Result<(), GovError> {
    if options.is_empty() {
        return Err(GovError::InvalidVote(
            "a vote needs at least one option".into(),
        ));
    }
    let mut seen = Vec::new();
    let mut total = Decimal::ZERO;
    for weighted in options {
        let option = check_option(weighted.option)?;
        if seen.contains(&option) {
            return Err(GovError::InvalidVote(format!(
                "{} is given twice",
                option.as_str_name()
            )));
        }
        seen.push(option);
        let weight: Decimal = weighted
            .weight
            .parse()
            .map_err(|e| GovError::InvalidVote(format!("weight {:?}: {e}", weighted.weight)))?;
        if weight.is_zero() || weight > Decimal::ONE {
            return Err(GovError::InvalidVote(format!(
                "weight {weight} must be within (0, 1]"
            )));
        }
        total = total
            .checked_add(weight)
            .ok_or_else(|| GovError::InvalidVote("weights overflow".into()))?;
    }
    if total != Decimal::ONE {
        return Err(GovError::InvalidVote(format!(
            "the weights sum to {total}, not 1"
        )));
    }
    Ok(())
}

/// Stores `voter`'s vote on proposal `id` in place of any earlier one.
async fn cast<S: StateWrite>(
    state: &mut S,
    id: u64,
    voter: &str,
    options: Vec<WeightedVoteOption>,
    metadata: &str,
) -> Result<(), SdkError> {
    let proposal = state.existing_proposal(id).await?;
    if proposal.status() != ProposalStatus::VotingPeriod {
        return Err(GovError::InactiveProposal {
            id,
            why: "not in its voting period",
        }
        .into());
    }
    let address = state.parse_address(voter).await?;
    let shown: Vec<String> = options
        .iter()
        .map(|o| format!("{{\"option\":{},\"weight\":\"{}\"}}", o.option, o.weight))
        .collect();
    state.put_vote(
        &address,
        &Vote {
            proposal_id: id,
            voter: voter.to_string(),
            options,
            metadata: metadata.to_string(),
        },
    )?;
    state.record(event::voted(id, voter, &format!("[{}]", shown.join(","))));
    Ok(())
}

pub struct VoteHandler;

#[async_trait]
impl MsgHandler for VoteHandler {
    type Msg = MsgVote;
    type Response = MsgVoteResponse;
    const MODULE: &'static str = "gov";

    fn check_stateless(msg: &MsgVote) -> Result<(), SdkError> {
        check_option(msg.option)?;
        check_metadata(&msg.metadata)?;
        Ok(())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgVote) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.voter).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgVote,
    ) -> Result<MsgVoteResponse, SdkError> {
        let options = vec![WeightedVoteOption {
            option: msg.option,
            weight: Decimal::ONE.to_string(),
        }];
        cast(state, msg.proposal_id, &msg.voter, options, &msg.metadata).await?;
        Ok(MsgVoteResponse {})
    }
}

pub struct VoteWeightedHandler;

#[async_trait]
impl MsgHandler for VoteWeightedHandler {
    type Msg = MsgVoteWeighted;
    type Response = MsgVoteWeightedResponse;
    const MODULE: &'static str = "gov";

    fn check_stateless(msg: &MsgVoteWeighted) -> Result<(), SdkError> {
        check_weighted(&msg.options)?;
        check_metadata(&msg.metadata)?;
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgVoteWeighted,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.voter).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgVoteWeighted,
    ) -> Result<MsgVoteWeightedResponse, SdkError> {
        // Weights stored in canonical form, so the tally reads what was checked.
        let mut options = Vec::with_capacity(msg.options.len());
        for weighted in &msg.options {
            let weight: Decimal = weighted
                .weight
                .parse()
                .map_err(|e| GovError::InvalidVote(format!("weight: {e}")))?;
            options.push(WeightedVoteOption {
                option: weighted.option,
                weight: weight.to_string(),
            });
        }
        cast(state, msg.proposal_id, &msg.voter, options, &msg.metadata).await?;
        Ok(MsgVoteWeightedResponse {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weighted(option: VoteOption, weight: &str) -> WeightedVoteOption {
        WeightedVoteOption {
            option: option as i32,
            weight: weight.into(),
        }
    }

    #[test]
    fn weighted_options_must_be_distinct_positive_and_sum_to_one() {
        let ok = [
            weighted(VoteOption::Yes, "0.6"),
            weighted(VoteOption::No, "0.4"),
        ];
        check_weighted(&ok).unwrap();
        for bad in [
            vec![],
            vec![
                weighted(VoteOption::Yes, "0.6"),
                weighted(VoteOption::No, "0.3"),
            ],
            vec![
                weighted(VoteOption::Yes, "0.5"),
                weighted(VoteOption::Yes, "0.5"),
            ],
            vec![
                weighted(VoteOption::Yes, "0"),
                weighted(VoteOption::No, "1"),
            ],
            vec![weighted(VoteOption::Unspecified, "1")],
            vec![weighted(VoteOption::Yes, "1.5")],
        ] {
            assert!(
                matches!(check_weighted(&bad), Err(GovError::InvalidVote(_))),
                "{bad:?}"
            );
        }
    }
}
