//! `MsgWithdrawLocalRewards`: the staking rewards of the owner's local stake, which the proxy
//! delegator earns but cannot claim, are paid to the owner (the proxy's withdraw address).

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, EventBuilder, MsgHandler, SdkError};
use rmesh_distribution::DistributionWrite;
use rmesh_proto::vault::v1::{MsgWithdrawLocalRewards, MsgWithdrawLocalRewardsResponse};

use crate::error::VaultError;
use crate::local::{local_proxy, LocalRead};

pub struct WithdrawLocalRewardsHandler;

#[async_trait]
impl MsgHandler for WithdrawLocalRewardsHandler {
    type Msg = MsgWithdrawLocalRewards;
    type Response = MsgWithdrawLocalRewardsResponse;
    const MODULE: &'static str = "vault";

    fn check_stateless(_msg: &MsgWithdrawLocalRewards) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgWithdrawLocalRewards,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.owner).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgWithdrawLocalRewards,
    ) -> Result<MsgWithdrawLocalRewardsResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        let staked: Vec<Address> = state
            .local_delegations(&owner)
            .await?
            .into_iter()
            .map(|(validator, _)| validator)
            .collect();
        let validators = if msg.validator.is_empty() {
            staked
        } else {
            let validator = state.parse_operator(&msg.validator).await?;
            if !staked.contains(&validator) {
                return Err(VaultError::NoLocalStake(msg.validator.clone()).into());
            }
            vec![validator]
        };
        let proxy = local_proxy(&owner);
        state.put_withdraw_address(&proxy, &owner)?;
        let mut paid = 0u128;
        for validator in &validators {
            paid += state.withdraw_delegation_rewards(&proxy, validator).await?;
        }
        state.record(
            EventBuilder::new("vault_withdraw_local_rewards")
                .attr("owner", msg.owner.clone())
                .attr("amount", paid.to_string())
                .build(),
        );
        Ok(MsgWithdrawLocalRewardsResponse {
            amount: paid.to_string(),
        })
    }
}
