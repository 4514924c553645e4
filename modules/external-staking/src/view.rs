//! Typed access to external staking's state.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_core::{Address, SdkError, StoreRead, StoreWrite};

use crate::consumer::Consumer;
use crate::error::ExternalStakingError;
use crate::history::{ValidatorRecord, ValidatorStatus};
use crate::pending::{PendingTx, FIRST_TX_ID};
use crate::stakes::{StakeRecord, ValidatorPool};
use crate::state_key;

fn corrupt(key: &str) -> SdkError {
    SdkError::Internal(format!("corrupt external staking entry at {key}"))
}

#[async_trait]
pub trait ExternalStakingRead: StateRead {
    async fn consumer(&self, id: &str) -> Result<Option<Consumer>, SdkError> {
        self.get_json(&state_key::consumer(id)).await
    }

    async fn existing_consumer(&self, id: &str) -> Result<Consumer, SdkError> {
        self.consumer(id)
            .await?
            .ok_or_else(|| ExternalStakingError::UnknownConsumer(id.to_string()).into())
    }

    async fn all_consumers(&self) -> Result<Vec<Consumer>, SdkError> {
        self.prefix_entries(state_key::CONSUMER_PREFIX)
            .await?
            .into_iter()
            .map(|(key, value)| serde_json::from_slice(&value).map_err(|_| corrupt(&key)))
            .collect()
    }

    /// The consumer whose channel this is, once the channel is open.
    async fn consumer_of_channel(&self, channel_id: &str) -> Result<Option<String>, SdkError> {
        self.get_json(&state_key::channel(channel_id)).await
    }

    async fn reported_validator(
        &self,
        consumer: &str,
        valoper: &str,
    ) -> Result<Option<ValidatorRecord>, SdkError> {
        self.get_json(&state_key::validator(consumer, valoper))
            .await
    }

    /// Every validator the consumer reported, by valoper.
    async fn reported_validators(
        &self,
        consumer: &str,
    ) -> Result<Vec<(String, ValidatorRecord)>, SdkError> {
        let prefix = state_key::validators_of(consumer);
        self.prefix_entries(&prefix)
            .await?
            .into_iter()
            .map(|(key, value)| {
                let valoper = key.strip_prefix(&prefix).ok_or_else(|| corrupt(&key))?;
                let record = serde_json::from_slice(&value).map_err(|_| corrupt(&key))?;
                Ok((valoper.to_string(), record))
            })
            .collect()
    }

    /// The validator's state at a consumer height, from the latest report at or below it.
    async fn validator_status_at(
        &self,
        consumer: &str,
        valoper: &str,
        height: u64,
    ) -> Result<Option<ValidatorStatus>, SdkError> {
        let bound = state_key::validator_history(consumer, valoper, height);
        let mut found = None;
        for (key, value) in self
            .prefix_entries(&state_key::validator_history_of(consumer, valoper))
            .await?
        {
            if key > bound {
                break;
            }
            found = Some(serde_json::from_slice(&value).map_err(|_| corrupt(&key))?);
        }
        Ok(found)
    }

    async fn stake(
        &self,
        consumer: &str,
        valoper: &str,
        owner: &Address,
    ) -> Result<StakeRecord, SdkError> {
        Ok(self
            .get_json(&state_key::stake(consumer, valoper, owner))
            .await?
            .unwrap_or_default())
    }

    /// Every stake with one validator, by owner.
    async fn stakes_with(
        &self,
        consumer: &str,
        valoper: &str,
    ) -> Result<Vec<(Address, StakeRecord)>, SdkError> {
        let prefix = state_key::stakes_with(consumer, valoper);
        self.prefix_entries(&prefix)
            .await?
            .into_iter()
            .map(|(key, value)| {
                let owner = key
                    .strip_prefix(&prefix)
                    .and_then(Address::from_hex)
                    .ok_or_else(|| corrupt(&key))?;
                let record = serde_json::from_slice(&value).map_err(|_| corrupt(&key))?;
                Ok((owner, record))
            })
            .collect()
    }

    /// The validators an owner has stake records with.
    async fn validators_of_owner(
        &self,
        consumer: &str,
        owner: &Address,
    ) -> Result<Vec<String>, SdkError> {
        let prefix = state_key::stakes_of_owner(consumer, owner);
        Ok(self
            .prefix_entries(&prefix)
            .await?
            .into_iter()
            .filter_map(|(key, _)| key.strip_prefix(&prefix).map(str::to_string))
            .collect())
    }

    /// Every owner with a stake record on the consumer.
    async fn owners_of(&self, consumer: &str) -> Result<Vec<Address>, SdkError> {
        let prefix = state_key::stake_owners_of(consumer);
        let mut owners: Vec<Address> = self
            .prefix_entries(&prefix)
            .await?
            .into_iter()
            .filter_map(|(key, _)| {
                let rest = key.strip_prefix(&prefix)?;
                Address::from_hex(rest.split('/').next()?)
            })
            .collect();
        owners.dedup();
        Ok(owners)
    }

    async fn pool(&self, consumer: &str, valoper: &str) -> Result<ValidatorPool, SdkError> {
        Ok(self
            .get_json(&state_key::pool(consumer, valoper))
            .await?
            .unwrap_or_default())
    }

    async fn reward_denom(&self, consumer: &str) -> Result<Option<String>, SdkError> {
        self.get_json(&state_key::reward_denom(consumer)).await
    }

    async fn pending_tx(&self, consumer: &str, tx_id: u64) -> Result<Option<PendingTx>, SdkError> {
        self.get_json(&state_key::pending(consumer, tx_id)).await
    }

    async fn pending_txs(&self, consumer: &str) -> Result<Vec<(u64, PendingTx)>, SdkError> {
        let prefix = state_key::pending_of(consumer);
        self.prefix_entries(&prefix)
            .await?
            .into_iter()
            .map(|(key, value)| {
                let id = key
                    .strip_prefix(&prefix)
                    .and_then(|id| id.parse().ok())
                    .ok_or_else(|| corrupt(&key))?;
                let tx = serde_json::from_slice(&value).map_err(|_| corrupt(&key))?;
                Ok((id, tx))
            })
            .collect()
    }
}

impl<T: StateRead + ?Sized> ExternalStakingRead for T {}

#[async_trait]
pub trait ExternalStakingWrite: StateWrite + ExternalStakingRead {
    fn put_consumer(&mut self, consumer: &Consumer) -> Result<(), SdkError> {
        if let Some(channel) = &consumer.channel_id {
            self.put_json(state_key::channel(channel), &consumer.id)?;
        }
        self.put_json(state_key::consumer(&consumer.id), consumer)
    }

    fn put_validator(
        &mut self,
        consumer: &str,
        valoper: &str,
        record: &ValidatorRecord,
    ) -> Result<(), SdkError> {
        self.put_json(state_key::validator(consumer, valoper), record)
    }

    fn put_validator_history(
        &mut self,
        consumer: &str,
        valoper: &str,
        height: u64,
        status: ValidatorStatus,
    ) -> Result<(), SdkError> {
        self.put_json(
            state_key::validator_history(consumer, valoper, height),
            &status,
        )
    }

    /// Stores a stake record, dropping it (and its index entry) once nothing is left in it.
    fn put_stake(
        &mut self,
        consumer: &str,
        valoper: &str,
        owner: &Address,
        record: &StakeRecord,
    ) -> Result<(), SdkError> {
        let key = state_key::stake(consumer, valoper, owner);
        let index = state_key::stake_by_owner(consumer, owner, valoper);
        if record.is_empty() {
            self.delete_key(key)?;
            return self.delete_key(index);
        }
        self.put_bytes(index, vec![])?;
        self.put_json(key, record)
    }

    fn put_pool(
        &mut self,
        consumer: &str,
        valoper: &str,
        pool: &ValidatorPool,
    ) -> Result<(), SdkError> {
        self.put_json(state_key::pool(consumer, valoper), pool)
    }

    fn put_reward_denom(&mut self, consumer: &str, denom: &str) -> Result<(), SdkError> {
        self.put_json(state_key::reward_denom(consumer), &denom)
    }

    /// A fresh provider tx id; ids start at 2^63, as the reference's do.
    async fn next_tx_id(&mut self) -> Result<u64, SdkError> {
        let id = self
            .get_json::<u64>(state_key::NEXT_TX_ID)
            .await?
            .unwrap_or(FIRST_TX_ID);
        self.put_json(state_key::NEXT_TX_ID.to_string(), &(id + 1))?;
        Ok(id)
    }

    fn put_pending_tx(
        &mut self,
        consumer: &str,
        tx_id: u64,
        tx: &PendingTx,
    ) -> Result<(), SdkError> {
        self.put_json(state_key::pending(consumer, tx_id), tx)
    }

    fn delete_pending_tx(&mut self, consumer: &str, tx_id: u64) -> Result<(), SdkError> {
        self.delete_key(state_key::pending(consumer, tx_id))
    }
}

impl<T: StateWrite + ?Sized> ExternalStakingWrite for T {}
