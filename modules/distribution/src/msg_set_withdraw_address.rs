//! `MsgSetWithdrawAddress`: where a delegator's rewards (and an operator's commission) go.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
    MsgSetWithdrawAddress, MsgSetWithdrawAddressResponse,
};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, EventBuilder, MsgHandler, SdkError};

use crate::view::DistributionWrite;

pub struct SetWithdrawAddressHandler;

#[async_trait]
impl MsgHandler for SetWithdrawAddressHandler {
    type Msg = MsgSetWithdrawAddress;
    type Response = MsgSetWithdrawAddressResponse;
    const MODULE: &'static str = "distribution";

    fn check_stateless(_msg: &MsgSetWithdrawAddress) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgSetWithdrawAddress,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.delegator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgSetWithdrawAddress,
    ) -> Result<MsgSetWithdrawAddressResponse, SdkError> {
        let delegator = state.parse_address(&msg.delegator_address).await?;
        let to = state.parse_address(&msg.withdraw_address).await?;
        state.put_withdraw_address(&delegator, &to)?;
        state.record(
            EventBuilder::new("set_withdraw_address")
                .attr("withdraw_address", msg.withdraw_address.clone())
                .build(),
        );
        Ok(MsgSetWithdrawAddressResponse {})
    }
}
