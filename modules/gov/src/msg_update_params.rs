//! `MsgUpdateParams`: gov's own params, changed only by a passed proposal (the gov account is
//! the authority).

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::gov::v1::{MsgUpdateParams, MsgUpdateParamsResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};

use crate::error::GovError;
use crate::event;
use crate::params::Params;
use crate::view::GovWrite;

pub struct UpdateParamsHandler;

fn params_of(msg: &MsgUpdateParams) -> Result<Params, GovError> {
    let params = msg
        .params
        .as_ref()
        .ok_or_else(|| GovError::InvalidParams("params are missing".into()))?;
    Params::from_proto(params)
}

#[async_trait]
impl MsgHandler for UpdateParamsHandler {
    type Msg = MsgUpdateParams;
    type Response = MsgUpdateParamsResponse;
    const MODULE: &'static str = "gov";

    fn check_stateless(msg: &MsgUpdateParams) -> Result<(), SdkError> {
        params_of(msg)?;
        Ok(())
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
        let authority = state.parse_address(&msg.authority).await?;
        if authority != crate::module_address() {
            return Err(GovError::InvalidSigner(format!(
                "invalid authority; expected {}, got {}",
                state.format_address(&crate::module_address()).await?,
                msg.authority
            ))
            .into());
        }
        state.put_gov_params(&params_of(msg)?)?;
        state.record(event::params_updated(&msg.authority));
        Ok(MsgUpdateParamsResponse {})
    }
}
