//! `MsgUpdateParams`: the mesh authority replaces the virtual-staking params.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::virtualstaking::v1::{MsgUpdateParams, MsgUpdateParamsResponse};

use crate::error::VirtualStakingError;
use crate::event;
use crate::params::Params;
use crate::view::{VirtualStakingRead, VirtualStakingWrite};

pub struct UpdateParamsHandler;

fn params_of(msg: &MsgUpdateParams) -> Result<Params, SdkError> {
    let params = msg
        .params
        .as_ref()
        .ok_or_else(|| VirtualStakingError::InvalidParams("params are missing".into()))?;
    Ok(Params::from_proto(params)?)
}

#[async_trait]
impl MsgHandler for UpdateParamsHandler {
    type Msg = MsgUpdateParams;
    type Response = MsgUpdateParamsResponse;
    const MODULE: &'static str = "virtual_staking";

    fn check_stateless(msg: &MsgUpdateParams) -> Result<(), SdkError> {
        params_of(msg).map(|_| ())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgUpdateParams,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.authority).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUpdateParams,
    ) -> Result<MsgUpdateParamsResponse, SdkError> {
        state.ensure_authority(&msg.authority).await?;
        state.put_virtual_staking_params(&params_of(msg)?)?;
        state.record(event::params_updated(&msg.authority));
        Ok(MsgUpdateParamsResponse {})
    }
}
