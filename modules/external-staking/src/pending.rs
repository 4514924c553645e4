//! Two-phase transactions with the consumer: a stake, unstake or reward withdrawal changes
//! nothing final until the consumer acknowledges it; an error ack or a timeout rolls it back.
//! Burns (our side of a slash the vault propagated) are only logged when they fail, as the
//! reference does.

use std::time::Duration;

use cnidarium::StateWrite;
use rmesh_core::coin::amount_string;
use rmesh_core::context::BlockContextExt;
use rmesh_core::{Address, SdkError, StoreRead, StoreWrite};
use rmesh_mesh_wire::ProviderPacket;
use rmesh_vault::VaultWrite;
use serde::{Deserialize, Serialize};

use crate::error::ExternalStakingError;
use crate::event::external_staking as event;
use crate::history::ValidatorStatus;
use crate::ibc_app::PORT;
use crate::stakes::Unbonding;
use crate::state_key;
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

/// Provider tx ids start at 2^63 (PROTOCOL.md).
pub const FIRST_TX_ID: u64 = 1 << 63;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingKind {
    Stake,
    Unstake,
    TransferRewards { recipient: String },
    Burn,
}

impl PendingKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            PendingKind::Stake => "stake",
            PendingKind::Unstake => "unstake",
            PendingKind::TransferRewards { .. } => "transfer_rewards",
            PendingKind::Burn => "burn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTx {
    pub kind: PendingKind,
    pub owner: Address,
    /// One consumer validator, or for a burn the listed ones joined by ','.
    pub validator: String,
    #[serde(with = "amount_string")]
    pub amount: u128,
}

impl PendingTx {
    /// `external_staking_<action>` describing this transaction.
    fn event(&self, action: &str, consumer: &str, tx_id: u64) -> tendermint::abci::Event {
        event(
            action,
            consumer,
            &[
                ("tx_id", tx_id.to_string()),
                ("kind", self.kind.as_str().to_string()),
                ("amount", self.amount.to_string()),
                ("validator", self.validator.clone()),
            ],
        )
    }
}

/// The vault's lien holder for a consumer.
pub fn lien_holder(consumer: &str) -> String {
    format!("external/{consumer}")
}

/// Sends `packet` on the consumer's channel and remembers which transaction it carries.
pub async fn send<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    tx_id: u64,
    tx: &PendingTx,
    packet: &ProviderPacket,
) -> Result<(), SdkError> {
    let record = state.existing_consumer(consumer).await?;
    let channel = record
        .channel_id
        .ok_or_else(|| ExternalStakingError::NoChannel(consumer.to_string()))?;
    let timeout = Duration::from_secs(record.packet_timeout_seconds);
    let data = serde_json::to_vec(packet)
        .map_err(|e| SdkError::Internal(format!("cannot encode packet: {e}")))?;
    let sequence = rmesh_ibc::send_packet(state, PORT, &channel, data, timeout).await?;
    state.put_json(
        state_key::sent(&channel, sequence),
        &(consumer.to_string(), tx_id),
    )?;
    state.put_pending_tx(consumer, tx_id, tx)?;
    state.record(tx.event("tx_sent", consumer, tx_id));
    Ok(())
}

/// The consumer answered (or never received) the packet `sequence` on `channel`: commit or
/// roll back its transaction.
pub async fn on_outcome<S: StateWrite>(
    state: &mut S,
    channel: &str,
    sequence: u64,
    succeeded: bool,
) -> Result<(), SdkError> {
    let key = state_key::sent(channel, sequence);
    let (consumer, tx_id): (String, u64) = state.get_json(&key).await?.ok_or_else(|| {
        ExternalStakingError::Channel(format!("no record of packet {sequence} on {channel}"))
    })?;
    state.delete_key(key)?;
    let tx = state
        .pending_tx(&consumer, tx_id)
        .await?
        .ok_or_else(|| ExternalStakingError::Channel(format!("no pending transaction {tx_id}")))?;
    state.delete_pending_tx(&consumer, tx_id)?;
    if succeeded {
        commit(state, &consumer, &tx).await?;
    } else {
        roll_back(state, &consumer, &tx).await?;
    }
    let outcome = if succeeded {
        "tx_committed"
    } else {
        "tx_rolled_back"
    };
    state.record(tx.event(outcome, &consumer, tx_id));
    Ok(())
}

async fn commit<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    tx: &PendingTx,
) -> Result<(), SdkError> {
    match &tx.kind {
        PendingKind::Stake => {
            let (mut record, mut pool) = settled(state, consumer, &tx.validator, &tx.owner).await?;
            let overflow = || ExternalStakingError::ArithmeticOverflow("stake amount");
            record.amount = record.amount.checked_add(tx.amount).ok_or_else(overflow)?;
            pool.total = pool.total.checked_add(tx.amount).ok_or_else(overflow)?;
            state.put_stake(consumer, &tx.validator, &tx.owner, &record)?;
            state.put_pool(consumer, &tx.validator, &pool)
        }
        PendingKind::Unstake => {
            let (mut record, mut pool) = settled(state, consumer, &tx.validator, &tx.owner).await?;
            let amount = tx.amount.min(record.amount);
            record.amount -= amount; // at most the amount, by the line above
            record.unstaking = record.unstaking.saturating_sub(tx.amount);
            pool.total = pool.total.saturating_sub(amount);
            let status = state
                .reported_validator(consumer, &tx.validator)
                .await?
                .map(|v| v.status);
            let released_now = matches!(
                status,
                Some(ValidatorStatus::Unbonded | ValidatorStatus::Tombstoned)
            );
            if released_now {
                state
                    .release_lien(&tx.owner, &lien_holder(consumer), amount)
                    .await?;
            } else {
                let now = block_seconds(state);
                let unbonding = state.existing_consumer(consumer).await?.unbonding_seconds;
                record.unbondings.push(Unbonding {
                    amount,
                    started_at: now,
                    release_at: now.saturating_add(unbonding),
                });
            }
            state.put_stake(consumer, &tx.validator, &tx.owner, &record)?;
            state.put_pool(consumer, &tx.validator, &pool)
        }
        PendingKind::TransferRewards { .. } | PendingKind::Burn => Ok(()),
    }
}

async fn roll_back<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    tx: &PendingTx,
) -> Result<(), SdkError> {
    match &tx.kind {
        PendingKind::Stake => {
            state
                .release_lien(&tx.owner, &lien_holder(consumer), tx.amount)
                .await
        }
        PendingKind::Unstake => {
            let mut record = state.stake(consumer, &tx.validator, &tx.owner).await?;
            record.unstaking = record.unstaking.saturating_sub(tx.amount);
            state.put_stake(consumer, &tx.validator, &tx.owner, &record)
        }
        PendingKind::TransferRewards { .. } => {
            let mut record = state.stake(consumer, &tx.validator, &tx.owner).await?;
            record.rewards = record.rewards.saturating_add(tx.amount);
            state.put_stake(consumer, &tx.validator, &tx.owner, &record)
        }
        // The consumer refused our burn: the reference only logs it (the event says so).
        PendingKind::Burn => Ok(()),
    }
}

/// An owner's stake with a validator, its rewards brought up to date, and the validator's pool.
pub async fn settled<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    validator: &str,
    owner: &Address,
) -> Result<(crate::stakes::StakeRecord, crate::stakes::ValidatorPool), SdkError> {
    let pool = state.pool(consumer, validator).await?;
    let mut record = state.stake(consumer, validator, owner).await?;
    record.settle(&pool);
    Ok((record, pool))
}

pub fn block_seconds<S: StateWrite>(state: &S) -> u64 {
    u64::try_from(state.block_context().time_seconds).unwrap_or(0)
}
