//! `MsgStakeLocal`: the owner delegates collateral to a validator of this chain.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::vault::v1::{MsgStakeLocal, MsgStakeLocalResponse};
use rmesh_staking::StakingHooks;

use crate::local::stake_local;
use crate::msg::positive_amount;

pub struct StakeLocalHandler<H>(PhantomData<H>);

#[async_trait]
impl<H: StakingHooks> MsgHandler for StakeLocalHandler<H> {
    type Msg = MsgStakeLocal;
    type Response = MsgStakeLocalResponse;
    const MODULE: &'static str = "vault";

    fn check_stateless(msg: &MsgStakeLocal) -> Result<(), SdkError> {
        positive_amount(&msg.amount).map(|_| ())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgStakeLocal,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.owner).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgStakeLocal,
    ) -> Result<MsgStakeLocalResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        let validator = state.parse_operator(&msg.validator).await?;
        stake_local::<S, H>(state, &owner, &validator, positive_amount(&msg.amount)?).await?;
        Ok(MsgStakeLocalResponse {})
    }
}
