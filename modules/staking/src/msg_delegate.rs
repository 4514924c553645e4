//! `MsgDelegate`.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::staking::v1beta1::{MsgDelegate, MsgDelegateResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};

use crate::delegation::delegate;
use crate::hooks::StakingHooks;
use crate::msg::bond_amount;

pub struct DelegateHandler<H>(PhantomData<H>);

#[async_trait]
impl<H: StakingHooks> MsgHandler for DelegateHandler<H> {
    type Msg = MsgDelegate;
    type Response = MsgDelegateResponse;
    const MODULE: &'static str = "staking";

    fn check_stateless(msg: &MsgDelegate) -> Result<(), SdkError> {
        msg.amount
            .as_ref()
            .map(|_| ())
            .ok_or_else(|| SdkError::InvalidRequest("missing amount".into()))
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgDelegate) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.delegator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgDelegate,
    ) -> Result<MsgDelegateResponse, SdkError> {
        let delegator = state.parse_address(&msg.delegator_address).await?;
        let operator = state.parse_operator(&msg.validator_address).await?;
        let amount = bond_amount(state, msg.amount.as_ref()).await?;
        delegate::<S, H>(state, &delegator, &operator, amount).await?;
        Ok(MsgDelegateResponse {})
    }
}
