//! Gov's lifecycle: genesis, and at every end block the proposals whose deposit or voting
//! period ended: dropped, or tallied and (when passed) executed.

use async_trait::async_trait;
use cnidarium::{StateDelta, StateWrite};
use cosmos_sdk_proto::cosmos::gov::v1::{Proposal, ProposalStatus};
use rmesh_auth::AccountRead;
use rmesh_core::component::BURNER;
use rmesh_core::{BlockContextExt, BlockHeader, Component, ModuleAccount, SdkError};
use rmesh_staking::StakingRead;

use crate::error::GovError;
use crate::genesis::GenesisState;
use crate::tally::tally;
use crate::time::{nanos_of, timestamp};
use crate::view::{GovRead, GovWrite};
use crate::{deposit, event, GovApp, ProposalRouter};

pub struct Gov;

#[async_trait]
impl<A: GovApp> Component<A> for Gov {
    const GENESIS_KEY: &'static str = "gov";
    type Genesis = GenesisState;
    const MODULE_ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount {
        name: crate::MODULE_NAME,
        permissions: &[BURNER],
    }];

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        let bond_denom = state.staking_params().await?.bond_denom;
        let params = genesis.params.with_default_deposits(&bond_denom);
        params.validate()?;
        let first = u64::try_from(genesis.starting_proposal_id)
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                GovError::InvalidParams(format!(
                    "starting_proposal_id {} must be a positive 64-bit number",
                    genesis.starting_proposal_id
                ))
            })?;
        state.put_gov_params(&params)?;
        state.put_next_proposal_id(first)?;
        state.put_virtual_stake_governs(genesis.virtual_stake_governs)?;
        state.put_constitution(&genesis.constitution)
    }

    async fn end_block<S: StateWrite>(
        state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        let now = state.block_context().unix_nanos();
        for id in state.deposit_periods_ended(now).await? {
            drop_unfunded::<S>(state, id).await?;
        }
        for id in state.voting_periods_ended(now).await? {
            decide::<A, S>(state, id).await?;
        }
        Ok(())
    }
}

/// A proposal whose deposit period ended below the minimum: deleted, its deposits refunded (or
/// burned when `burn_proposal_deposit_prevote`).
async fn drop_unfunded<S: StateWrite>(state: &mut S, id: u64) -> Result<(), SdkError> {
    let proposal = state.existing_proposal(id).await?;
    state.unqueue_for_deposits(nanos_of(proposal.deposit_end_time.as_ref()), id)?;
    let burn = state.gov_params().await?.burn_proposal_deposit_prevote;
    deposit::settle(state, id, burn).await?;
    state.delete_proposal(id)?;
    state.record(event::dropped(id));
    Ok(())
}

/// A proposal whose voting period ended: tallied, its deposits settled, and its messages run
/// when it passed, all of them or none.
async fn decide<A: GovApp, S: StateWrite>(state: &mut S, id: u64) -> Result<(), SdkError> {
    let mut proposal = state.existing_proposal(id).await?;
    state.unqueue_for_voting(nanos_of(proposal.voting_end_time.as_ref()), id)?;
    let outcome = tally(state, &proposal).await?;
    // A failed expedited proposal goes on as a regular one, its deposits still held.
    if !proposal.expedited || outcome.passes {
        deposit::settle(state, id, outcome.burn_deposits).await?;
    }
    let voters: Vec<_> = state.votes(id).await?;
    for vote in voters {
        let voter = state.parse_address(&vote.voter).await?;
        state.delete_vote(id, &voter)?;
    }
    let (result, log) = if outcome.passes {
        match execute::<A, S>(state, &proposal).await {
            Ok(()) => {
                proposal.status = ProposalStatus::Passed as i32;
                ("proposal_passed", String::new())
            }
            Err(err) => {
                proposal.status = ProposalStatus::Failed as i32;
                proposal.failed_reason = err.to_string();
                ("proposal_failed", err.to_string())
            }
        }
    } else if proposal.expedited {
        proposal.expedited = false;
        let start = nanos_of(proposal.voting_start_time.as_ref());
        let period = state.gov_params().await?.voting_period;
        let end = start
            .checked_add(period.saturating_mul(1_000_000_000))
            .ok_or_else(|| GovError::Overflow("voting end time".into()))?;
        proposal.voting_end_time = Some(timestamp(end));
        state.queue_for_voting(end, id)?;
        ("expedited_proposal_rejected", String::new())
    } else {
        proposal.status = ProposalStatus::Rejected as i32;
        ("proposal_rejected", String::new())
    };
    proposal.final_tally_result = Some(outcome.result);
    state.put_proposal(&proposal)?;
    state.record(event::decided(id, result, &log));
    Ok(())
}

/// Runs the proposal's messages signed by the gov account, keeping their effects (and events)
/// only if every one succeeds.
async fn execute<A: GovApp, S: StateWrite>(
    state: &mut S,
    proposal: &Proposal,
) -> Result<(), SdkError> {
    let mut attempt = StateDelta::new(&mut *state);
    for (index, message) in proposal.messages.iter().enumerate() {
        <A::Router as ProposalRouter>::execute(&mut attempt, message)
            .await
            .map_err(|err| GovError::ProposalMessageFailed {
                index,
                type_url: message.type_url.clone(),
                reason: err.to_string(),
            })?;
    }
    let (_, events) = attempt.apply();
    for event in events {
        state.record(event);
    }
    Ok(())
}
