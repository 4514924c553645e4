//! `MsgWithdrawValidatorCommission`.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
    MsgWithdrawValidatorCommission, MsgWithdrawValidatorCommissionResponse,
};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, Decimal, EventBuilder, MsgHandler, SdkError};
use rmesh_staking::StakingRead;

use crate::error::DistributionError;
use crate::f1::{math, pay_out};
use crate::view::{DistributionRead, DistributionWrite};

pub struct WithdrawCommissionHandler;

#[async_trait]
impl MsgHandler for WithdrawCommissionHandler {
    type Msg = MsgWithdrawValidatorCommission;
    type Response = MsgWithdrawValidatorCommissionResponse;
    const MODULE: &'static str = "distribution";

    fn check_stateless(_msg: &MsgWithdrawValidatorCommission) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgWithdrawValidatorCommission,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_operator(&msg.validator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgWithdrawValidatorCommission,
    ) -> Result<MsgWithdrawValidatorCommissionResponse, SdkError> {
        let operator = state.parse_operator(&msg.validator_address).await?;
        let commission = state.accumulated_commission(&operator).await?;
        let whole = commission.floor();
        if whole == 0 {
            return Err(DistributionError::NoValidatorCommission.into());
        }
        let paying = Decimal::from_integer(whole).map_err(math)?;
        state.put_accumulated_commission(&operator, commission.saturating_sub(paying))?;
        let outstanding = state.outstanding_rewards(&operator).await?;
        state.put_outstanding_rewards(&operator, outstanding.saturating_sub(paying))?;
        let to = state.withdraw_address(&operator).await?;
        let paid = pay_out(state, &to, paying).await?;
        let denom = state.staking_params().await?.bond_denom;
        state.record(
            EventBuilder::new("withdraw_commission")
                .attr("amount", format!("{paid}{denom}"))
                .build(),
        );
        Ok(MsgWithdrawValidatorCommissionResponse {
            amount: vec![ProtoCoin {
                denom,
                amount: paid.to_string(),
            }],
        })
    }
}
