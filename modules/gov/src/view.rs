//! Typed access to gov's params, proposals, deposits, votes and its two queues.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::gov::v1::{Deposit, Proposal, Vote};
use rmesh_core::{Address, SdkError, StoreRead, StoreWrite};

use crate::error::GovError;
use crate::params::Params;
use crate::state_key;

/// The proposal id at the end of a queue key (`.../<time>/<id hex>`).
fn queued_id(key: &str) -> Option<u64> {
    key.rsplit('/')
        .next()
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
}

/// Ids whose queue time is at or before `now_nanos`, in time order.
async fn due<S: StateRead + ?Sized>(
    state: &S,
    prefix: &str,
    now_nanos: u64,
) -> Result<Vec<u64>, SdkError> {
    let mut ids = Vec::new();
    for (key, _) in state.prefix_entries(prefix).await? {
        let time = key[prefix.len()..]
            .split('/')
            .next()
            .and_then(|digits| digits.parse::<u64>().ok())
            .ok_or_else(|| SdkError::Internal(format!("corrupt gov queue key {key}")))?;
        if time > now_nanos {
            break;
        }
        ids.extend(queued_id(&key));
    }
    Ok(ids)
}

#[async_trait]
pub trait GovRead: StateRead {
    async fn gov_params(&self) -> Result<Params, SdkError> {
        self.get_json(state_key::PARAMS)
            .await?
            .ok_or_else(|| SdkError::Internal("gov params are missing".into()))
    }

    async fn virtual_stake_governs(&self) -> Result<bool, SdkError> {
        Ok(self
            .get_json(state_key::VIRTUAL_STAKE_GOVERNS)
            .await?
            .unwrap_or(false))
    }

    async fn constitution(&self) -> Result<String, SdkError> {
        Ok(self
            .get_json(state_key::CONSTITUTION)
            .await?
            .unwrap_or_default())
    }

    async fn proposal(&self, id: u64) -> Result<Option<Proposal>, SdkError> {
        self.get_proto(&state_key::proposal(id)).await
    }

    async fn existing_proposal(&self, id: u64) -> Result<Proposal, SdkError> {
        self.proposal(id)
            .await?
            .ok_or_else(|| GovError::UnknownProposal(id).into())
    }

    /// Every proposal, by id.
    async fn all_proposals(&self) -> Result<Vec<Proposal>, SdkError> {
        self.prefix_protos(state_key::PROPOSALS_PREFIX).await
    }

    async fn next_proposal_id(&self) -> Result<u64, SdkError> {
        let id = self.get_amount(state_key::NEXT_PROPOSAL_ID).await?;
        u64::try_from(id).map_err(|_| SdkError::Internal("corrupt next proposal id".into()))
    }

    async fn deposit(&self, id: u64, depositor: &Address) -> Result<Option<Deposit>, SdkError> {
        self.get_proto(&state_key::deposit(id, depositor)).await
    }

    /// A proposal's deposits, by depositor address bytes.
    async fn deposits(&self, id: u64) -> Result<Vec<Deposit>, SdkError> {
        self.prefix_protos(&state_key::deposits_of(id)).await
    }

    async fn vote(&self, id: u64, voter: &Address) -> Result<Option<Vote>, SdkError> {
        self.get_proto(&state_key::vote(id, voter)).await
    }

    /// A proposal's votes, by voter address bytes.
    async fn votes(&self, id: u64) -> Result<Vec<Vote>, SdkError> {
        self.prefix_protos(&state_key::votes_of(id)).await
    }

    /// Proposals whose deposit period ended by `now_nanos`.
    async fn deposit_periods_ended(&self, now_nanos: u64) -> Result<Vec<u64>, SdkError> {
        due(self, state_key::DEPOSIT_QUEUE_PREFIX, now_nanos).await
    }

    /// Proposals whose voting period ended by `now_nanos`.
    async fn voting_periods_ended(&self, now_nanos: u64) -> Result<Vec<u64>, SdkError> {
        due(self, state_key::VOTING_QUEUE_PREFIX, now_nanos).await
    }
}

impl<S: StateRead + ?Sized> GovRead for S {}

pub trait GovWrite: StateWrite {
    fn put_gov_params(&mut self, params: &Params) -> Result<(), SdkError> {
        self.put_json(state_key::PARAMS.into(), params)
    }

    fn put_virtual_stake_governs(&mut self, governs: bool) -> Result<(), SdkError> {
        self.put_json(state_key::VIRTUAL_STAKE_GOVERNS.into(), &governs)
    }

    fn put_constitution(&mut self, constitution: &str) -> Result<(), SdkError> {
        self.put_json(state_key::CONSTITUTION.into(), &constitution)
    }

    fn put_proposal(&mut self, proposal: &Proposal) -> Result<(), SdkError> {
        self.put_proto(state_key::proposal(proposal.id), proposal)
    }

    fn delete_proposal(&mut self, id: u64) -> Result<(), SdkError> {
        self.delete_key(state_key::proposal(id))
    }

    fn put_next_proposal_id(&mut self, id: u64) -> Result<(), SdkError> {
        self.put_amount(state_key::NEXT_PROPOSAL_ID.into(), u128::from(id))
    }

    fn put_deposit(&mut self, depositor: &Address, deposit: &Deposit) -> Result<(), SdkError> {
        self.put_proto(state_key::deposit(deposit.proposal_id, depositor), deposit)
    }

    fn delete_deposit(&mut self, id: u64, depositor: &Address) -> Result<(), SdkError> {
        self.delete_key(state_key::deposit(id, depositor))
    }

    fn put_vote(&mut self, voter: &Address, vote: &Vote) -> Result<(), SdkError> {
        self.put_proto(state_key::vote(vote.proposal_id, voter), vote)
    }

    fn delete_vote(&mut self, id: u64, voter: &Address) -> Result<(), SdkError> {
        self.delete_key(state_key::vote(id, voter))
    }

    fn queue_for_deposits(&mut self, end_nanos: u64, id: u64) -> Result<(), SdkError> {
        self.put_bytes(
            state_key::in_deposit_queue(end_nanos, id),
            id.to_be_bytes().to_vec(),
        )
    }

    fn unqueue_for_deposits(&mut self, end_nanos: u64, id: u64) -> Result<(), SdkError> {
        self.delete_key(state_key::in_deposit_queue(end_nanos, id))
    }

    fn queue_for_voting(&mut self, end_nanos: u64, id: u64) -> Result<(), SdkError> {
        self.put_bytes(
            state_key::in_voting_queue(end_nanos, id),
            id.to_be_bytes().to_vec(),
        )
    }

    fn unqueue_for_voting(&mut self, end_nanos: u64, id: u64) -> Result<(), SdkError> {
        self.delete_key(state_key::in_voting_queue(end_nanos, id))
    }
}

impl<S: StateWrite + ?Sized> GovWrite for S {}
