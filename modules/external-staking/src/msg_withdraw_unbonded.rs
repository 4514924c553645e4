//! `MsgWithdrawUnbonded`: every unbonding of the owner on a consumer whose period is over goes
//! back to the vault (its lien is released).

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::externalstaking::v1::{MsgWithdrawUnbonded, MsgWithdrawUnbondedResponse};
use rmesh_vault::VaultWrite;

use crate::event::external_staking as event;
use crate::msg::owner;
use crate::pending::{block_seconds, lien_holder};
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

pub struct WithdrawUnbondedHandler;

#[async_trait]
impl MsgHandler for WithdrawUnbondedHandler {
    type Msg = MsgWithdrawUnbonded;
    type Response = MsgWithdrawUnbondedResponse;
    const MODULE: &'static str = "external_staking";

    fn check_stateless(_: &MsgWithdrawUnbonded) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgWithdrawUnbonded,
    ) -> Result<Vec<Address>, SdkError> {
        owner(state, &msg.owner).await
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgWithdrawUnbonded,
    ) -> Result<MsgWithdrawUnbondedResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        let consumer = state.existing_consumer(&msg.consumer_id).await?.id;
        let now = block_seconds(state);
        let mut released = 0u128;
        for validator in state.validators_of_owner(&consumer, &owner).await? {
            let mut record = state.stake(&consumer, &validator, &owner).await?;
            released += record.take_released(now);
            state.put_stake(&consumer, &validator, &owner, &record)?;
        }
        if released > 0 {
            state
                .release_lien(&owner, &lien_holder(&consumer), released)
                .await?;
        }
        state.record(event(
            "withdraw_unbonded",
            &consumer,
            &[
                ("owner", msg.owner.clone()),
                ("amount", released.to_string()),
            ],
        ));
        Ok(MsgWithdrawUnbondedResponse {
            released: released.to_string(),
        })
    }
}
