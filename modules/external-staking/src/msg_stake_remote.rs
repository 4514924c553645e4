//! `MsgStakeRemote` (the vault's `stake-remote`): the owner's collateral goes under this
//! consumer's lien now and the stake packet goes out; the stake counts once the consumer
//! acknowledges it (`pending::on_outcome`).

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_mesh_wire::{ProviderPacket, WireCoin};
use rmesh_proto::vault::v1::{MsgStakeRemote, MsgStakeRemoteResponse};
use rmesh_staking::StakingRead;
use rmesh_vault::VaultWrite;

use crate::error::ExternalStakingError;
use crate::history::ValidatorStatus;
use crate::msg::{owner, positive_amount};
use crate::pending::{lien_holder, send, PendingKind, PendingTx};
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

pub struct StakeRemoteHandler;

#[async_trait]
impl MsgHandler for StakeRemoteHandler {
    type Msg = MsgStakeRemote;
    type Response = MsgStakeRemoteResponse;
    const MODULE: &'static str = "external_staking";

    fn check_stateless(msg: &MsgStakeRemote) -> Result<(), SdkError> {
        positive_amount(&msg.amount).map(|_| ())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgStakeRemote,
    ) -> Result<Vec<Address>, SdkError> {
        owner(state, &msg.owner).await
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgStakeRemote,
    ) -> Result<MsgStakeRemoteResponse, SdkError> {
        let owner = state.parse_address(&msg.owner).await?;
        let amount = positive_amount(&msg.amount)?;
        let consumer = state.existing_consumer(&msg.consumer_id).await?;
        let status = state
            .reported_validator(&consumer.id, &msg.validator)
            .await?
            .map(|record| record.status);
        if status != Some(ValidatorStatus::Active) {
            return Err(ExternalStakingError::ValidatorNotActive {
                consumer: consumer.id,
                validator: msg.validator.clone(),
                status: status
                    .map_or("unknown", ValidatorStatus::as_str)
                    .to_string(),
            }
            .into());
        }
        state
            .add_lien(
                &owner,
                &lien_holder(&consumer.id),
                amount,
                consumer.max_slashing,
            )
            .await?;
        let denom = state.staking_params().await?.bond_denom;
        let tx_id = state.next_tx_id().await?;
        let packet = ProviderPacket::Stake {
            delegator: msg.owner.clone(),
            validator: msg.validator.clone(),
            stake: WireCoin::new(amount, denom),
            tx_id,
        };
        let tx = PendingTx {
            kind: PendingKind::Stake,
            owner,
            validator: msg.validator.clone(),
            amount,
        };
        send(state, &consumer.id, tx_id, &tx, &packet).await?;
        Ok(MsgStakeRemoteResponse { tx_id })
    }
}
