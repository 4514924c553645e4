//! `MsgBeginRedelegate`.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::staking::v1beta1::{MsgBeginRedelegate, MsgBeginRedelegateResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};

use crate::delegation::redelegate;
use crate::hooks::StakingHooks;
use crate::msg::bond_amount;
use crate::msg_undelegate::timestamp;

pub struct RedelegateHandler<H>(PhantomData<H>);

#[async_trait]
impl<H: StakingHooks> MsgHandler for RedelegateHandler<H> {
    type Msg = MsgBeginRedelegate;
    type Response = MsgBeginRedelegateResponse;
    const MODULE: &'static str = "staking";

    fn check_stateless(msg: &MsgBeginRedelegate) -> Result<(), SdkError> {
        msg.amount
            .as_ref()
            .map(|_| ())
            .ok_or_else(|| SdkError::InvalidRequest("missing amount".into()))
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgBeginRedelegate,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.delegator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgBeginRedelegate,
    ) -> Result<MsgBeginRedelegateResponse, SdkError> {
        let delegator = state.parse_address(&msg.delegator_address).await?;
        let source = state.parse_operator(&msg.validator_src_address).await?;
        let destination = state.parse_operator(&msg.validator_dst_address).await?;
        let amount = bond_amount(state, msg.amount.as_ref()).await?;
        let completion =
            redelegate::<S, H>(state, &delegator, &source, &destination, amount).await?;
        Ok(MsgBeginRedelegateResponse {
            completion_time: Some(timestamp(completion)),
        })
    }
}
