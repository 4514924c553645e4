//! `MsgCancelUnbondingDelegation`: returns (part of) an unbonding entry to the validator.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::staking::v1beta1::{
    MsgCancelUnbondingDelegation, MsgCancelUnbondingDelegationResponse,
};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};

use crate::delegation::{add_stake, NOT_BONDED_POOL};
use crate::error::StakingError;
use crate::hooks::StakingHooks;
use crate::msg::bond_amount;
use crate::view::{StakingRead, StakingWrite};

pub struct CancelUnbondingHandler<H>(PhantomData<H>);

#[async_trait]
impl<H: StakingHooks> MsgHandler for CancelUnbondingHandler<H> {
    type Msg = MsgCancelUnbondingDelegation;
    type Response = MsgCancelUnbondingDelegationResponse;
    const MODULE: &'static str = "staking";

    fn check_stateless(msg: &MsgCancelUnbondingDelegation) -> Result<(), SdkError> {
        if msg.creation_height <= 0 {
            return Err(SdkError::InvalidRequest("invalid creation height".into()));
        }
        msg.amount
            .as_ref()
            .map(|_| ())
            .ok_or_else(|| SdkError::InvalidRequest("missing amount".into()))
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgCancelUnbondingDelegation,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.delegator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgCancelUnbondingDelegation,
    ) -> Result<MsgCancelUnbondingDelegationResponse, SdkError> {
        let delegator = state.parse_address(&msg.delegator_address).await?;
        let operator = state.parse_operator(&msg.validator_address).await?;
        let amount = bond_amount(state, msg.amount.as_ref()).await?;
        let validator = state.existing_validator(&operator).await?;
        if validator.jailed {
            return Err(StakingError::ValidatorJailed.into());
        }
        let mut entries = state.unbonding(&delegator, &operator).await?;
        let height = msg.creation_height as u64;
        let entry = entries
            .iter_mut()
            .find(|entry| entry.creation_height == height)
            .ok_or_else(|| {
                SdkError::NotFound(format!("no unbonding entry created at height {height}"))
            })?;
        if amount > entry.balance {
            return Err(SdkError::InvalidRequest(format!(
                "amount {amount} is more than the entry's unbonding balance {}",
                entry.balance
            )));
        }
        entry.balance -= amount;
        entry.initial_balance -= amount.min(entry.initial_balance);
        entries.retain(|entry| entry.balance > 0);
        state.put_unbonding(&delegator, &operator, &entries)?;
        let unbonding_pool = Address::module(NOT_BONDED_POOL);
        add_stake::<S, H>(state, &delegator, &operator, &unbonding_pool, amount).await?;
        Ok(MsgCancelUnbondingDelegationResponse {})
    }
}
