//! `MsgUnstakeLocal`: the owner starts unbonding local stake; the collateral is free again when
//! the unbonding completes.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::vault::v1::{MsgUnstakeLocal, MsgUnstakeLocalResponse};
use rmesh_staking::StakingHooks;

use crate::local::unstake_local;
use crate::msg::positive_amount;

pub struct UnstakeLocalHandler<H>(PhantomData<H>);

#[async_trait]
impl<H: StakingHooks> MsgHandler for UnstakeLocalHandler<H> {
    type Msg = MsgUnstakeLocal;
    type Response = MsgUnstakeLocalResponse;
    const MODULE: &'static str = "vault";

    fn check_stateless(msg: &MsgUnstakeLocal) -> Result<(), SdkError> {
        positive_amount(&msg.amount).map(|_| ())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgUnstakeLocal,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.owner).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUnstakeLocal,
    ) -> Result<MsgUnstakeLocalResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        let validator = state.parse_operator(&msg.validator).await?;
        unstake_local::<S, H>(state, &owner, &validator, positive_amount(&msg.amount)?).await?;
        Ok(MsgUnstakeLocalResponse {})
    }
}
