//! `MsgWithdrawDelegatorReward`.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
    MsgWithdrawDelegatorReward, MsgWithdrawDelegatorRewardResponse,
};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, EventBuilder, MsgHandler, SdkError};
use rmesh_staking::StakingRead;

use crate::view::DistributionWrite;

pub struct WithdrawRewardsHandler;

#[async_trait]
impl MsgHandler for WithdrawRewardsHandler {
    type Msg = MsgWithdrawDelegatorReward;
    type Response = MsgWithdrawDelegatorRewardResponse;
    const MODULE: &'static str = "distribution";

    fn check_stateless(_msg: &MsgWithdrawDelegatorReward) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgWithdrawDelegatorReward,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.delegator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgWithdrawDelegatorReward,
    ) -> Result<MsgWithdrawDelegatorRewardResponse, SdkError> {
        let delegator = state.parse_address(&msg.delegator_address).await?;
        let operator = state.parse_operator(&msg.validator_address).await?;
        let paid = state
            .withdraw_delegation_rewards(&delegator, &operator)
            .await?;
        let denom = state.staking_params().await?.bond_denom;
        state.record(
            EventBuilder::new("withdraw_rewards")
                .attr("amount", format!("{paid}{denom}"))
                .attr("validator", msg.validator_address.clone())
                .attr("delegator", msg.delegator_address.clone())
                .build(),
        );
        Ok(MsgWithdrawDelegatorRewardResponse {
            amount: vec![ProtoCoin {
                denom,
                amount: paid.to_string(),
            }],
        })
    }
}
