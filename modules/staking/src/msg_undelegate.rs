//! `MsgUndelegate`: tokens start their unbonding period.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::staking::v1beta1::{MsgUndelegate, MsgUndelegateResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};

use crate::delegation::undelegate;
use crate::hooks::StakingHooks;
use crate::msg::bond_amount;

pub struct UndelegateHandler<H>(PhantomData<H>);

/// A unix-nanos instant as a protobuf timestamp.
pub fn timestamp(nanos: u64) -> tendermint_proto::google::protobuf::Timestamp {
    tendermint_proto::google::protobuf::Timestamp {
        seconds: (nanos / 1_000_000_000) as i64,
        nanos: (nanos % 1_000_000_000) as i32,
    }
}

#[async_trait]
impl<H: StakingHooks> MsgHandler for UndelegateHandler<H> {
    type Msg = MsgUndelegate;
    type Response = MsgUndelegateResponse;
    const MODULE: &'static str = "staking";

    fn check_stateless(msg: &MsgUndelegate) -> Result<(), SdkError> {
        msg.amount
            .as_ref()
            .map(|_| ())
            .ok_or_else(|| SdkError::InvalidRequest("missing amount".into()))
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgUndelegate,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.delegator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUndelegate,
    ) -> Result<MsgUndelegateResponse, SdkError> {
        let delegator = state.parse_address(&msg.delegator_address).await?;
        let operator = state.parse_operator(&msg.validator_address).await?;
        let amount = bond_amount(state, msg.amount.as_ref()).await?;
        let completion = undelegate::<S, H>(state, &delegator, &operator, amount).await?;
        Ok(MsgUndelegateResponse {
            completion_time: Some(timestamp(completion)),
            amount: msg.amount.clone(),
        })
    }
}
