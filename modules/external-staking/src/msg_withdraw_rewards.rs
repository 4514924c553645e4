//! `MsgWithdrawRewards`: the owner's rewards from one validator are paid on the consumer by a
//! `transfer_rewards` packet; an error ack or a timeout gives them back.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_mesh_wire::{ProviderPacket, WireCoin};
use rmesh_proto::externalstaking::v1::{MsgWithdrawRewards, MsgWithdrawRewardsResponse};

use crate::error::ExternalStakingError;
use crate::msg::owner;
use crate::pending::{send, settled, PendingKind, PendingTx};
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

pub struct WithdrawRewardsHandler;

#[async_trait]
impl MsgHandler for WithdrawRewardsHandler {
    type Msg = MsgWithdrawRewards;
    type Response = MsgWithdrawRewardsResponse;
    const MODULE: &'static str = "external_staking";

    fn check_stateless(msg: &MsgWithdrawRewards) -> Result<(), SdkError> {
        if msg.recipient.is_empty() {
            return Err(ExternalStakingError::InvalidAmount(
                "a recipient on the consumer chain is required".into(),
            )
            .into());
        }
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgWithdrawRewards,
    ) -> Result<Vec<Address>, SdkError> {
        owner(state, &msg.owner).await
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgWithdrawRewards,
    ) -> Result<MsgWithdrawRewardsResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        let consumer = state.existing_consumer(&msg.consumer_id).await?.id;
        let (mut record, _) = settled(state, &consumer, &msg.validator, &owner).await?;
        let amount = record.rewards;
        let denom = state.reward_denom(&consumer).await?;
        let (Some(denom), true) = (denom, amount > 0) else {
            return Err(ExternalStakingError::NoRewards(msg.validator.clone()).into());
        };
        record.rewards = 0;
        state.put_stake(&consumer, &msg.validator, &owner, &record)?;
        let tx_id = state.next_tx_id().await?;
        let packet = ProviderPacket::TransferRewards {
            rewards: WireCoin::new(amount, denom),
            recipient: msg.recipient.clone(),
            tx_id,
        };
        let tx = PendingTx {
            kind: PendingKind::TransferRewards {
                recipient: msg.recipient.clone(),
            },
            owner,
            validator: msg.validator.clone(),
            amount,
        };
        send(state, &consumer, tx_id, &tx, &packet).await?;
        Ok(MsgWithdrawRewardsResponse { tx_id })
    }
}
