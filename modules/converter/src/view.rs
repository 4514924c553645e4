//! Typed access to the converter's state.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_core::{Address, SdkError, StoreRead, StoreWrite};
use rmesh_proto::converter::v1::OutgoingPacket;

use crate::error::ConverterError;
use crate::packet::ConsumerPacket;
use crate::provider::Provider;
use crate::state_key;

/// One stored position: (validator, delegator) -> provider-denom amount.
pub type Positions = BTreeMap<(Address, String), u128>;

fn corrupt(key: &str) -> SdkError {
    SdkError::Internal(format!("corrupt converter entry at {key}"))
}

fn amount(key: &str, value: &[u8]) -> Result<u128, SdkError> {
    let bytes: [u8; 16] = value.try_into().map_err(|_| corrupt(key))?;
    Ok(u128::from_be_bytes(bytes))
}

/// Decodes `<validator hex>/<delegator>` position keys under `prefix`.
fn decode_positions(prefix: &str, entries: Vec<(String, Vec<u8>)>) -> Result<Positions, SdkError> {
    let mut positions = Positions::new();
    for (key, value) in entries {
        let rest = key.strip_prefix(prefix).ok_or_else(|| corrupt(&key))?;
        let (operator, delegator) = rest.split_once('/').ok_or_else(|| corrupt(&key))?;
        let operator = Address::from_hex(operator).ok_or_else(|| corrupt(&key))?;
        positions.insert((operator, delegator.to_string()), amount(&key, &value)?);
    }
    Ok(positions)
}

/// Decodes `<validator hex>` keys under `prefix` holding amounts.
fn amounts_by_validator(
    prefix: &str,
    entries: Vec<(String, Vec<u8>)>,
) -> Result<BTreeMap<Address, u128>, SdkError> {
    entries
        .into_iter()
        .map(|(key, value)| {
            let operator = key
                .strip_prefix(prefix)
                .and_then(Address::from_hex)
                .ok_or_else(|| corrupt(&key))?;
            Ok((operator, amount(&key, &value)?))
        })
        .collect()
}

#[async_trait]
pub trait ConverterRead: StateRead {
    async fn provider(&self, id: &str) -> Result<Option<Provider>, SdkError> {
        self.get_json(&state_key::provider(id)).await
    }

    async fn existing_provider(&self, id: &str) -> Result<Provider, SdkError> {
        self.provider(id)
            .await?
            .ok_or_else(|| ConverterError::UnknownProvider(id.to_string()).into())
    }

    async fn all_providers(&self) -> Result<Vec<Provider>, SdkError> {
        self.prefix_entries(state_key::PROVIDER_PREFIX)
            .await?
            .into_iter()
            .map(|(key, value)| serde_json::from_slice(&value).map_err(|_| corrupt(&key)))
            .collect()
    }

    async fn provider_of_channel(&self, channel_id: &str) -> Result<Option<String>, SdkError> {
        self.get_json(&state_key::channel(channel_id)).await
    }

    async fn position(
        &self,
        provider: &str,
        operator: &Address,
        delegator: &str,
    ) -> Result<u128, SdkError> {
        self.get_amount(&state_key::position(provider, operator, delegator))
            .await
    }

    async fn positions_of(&self, provider: &str) -> Result<Positions, SdkError> {
        let prefix = state_key::positions_of(provider);
        decode_positions(&prefix, self.prefix_entries(&prefix).await?)
    }

    async fn positions_with(
        &self,
        provider: &str,
        operator: &Address,
    ) -> Result<Positions, SdkError> {
        let prefix = state_key::positions_of(provider);
        let entries = self
            .prefix_entries(&state_key::positions_with(provider, operator))
            .await?;
        decode_positions(&prefix, entries)
    }

    /// The validators a delegator has positions with.
    async fn validators_of_delegator(
        &self,
        provider: &str,
        delegator: &str,
    ) -> Result<Vec<Address>, SdkError> {
        let prefix = state_key::positions_by_delegator(provider, delegator);
        self.prefix_entries(&prefix)
            .await?
            .into_iter()
            .map(|(key, _)| {
                key.strip_prefix(&prefix)
                    .and_then(Address::from_hex)
                    .ok_or_else(|| corrupt(&key))
            })
            .collect()
    }

    /// Burns with `operator` no packet attributed to a delegator yet (provider denom).
    async fn unattributed_burn(
        &self,
        provider: &str,
        operator: &Address,
    ) -> Result<u128, SdkError> {
        self.get_amount(&state_key::unattributed_burn(provider, operator))
            .await
    }

    /// Every validator's unattributed burns of the provider.
    async fn unattributed_burns_of(
        &self,
        provider: &str,
    ) -> Result<BTreeMap<Address, u128>, SdkError> {
        let prefix = state_key::unattributed_burns_of(provider);
        amounts_by_validator(&prefix, self.prefix_entries(&prefix).await?)
    }

    /// The provider's stake with `operator`: its positions less unattributed burns.
    async fn staked(&self, provider: &str, operator: &Address) -> Result<u128, SdkError> {
        self.get_amount(&state_key::staked(provider, operator))
            .await
    }

    /// The provider's stake per validator (provider denom), in validator order.
    async fn staked_of(&self, provider: &str) -> Result<BTreeMap<Address, u128>, SdkError> {
        let prefix = state_key::staked_of(provider);
        amounts_by_validator(&prefix, self.prefix_entries(&prefix).await?)
    }

    async fn held_rewards(&self, provider: &str) -> Result<u128, SdkError> {
        self.get_amount(&state_key::held_rewards(provider)).await
    }

    async fn outbox(&self, provider: &str) -> Result<Vec<OutgoingPacket>, SdkError> {
        self.prefix_protos(&state_key::outbox_of(provider)).await
    }

    async fn all_outgoing(&self) -> Result<Vec<OutgoingPacket>, SdkError> {
        self.prefix_protos(state_key::OUTBOX_PREFIX).await
    }

    async fn outgoing(&self, provider: &str, id: u64) -> Result<OutgoingPacket, SdkError> {
        self.get_proto(&state_key::outgoing(provider, id))
            .await?
            .ok_or_else(|| ConverterError::UnknownPacket(id, provider.to_string()).into())
    }
}

impl<T: StateRead + ?Sized> ConverterRead for T {}

#[async_trait]
pub trait ConverterWrite: StateWrite {
    fn put_provider(&mut self, provider: &Provider) -> Result<(), SdkError> {
        self.put_json(state_key::provider(&provider.id), provider)
    }

    fn delete_provider(&mut self, id: &str) -> Result<(), SdkError> {
        self.delete_key(state_key::provider(id))
    }

    fn bind_channel(&mut self, channel_id: &str, provider: &str) -> Result<(), SdkError> {
        self.put_json(state_key::channel(channel_id), &provider)
    }

    fn unbind_channel(&mut self, channel_id: &str) -> Result<(), SdkError> {
        self.delete_key(state_key::channel(channel_id))
    }

    /// Sets a position and keeps the delegator index and the validator's sum (`staked`) in
    /// step.
    async fn put_position(
        &mut self,
        provider: &str,
        operator: &Address,
        delegator: &str,
        amount: u128,
    ) -> Result<(), SdkError> {
        let before = self.position(provider, operator, delegator).await?;
        let staked = self.staked(provider, operator).await?;
        let staked = staked
            .checked_add(amount)
            .and_then(|sum| sum.checked_sub(before))
            .ok_or_else(|| SdkError::Internal("position sum below its parts".into()))?;
        self.put_amount(state_key::staked(provider, operator), staked)?;
        self.put_amount(state_key::position(provider, operator, delegator), amount)?;
        let index = state_key::position_by_delegator(provider, delegator, operator);
        if amount == 0 {
            self.delete_key(index)
        } else {
            self.put_bytes(index, vec![])
        }
    }

    /// Sets the validator's unattributed burns and keeps its sum (`staked`) in step.
    async fn put_unattributed_burn(
        &mut self,
        provider: &str,
        operator: &Address,
        amount: u128,
    ) -> Result<(), SdkError> {
        let before = self.unattributed_burn(provider, operator).await?;
        let staked = self.staked(provider, operator).await?;
        let staked = staked
            .checked_add(before)
            .and_then(|sum| sum.checked_sub(amount))
            .ok_or_else(|| SdkError::Internal("burns above the stake they cut".into()))?;
        self.put_amount(state_key::staked(provider, operator), staked)?;
        let key = state_key::unattributed_burn(provider, operator);
        if amount == 0 {
            self.delete_key(key)
        } else {
            self.put_amount(key, amount)
        }
    }

    fn put_held_rewards(&mut self, provider: &str, amount: u128) -> Result<(), SdkError> {
        self.put_amount(state_key::held_rewards(provider), amount)
    }

    /// Queues a packet for the provider's channel and returns its id.
    async fn queue_packet(
        &mut self,
        provider: &str,
        packet: &ConsumerPacket,
    ) -> Result<u64, SdkError> {
        let id = self
            .get_json::<u64>(state_key::NEXT_PACKET_ID)
            .await?
            .unwrap_or(1);
        self.put_json(state_key::NEXT_PACKET_ID.to_string(), &(id + 1))?;
        self.put_outgoing(&OutgoingPacket {
            provider_id: provider.to_string(),
            id,
            data: packet.to_json(),
            timeout_seconds: packet.timeout_seconds(),
            attempts: 0,
            in_flight: false,
        })?;
        self.record(crate::event::converter(
            "packet_queued",
            provider,
            &[("id", id.to_string()), ("kind", packet.kind().to_string())],
        ));
        Ok(id)
    }

    fn put_outgoing(&mut self, packet: &OutgoingPacket) -> Result<(), SdkError> {
        self.put_proto(state_key::outgoing(&packet.provider_id, packet.id), packet)
    }

    fn delete_outgoing(&mut self, provider: &str, id: u64) -> Result<(), SdkError> {
        self.delete_key(state_key::outgoing(provider, id))
    }
}

impl<T: StateWrite + ?Sized> ConverterWrite for T {}
