//! Typed access to virtual-staking state; the converter and queries read through these traits.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_core::{Address, SdkError, StoreRead, StoreWrite};
use rmesh_staking::StakingHooks;
use serde::{Deserialize, Serialize};

use crate::error::VirtualStakingError;
use crate::limits::ProviderRequest;
use crate::params::Params;
use crate::{rebalance, state_key};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochState {
    /// Epochs ended so far.
    pub number: u64,
    /// Height of the block that ended the last epoch (0 before the first).
    pub last_height: u64,
}

#[async_trait]
pub trait VirtualStakingRead: StateRead {
    async fn virtual_staking_params(&self) -> Result<Params, SdkError> {
        Ok(self.get_json(state_key::PARAMS).await?.unwrap_or_default())
    }

    /// The mesh authority, as a bech32 account address.
    async fn mesh_authority(&self) -> Result<String, SdkError> {
        Ok(self
            .get_json(state_key::AUTHORITY)
            .await?
            .unwrap_or_default())
    }

    async fn ensure_authority(&self, sender: &str) -> Result<(), SdkError> {
        let authority = self.mesh_authority().await?;
        if authority.is_empty() || authority != sender {
            return Err(VirtualStakingError::NotAuthority {
                authority,
                sender: sender.to_string(),
            }
            .into());
        }
        Ok(())
    }

    async fn epoch_state(&self) -> Result<EpochState, SdkError> {
        Ok(self.get_json(state_key::EPOCH).await?.unwrap_or_default())
    }

    async fn virtual_stake(&self, provider: &str, operator: &Address) -> Result<u128, SdkError> {
        self.get_amount(&state_key::delegated(provider, operator))
            .await
    }

    /// Every validator `provider` has virtual stake with, in validator order.
    async fn virtual_stakes_of(&self, provider: &str) -> Result<BTreeMap<Address, u128>, SdkError> {
        let prefix = state_key::delegated_of(provider);
        decode_delegations(self.prefix_entries(&prefix).await?)
            .map(|entries| entries.into_iter().map(|((_, v), a)| (v, a)).collect())
    }

    /// Every (provider, validator) virtual delegation.
    async fn all_virtual_stakes(&self) -> Result<BTreeMap<(String, Address), u128>, SdkError> {
        decode_delegations(self.prefix_entries(state_key::DELEGATED_PREFIX).await?)
    }

    async fn virtual_minted(&self) -> Result<u128, SdkError> {
        self.get_amount(state_key::MINTED).await
    }

    async fn virtual_burned(&self) -> Result<u128, SdkError> {
        self.get_amount(state_key::BURNED).await
    }

    async fn is_tombstoned(&self, operator: &Address) -> Result<bool, SdkError> {
        Ok(self
            .get_bytes(&state_key::tombstoned(operator))
            .await?
            .is_some())
    }
}

impl<T: StateRead + ?Sized> VirtualStakingRead for T {}

fn decode_delegations(
    entries: Vec<(String, Vec<u8>)>,
) -> Result<BTreeMap<(String, Address), u128>, SdkError> {
    let mut result = BTreeMap::new();
    for (key, value) in entries {
        let corrupt = || SdkError::Internal(format!("corrupt virtual delegation at {key}"));
        let rest = key
            .strip_prefix(state_key::DELEGATED_PREFIX)
            .ok_or_else(corrupt)?;
        let (provider, operator) = rest.rsplit_once('/').ok_or_else(corrupt)?;
        let operator = Address::from_hex(operator).ok_or_else(corrupt)?;
        let amount: [u8; 16] = value.as_slice().try_into().map_err(|_| corrupt())?;
        result.insert(
            (provider.to_string(), operator),
            u128::from_be_bytes(amount),
        );
    }
    Ok(result)
}

#[async_trait]
pub trait VirtualStakingWrite: StateWrite {
    fn put_virtual_staking_params(&mut self, params: &Params) -> Result<(), SdkError> {
        self.put_json(state_key::PARAMS.to_string(), params)
    }

    fn put_mesh_authority(&mut self, authority: &str) -> Result<(), SdkError> {
        self.put_json(state_key::AUTHORITY.to_string(), &authority)
    }

    fn put_epoch_state(&mut self, epoch: &EpochState) -> Result<(), SdkError> {
        self.put_json(state_key::EPOCH.to_string(), epoch)
    }

    fn put_virtual_stake(
        &mut self,
        provider: &str,
        operator: &Address,
        amount: u128,
    ) -> Result<(), SdkError> {
        self.put_amount(state_key::delegated(provider, operator), amount)
    }

    async fn add_virtual_minted(&mut self, amount: u128) -> Result<(), SdkError> {
        let minted = self.virtual_minted().await?.saturating_add(amount);
        self.put_amount(state_key::MINTED.to_string(), minted)
    }

    async fn add_virtual_burned(&mut self, amount: u128) -> Result<(), SdkError> {
        let burned = self.virtual_burned().await?.saturating_add(amount);
        self.put_amount(state_key::BURNED.to_string(), burned)
    }

    fn mark_tombstoned(&mut self, operator: &Address) -> Result<(), SdkError> {
        self.put_bytes(state_key::tombstoned(operator), vec![1])
    }

    /// Moves every virtual delegation to what `requests` ask for within the limits (the
    /// converter's epoch); delegations no request names are unbonded.
    async fn rebalance<H: StakingHooks>(
        &mut self,
        requests: &[ProviderRequest],
    ) -> Result<(), SdkError>
    where
        Self: Sized,
    {
        rebalance::rebalance::<Self, H>(self, requests).await
    }

    /// Withdraws the rewards of `provider`'s virtual delegations into its delegator account and
    /// returns them per validator (only non-zero amounts).
    async fn withdraw_virtual_rewards(
        &mut self,
        provider: &str,
    ) -> Result<Vec<(Address, u128)>, SdkError>
    where
        Self: Sized,
    {
        rebalance::withdraw_rewards(self, provider).await
    }

    /// After staking slashed `operator`: records what each provider's virtual delegation there
    /// lost and returns it per provider, for the slash report.
    async fn on_validator_slashed(
        &mut self,
        operator: &Address,
    ) -> Result<Vec<(String, u128)>, SdkError>
    where
        Self: Sized,
    {
        rebalance::on_validator_slashed(self, operator).await
    }
}

impl<T: StateWrite + ?Sized> VirtualStakingWrite for T {}
