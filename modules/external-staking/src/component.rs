//! Lifecycle of external staking: genesis, and the channel events the IBC layer reports.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::{BlockHeader, Component, SdkError, StoreWrite};
use rmesh_vault::{VaultRead, VaultWrite};

use crate::error::ExternalStakingError;
use crate::event::external_staking as event;
use crate::genesis::GenesisState;
use crate::pending::{lien_holder, settled};
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

pub struct ExternalStaking;

#[async_trait]
impl<A> Component<A> for ExternalStaking {
    const GENESIS_KEY: &'static str = "external_staking";
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        for consumer in genesis.consumers {
            consumer.validate()?;
            if consumer.channel_id.is_some() {
                return Err(ExternalStakingError::InvalidConsumer(
                    "a genesis consumer cannot have a channel yet".into(),
                )
                .into());
            }
            let existing = state.all_consumers().await?;
            if existing.iter().any(|c| c.id == consumer.id) {
                return Err(ExternalStakingError::ConsumerExists(consumer.id).into());
            }
            if existing
                .iter()
                .any(|c| c.connection_id == consumer.connection_id)
            {
                return Err(ExternalStakingError::InvalidConsumer(format!(
                    "two consumers on {}: one consumer per connection",
                    consumer.connection_id
                ))
                .into());
            }
            state.put_consumer(&consumer)?;
        }
        Ok(())
    }

    /// Burns what the vault cut from our liens, after the vault's own upkeep.
    async fn after_validator_set<S: StateWrite>(
        state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        ExternalStaking::end_block(state).await
    }
}

impl ExternalStaking {
    /// The consumer's channel finished its handshake: bind it.
    pub async fn on_channel_open<S: StateWrite>(
        state: &mut S,
        consumer: &str,
        channel: &str,
    ) -> Result<(), SdkError> {
        let mut record = state.existing_consumer(consumer).await?;
        record.channel_id = Some(channel.to_string());
        state.put_consumer(&record)?;
        state.record(event(
            "channel_open",
            consumer,
            &[("channel", channel.into())],
        ));
        Ok(())
    }

    /// The consumer's authority closed the channel: nothing backs its stake any more, so every
    /// cross-stake and unbonding on it is released to the vault at once and the consumer may
    /// open a new channel. Transactions still in flight time out on the closed channel and
    /// roll back; rewards not yet withdrawn stay on record.
    pub async fn on_channel_close<S: StateWrite>(
        state: &mut S,
        channel: &str,
    ) -> Result<(), SdkError> {
        let Some(consumer) = state.consumer_of_channel(channel).await? else {
            return Err(ExternalStakingError::Channel(format!("{channel} is not bound")).into());
        };
        let holder = lien_holder(&consumer);
        for owner in state.owners_of(&consumer).await? {
            let mut released = 0u128;
            for validator in state.validators_of_owner(&consumer, &owner).await? {
                let (mut record, mut pool) = settled(state, &consumer, &validator, &owner).await?;
                released += record.amount + record.take_released(u64::MAX);
                pool.total = pool.total.saturating_sub(record.amount);
                record.amount = 0;
                record.unstaking = 0;
                state.put_stake(&consumer, &validator, &owner, &record)?;
                state.put_pool(&consumer, &validator, &pool)?;
            }
            let lien = state
                .liens(&owner)
                .await?
                .get(&holder)
                .map_or(0, |lien| lien.amount);
            if released.min(lien) > 0 {
                state
                    .release_lien(&owner, &holder, released.min(lien))
                    .await?;
            }
        }
        let mut record = state.existing_consumer(&consumer).await?;
        record.channel_id = None;
        state.put_consumer(&record)?;
        state.delete_key(crate::state_key::channel(channel))?;
        state.record(event(
            "channel_close",
            &consumer,
            &[("channel", channel.into())],
        ));
        Ok(())
    }

    /// After the txs: stake the vault cut from our liens (another holder slashed) is taken back
    /// and burned on its consumer.
    pub async fn end_block<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
        for consumer in state.all_consumers().await? {
            if consumer.channel_id.is_some() {
                crate::slash::apply_vault_cuts(state, &consumer.id).await?;
            }
        }
        Ok(())
    }
}
