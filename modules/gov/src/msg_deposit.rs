//! `MsgDeposit`: adds to a proposal's deposit, in its deposit or its voting period.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::gov::v1::{MsgDeposit, MsgDepositResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};

use crate::deposit::{self, coins_of};
use crate::view::GovRead;

pub struct DepositHandler;

#[async_trait]
impl MsgHandler for DepositHandler {
    type Msg = MsgDeposit;
    type Response = MsgDepositResponse;
    const MODULE: &'static str = "gov";

    fn check_stateless(msg: &MsgDeposit) -> Result<(), SdkError> {
        if coins_of(&msg.amount)?.is_empty() {
            return Err(SdkError::InvalidCoins("a deposit needs an amount".into()));
        }
        Ok(())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgDeposit) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.depositor).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgDeposit,
    ) -> Result<MsgDepositResponse, SdkError> {
        let depositor = state.parse_address(&msg.depositor).await?;
        let mut proposal = state.existing_proposal(msg.proposal_id).await?;
        deposit::add(
            state,
            &mut proposal,
            &depositor,
            &coins_of(&msg.amount)?,
            false,
        )
        .await?;
        Ok(MsgDepositResponse {})
    }
}
