//! `MsgUnbond`: the owner takes free collateral back out of the vault.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::vault::v1::{MsgUnbond, MsgUnbondResponse};

use crate::msg::positive_amount;
use crate::view::VaultWrite;

pub struct UnbondHandler;

#[async_trait]
impl MsgHandler for UnbondHandler {
    type Msg = MsgUnbond;
    type Response = MsgUnbondResponse;
    const MODULE: &'static str = "vault";

    fn check_stateless(msg: &MsgUnbond) -> Result<(), SdkError> {
        positive_amount(&msg.amount).map(|_| ())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgUnbond) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.owner).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUnbond,
    ) -> Result<MsgUnbondResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        state.unbond(&owner, positive_amount(&msg.amount)?).await?;
        Ok(MsgUnbondResponse {})
    }
}
