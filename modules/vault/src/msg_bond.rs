//! `MsgBond`: the owner moves bond-denom tokens into the vault as collateral.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::vault::v1::{MsgBond, MsgBondResponse};

use crate::msg::positive_amount;
use crate::view::VaultWrite;

pub struct BondHandler;

#[async_trait]
impl MsgHandler for BondHandler {
    type Msg = MsgBond;
    type Response = MsgBondResponse;
    const MODULE: &'static str = "vault";

    fn check_stateless(msg: &MsgBond) -> Result<(), SdkError> {
        positive_amount(&msg.amount).map(|_| ())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgBond) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.owner).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgBond,
    ) -> Result<MsgBondResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        state.bond(&owner, positive_amount(&msg.amount)?).await?;
        Ok(MsgBondResponse {})
    }
}
