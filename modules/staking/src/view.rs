//! Typed access to validators, delegations and queues. Other modules use these traits.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_core::{Address, Decimal, SdkError, StoreRead, StoreWrite};

use crate::component::{self, PowerUpdate, POWER_UPDATES};
use crate::error::StakingError;
use crate::hooks::StakingHooks;
use crate::params::Params;
use crate::validator::{RedelegationEntry, UnbondingEntry, Validator};
use crate::{delegation, slash, state_key};

/// The two address segments that end a key like `.../<hex>/<hex>`.
fn trailing_address(key: &str) -> Option<Address> {
    key.rsplit('/').next().and_then(Address::from_hex)
}

fn shares_value(key: &str, value: &[u8]) -> Result<Decimal, SdkError> {
    let array: [u8; 16] = value
        .try_into()
        .map_err(|_| SdkError::Internal(format!("corrupt shares at {key}")))?;
    Ok(Decimal::from_atomics(u128::from_be_bytes(array)))
}

#[async_trait]
pub trait StakingRead: StateRead {
    async fn staking_params(&self) -> Result<Params, SdkError> {
        Ok(self.get_json(state_key::PARAMS).await?.unwrap_or_default())
    }

    async fn validator(&self, operator: &Address) -> Result<Option<Validator>, SdkError> {
        self.get_json(&state_key::validator(operator)).await
    }

    /// The validator `operator`, refused as the SDK refuses an unknown validator.
    async fn existing_validator(&self, operator: &Address) -> Result<Validator, SdkError> {
        self.validator(operator)
            .await?
            .ok_or_else(|| StakingError::NoValidatorFound.into())
    }

    /// Tokens the operator's own delegation is worth now, for self-delegation checks.
    async fn self_bond(&self, validator: &Validator) -> Result<u128, SdkError> {
        let shares = self
            .delegation(&validator.operator, &validator.operator)
            .await?;
        validator.tokens_for_shares(shares)
    }

    async fn validator_by_consensus(
        &self,
        consensus: &[u8; 20],
    ) -> Result<Option<Validator>, SdkError> {
        let Some(bytes) = self
            .get_bytes(&state_key::validator_by_consensus(consensus))
            .await?
        else {
            return Ok(None);
        };
        let operator = Address::from_slice(&bytes)?;
        self.validator(&operator).await
    }

    /// Every validator, by operator address.
    async fn all_validators(&self) -> Result<Vec<Validator>, SdkError> {
        let mut validators = Vec::new();
        for (key, value) in self.prefix_entries(state_key::VALIDATORS_PREFIX).await? {
            validators.push(
                serde_json::from_slice(&value)
                    .map_err(|e| SdkError::Internal(format!("corrupt validator at {key}: {e}")))?,
            );
        }
        Ok(validators)
    }

    /// Operators in power order (highest first) among validators eligible for the active set.
    async fn operators_by_power(&self, limit: usize) -> Result<Vec<Address>, SdkError> {
        let entries = self.prefix_entries(state_key::POWER_INDEX_PREFIX).await?;
        Ok(entries
            .iter()
            .filter_map(|(key, _)| trailing_address(key))
            .take(limit)
            .collect())
    }

    /// The power CometBFT holds for each validator of the active set.
    async fn last_powers(&self) -> Result<BTreeMap<Address, u64>, SdkError> {
        let mut powers = BTreeMap::new();
        for (key, value) in self.prefix_entries(state_key::LAST_POWER_PREFIX).await? {
            let array: [u8; 8] = value
                .as_slice()
                .try_into()
                .map_err(|_| SdkError::Internal(format!("corrupt power at {key}")))?;
            if let Some(operator) = trailing_address(&key) {
                powers.insert(operator, u64::from_be_bytes(array));
            }
        }
        Ok(powers)
    }

    async fn delegation(
        &self,
        delegator: &Address,
        operator: &Address,
    ) -> Result<Decimal, SdkError> {
        let key = state_key::delegation(delegator, operator);
        Ok(Decimal::from_atomics(self.get_amount(&key).await?))
    }

    /// (validator, shares) of one delegator.
    async fn delegations_of(
        &self,
        delegator: &Address,
    ) -> Result<Vec<(Address, Decimal)>, SdkError> {
        self.shares_under(&state_key::delegations_of(delegator))
            .await
    }

    /// (delegator, shares) of one validator.
    async fn delegators_of(&self, operator: &Address) -> Result<Vec<(Address, Decimal)>, SdkError> {
        self.shares_under(&state_key::delegators_of(operator)).await
    }

    async fn shares_under(&self, prefix: &str) -> Result<Vec<(Address, Decimal)>, SdkError> {
        let mut out = Vec::new();
        for (key, value) in self.prefix_entries(prefix).await? {
            if let Some(address) = trailing_address(&key) {
                out.push((address, shares_value(&key, &value)?));
            }
        }
        Ok(out)
    }

    async fn unbonding(
        &self,
        delegator: &Address,
        operator: &Address,
    ) -> Result<Vec<UnbondingEntry>, SdkError> {
        Ok(self
            .get_json(&state_key::unbonding(delegator, operator))
            .await?
            .unwrap_or_default())
    }

    /// (validator, entries) of one delegator's unbondings.
    async fn unbondings_of(
        &self,
        delegator: &Address,
    ) -> Result<Vec<(Address, Vec<UnbondingEntry>)>, SdkError> {
        let mut out = Vec::new();
        for (key, value) in self
            .prefix_entries(&state_key::unbondings_of(delegator))
            .await?
        {
            let entries = serde_json::from_slice(&value)
                .map_err(|e| SdkError::Internal(format!("corrupt unbonding at {key}: {e}")))?;
            if let Some(operator) = trailing_address(&key) {
                out.push((operator, entries));
            }
        }
        Ok(out)
    }

    /// Delegators with unbonding entries from `operator`.
    async fn unbonding_delegators_of(&self, operator: &Address) -> Result<Vec<Address>, SdkError> {
        let entries = self
            .prefix_entries(&state_key::unbondings_from(operator))
            .await?;
        Ok(entries
            .iter()
            .filter_map(|(key, _)| trailing_address(key))
            .collect())
    }

    async fn redelegation(
        &self,
        delegator: &Address,
        source: &Address,
        destination: &Address,
    ) -> Result<Vec<RedelegationEntry>, SdkError> {
        let key = state_key::redelegation(delegator, source, destination);
        Ok(self.get_json(&key).await?.unwrap_or_default())
    }

    /// (source, destination) pairs of `delegator`'s redelegations.
    async fn redelegations_of(
        &self,
        delegator: &Address,
    ) -> Result<Vec<(Address, Address)>, SdkError> {
        let prefix = state_key::redelegations_of(delegator);
        let keys = self.prefix_entries(&prefix).await?;
        Ok(keys
            .iter()
            .filter_map(|(key, _)| {
                let (source, destination) = key.strip_prefix(&prefix)?.split_once('/')?;
                Some((Address::from_hex(source)?, Address::from_hex(destination)?))
            })
            .collect())
    }

    /// (delegator, destination) pairs with redelegations away from `source`.
    async fn redelegations_from(
        &self,
        source: &Address,
    ) -> Result<Vec<(Address, Address)>, SdkError> {
        let prefix = state_key::redelegations_from(source);
        let entries = self.prefix_entries(&prefix).await?;
        Ok(entries
            .iter()
            .filter_map(|(key, _)| {
                let rest = key.strip_prefix(&prefix)?;
                let (delegator, destination) = rest.split_once('/')?;
                Some((
                    Address::from_hex(delegator)?,
                    Address::from_hex(destination)?,
                ))
            })
            .collect())
    }
}

impl<T: StateRead + ?Sized> StakingRead for T {}

/// Besides the stored records, the stake movements other modules start (virtual staking, the
/// vault's local staking, slashing) go through here, so they keep staking's bookkeeping; `H` is
/// the app's staking subscribers, told as for the same change made by a message (they take a
/// sized state, hence `Self: Sized`).
#[async_trait]
pub trait StakingWrite: StateWrite {
    fn put_staking_params(&mut self, params: &Params) -> Result<(), SdkError> {
        self.put_json(state_key::PARAMS.to_string(), params)
    }

    /// Stores a validator and keeps the power index in step with its tokens and jail status.
    async fn put_validator(&mut self, validator: &Validator) -> Result<(), SdkError> {
        let reduction = self.staking_params().await?.power_reduction;
        if let Some(old) = self.validator(&validator.operator).await? {
            self.delete_key(state_key::power_index(old.power(reduction), &old.operator))?;
        } else {
            let consensus = state_key::validator_by_consensus(&validator.consensus_address());
            self.put_bytes(consensus, validator.operator.0.to_vec())?;
        }
        if validator.is_eligible(reduction) {
            let index = state_key::power_index(validator.power(reduction), &validator.operator);
            self.put_bytes(index, vec![])?;
        }
        self.put_json(state_key::validator(&validator.operator), validator)
    }

    fn put_last_power(&mut self, operator: &Address, power: u64) -> Result<(), SdkError> {
        let key = state_key::last_power(operator);
        if power == 0 {
            self.delete_key(key)
        } else {
            self.put_bytes(key, power.to_be_bytes().to_vec())
        }
    }

    /// Sets a delegation's shares (zero removes it), in both indexes.
    fn put_delegation(
        &mut self,
        delegator: &Address,
        operator: &Address,
        shares: Decimal,
    ) -> Result<(), SdkError> {
        self.put_amount(state_key::delegation(delegator, operator), shares.atomics())?;
        self.put_amount(
            state_key::delegation_by_validator(operator, delegator),
            shares.atomics(),
        )
    }

    fn put_unbonding(
        &mut self,
        delegator: &Address,
        operator: &Address,
        entries: &[UnbondingEntry],
    ) -> Result<(), SdkError> {
        let (key, index) = (
            state_key::unbonding(delegator, operator),
            state_key::unbonding_by_validator(operator, delegator),
        );
        if entries.is_empty() {
            self.delete_key(key)?;
            self.delete_key(index)
        } else {
            self.put_json(key, &entries)?;
            self.put_bytes(index, vec![])
        }
    }

    fn put_redelegation(
        &mut self,
        delegator: &Address,
        source: &Address,
        destination: &Address,
        entries: &[RedelegationEntry],
    ) -> Result<(), SdkError> {
        let key = state_key::redelegation(delegator, source, destination);
        let index = state_key::redelegation_by_source(source, delegator, destination);
        if entries.is_empty() {
            self.delete_key(key)?;
            self.delete_key(index)
        } else {
            self.put_json(key, &entries)?;
            self.put_bytes(index, vec![])
        }
    }

    /// The validator set changes of this block's `end_block`, removed so they are reported once.
    fn take_power_updates(&mut self) -> Vec<PowerUpdate> {
        let updates = self.object_get(POWER_UPDATES).unwrap_or_default();
        self.object_delete(POWER_UPDATES);
        updates
    }

    /// Registers a new validator and bonds its operator's self-delegation.
    async fn create_validator<H: StakingHooks>(
        &mut self,
        validator: Validator,
        self_bond: u128,
    ) -> Result<(), SdkError>
    where
        Self: Sized,
    {
        component::create_validator::<Self, H>(self, validator, self_bond).await
    }

    /// Moves `amount` bond-denom tokens between two accounts (nothing for zero or one account).
    async fn move_bond_tokens(
        &mut self,
        from: &Address,
        to: &Address,
        amount: u128,
    ) -> Result<(), SdkError> {
        delegation::move_tokens(self, from, to, amount).await
    }

    /// Adds `tokens` held at `from` to `delegator`'s stake with `operator`, for a module that
    /// brings its own tokens (virtual staking mints them); returns the shares minted.
    async fn add_stake<H: StakingHooks>(
        &mut self,
        delegator: &Address,
        operator: &Address,
        from: &Address,
        tokens: u128,
    ) -> Result<Decimal, SdkError>
    where
        Self: Sized,
    {
        delegation::add_stake::<Self, H>(self, delegator, operator, from, tokens).await
    }

    /// Bonds `amount` of the delegator's tokens to `operator`; returns the shares minted.
    async fn delegate<H: StakingHooks>(
        &mut self,
        delegator: &Address,
        operator: &Address,
        amount: u128,
    ) -> Result<Decimal, SdkError>
    where
        Self: Sized,
    {
        delegation::delegate::<Self, H>(self, delegator, operator, amount).await
    }

    /// Starts unbonding `amount` tokens; returns the completion time (unix nanos).
    async fn undelegate<H: StakingHooks>(
        &mut self,
        delegator: &Address,
        operator: &Address,
        amount: u128,
    ) -> Result<u64, SdkError>
    where
        Self: Sized,
    {
        delegation::undelegate::<Self, H>(self, delegator, operator, amount).await
    }

    /// Unbonds `shares` with no unbonding period and returns their tokens to the delegator at
    /// once. Only for trusted modules (virtual staking, the vault), never for a user message.
    async fn instant_undelegate<H: StakingHooks>(
        &mut self,
        delegator: &Address,
        operator: &Address,
        shares: Decimal,
    ) -> Result<u128, SdkError>
    where
        Self: Sized,
    {
        delegation::instant_undelegate::<Self, H>(self, delegator, operator, shares).await
    }

    /// Moves `amount` tokens of stake from `source` to `destination` without unbonding;
    /// returns when the redelegation matures (unix nanos).
    async fn redelegate<H: StakingHooks>(
        &mut self,
        delegator: &Address,
        source: &Address,
        destination: &Address,
        amount: u128,
    ) -> Result<u64, SdkError>
    where
        Self: Sized,
    {
        delegation::redelegate::<Self, H>(self, delegator, source, destination, amount).await
    }

    /// Slashes `fraction` of the stake `operator` had at `infraction_height`, when it had
    /// `power`, unbonding and redelegated stake included; returns what was burned in total.
    async fn slash_validator<H: StakingHooks>(
        &mut self,
        operator: &Address,
        infraction_height: u64,
        infraction_time_seconds: i64,
        power: u64,
        fraction: Decimal,
    ) -> Result<u128, SdkError>
    where
        Self: Sized,
    {
        slash::slash::<Self, H>(
            self,
            operator,
            infraction_height,
            infraction_time_seconds,
            power,
            fraction,
        )
        .await
    }

    /// Takes a validator out of the active set at the next end of block.
    async fn jail<H: StakingHooks>(&mut self, operator: &Address) -> Result<(), SdkError>
    where
        Self: Sized,
    {
        slash::jail::<Self, H>(self, operator).await
    }

    /// Lets a jailed validator back into the running for the active set.
    async fn unjail<H: StakingHooks>(&mut self, validator: &mut Validator) -> Result<(), SdkError>
    where
        Self: Sized,
    {
        slash::unjail::<Self, H>(self, validator).await
    }
}

impl<T: StateWrite + ?Sized> StakingWrite for T {}
