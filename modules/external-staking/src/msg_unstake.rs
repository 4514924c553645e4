//! `MsgUnstake`: asks the consumer to remove cross-stake. Once acknowledged the amount unbonds
//! for the consumer's unbonding period (`pending::on_outcome`).

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_mesh_wire::{ProviderPacket, WireCoin};
use rmesh_proto::externalstaking::v1::{MsgUnstake, MsgUnstakeResponse};
use rmesh_staking::StakingRead;

use crate::error::ExternalStakingError;
use crate::msg::{owner, positive_amount};
use crate::pending::{send, PendingKind, PendingTx};
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

pub struct UnstakeHandler;

#[async_trait]
impl MsgHandler for UnstakeHandler {
    type Msg = MsgUnstake;
    type Response = MsgUnstakeResponse;
    const MODULE: &'static str = "external_staking";

    fn check_stateless(msg: &MsgUnstake) -> Result<(), SdkError> {
        positive_amount(&msg.amount).map(|_| ())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgUnstake) -> Result<Vec<Address>, SdkError> {
        owner(state, &msg.owner).await
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUnstake,
    ) -> Result<MsgUnstakeResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        let amount = positive_amount(&msg.amount)?;
        let consumer = state.existing_consumer(&msg.consumer_id).await?;
        let mut record = state.stake(&consumer.id, &msg.validator, &owner).await?;
        if record.available() < amount {
            return Err(ExternalStakingError::InsufficientStake {
                wanted: amount,
                available: record.available(),
            }
            .into());
        }
        record.unstaking += amount;
        state.put_stake(&consumer.id, &msg.validator, &owner, &record)?;
        let denom = state.staking_params().await?.bond_denom;
        let tx_id = state.next_tx_id().await?;
        let packet = ProviderPacket::Unstake {
            delegator: msg.owner.clone(),
            validator: msg.validator.clone(),
            unstake: WireCoin::new(amount, denom),
            tx_id,
        };
        let tx = PendingTx {
            kind: PendingKind::Unstake,
            owner,
            validator: msg.validator.clone(),
            amount,
        };
        send(state, &consumer.id, tx_id, &tx, &packet).await?;
        Ok(MsgUnstakeResponse { tx_id })
    }
}
