//! `MsgSubmitProposal`: a proposal of messages the gov account will sign, with an initial
//! deposit. Each message must route and name the gov account as its only signer.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::gov::v1::{
    MsgSubmitProposal, MsgSubmitProposalResponse, Proposal, ProposalStatus,
};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, BlockContextExt, MsgHandler, SdkError};

use crate::deposit::{self, coins_of};
use crate::error::GovError;
use crate::params::{MAX_METADATA_LEN, MAX_SUMMARY_LEN, MAX_TITLE_LEN};
use crate::time::timestamp;
use crate::view::{GovRead, GovWrite};
use crate::{event, ProposalRouter};

pub struct SubmitProposalHandler<R>(PhantomData<R>);

pub(crate) fn check_metadata(metadata: &str) -> Result<(), GovError> {
    if metadata.len() > MAX_METADATA_LEN {
        return Err(GovError::MetadataTooLong(format!(
            "metadata of {} bytes is over the limit of {MAX_METADATA_LEN}",
            metadata.len()
        )));
    }
    Ok(())
}

#[async_trait]
impl<R: ProposalRouter> MsgHandler for SubmitProposalHandler<R> {
    type Msg = MsgSubmitProposal;
    type Response = MsgSubmitProposalResponse;
    const MODULE: &'static str = "gov";

    fn check_stateless(msg: &MsgSubmitProposal) -> Result<(), SdkError> {
        let content = |why: String| Err(GovError::InvalidProposalContent(why).into());
        if msg.title.trim().is_empty() {
            return content("proposal title cannot be empty".into());
        }
        if msg.title.len() > MAX_TITLE_LEN {
            return content(format!("title is longer than {MAX_TITLE_LEN} bytes"));
        }
        if msg.summary.trim().is_empty() {
            return content("proposal summary cannot be empty".into());
        }
        if msg.summary.len() > MAX_SUMMARY_LEN {
            return content(format!("summary is longer than {MAX_SUMMARY_LEN} bytes"));
        }
        check_metadata(&msg.metadata)?;
        coins_of(&msg.initial_deposit)?;
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgSubmitProposal,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.proposer).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgSubmitProposal,
    ) -> Result<MsgSubmitProposalResponse, SdkError> {
        let gov = crate::module_address();
        for message in &msg.messages {
            let signers = R::signers(state, message)
                .await
                .map_err(|e| GovError::InvalidProposalMsg(format!("{}: {e}", message.type_url)))?;
            if signers != [gov] {
                let mut named = Vec::new();
                for signer in &signers {
                    named.push(state.format_address(signer).await?);
                }
                return Err(GovError::InvalidSigner(format!(
                    "{} is signed by [{}], not the gov account {}",
                    message.type_url,
                    named.join(", "),
                    state.format_address(&gov).await?
                ))
                .into());
            }
        }
        let proposer = state.parse_address(&msg.proposer).await?;
        let params = state.gov_params().await?;
        let initial = coins_of(&msg.initial_deposit)?;
        deposit::check_initial(&params, &initial, msg.expedited)?;

        let id = state.next_proposal_id().await?;
        let next = id
            .checked_add(1)
            .ok_or_else(|| GovError::Overflow("proposal id".into()))?;
        state.put_next_proposal_id(next)?;
        let now = state.block_context().unix_nanos();
        let deposit_end = now
            .checked_add(params.max_deposit_period.saturating_mul(1_000_000_000))
            .ok_or_else(|| GovError::Overflow("deposit end time".into()))?;
        let mut proposal = Proposal {
            id,
            messages: msg.messages.clone(),
            status: ProposalStatus::DepositPeriod as i32,
            final_tally_result: None,
            submit_time: Some(timestamp(now)),
            deposit_end_time: Some(timestamp(deposit_end)),
            total_deposit: vec![],
            voting_start_time: None,
            voting_end_time: None,
            metadata: msg.metadata.clone(),
            title: msg.title.clone(),
            summary: msg.summary.clone(),
            proposer: msg.proposer.clone(),
            expedited: msg.expedited,
            failed_reason: String::new(),
        };
        state.queue_for_deposits(deposit_end, id)?;
        let type_urls: Vec<&str> = msg.messages.iter().map(|m| m.type_url.as_str()).collect();
        state.record(event::submitted(id, &type_urls));
        if initial.is_empty() {
            state.put_proposal(&proposal)?;
        } else {
            deposit::add(state, &mut proposal, &proposer, &initial, true).await?;
        }
        Ok(MsgSubmitProposalResponse { proposal_id: id })
    }
}
