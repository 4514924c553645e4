//! Typed access to reward records. Amounts are bond-denom tokens with 18 decimals.

use async_trait::async_trait;
use cnidarium::{StateDelta, StateRead, StateWrite};
use rmesh_core::{Address, Decimal, SdkError, StoreRead, StoreWrite};
use serde::{Deserialize, Serialize};

use crate::params::Params;
use crate::{f1, state_key};

/// Rewards of the validator's open period, waiting to be folded into a historical ratio.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentRewards {
    pub period: u64,
    pub rewards: Decimal,
}

/// Cumulative reward per token of stake up to the end of a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoricalRewards {
    pub ratio: Decimal,
    /// Delegations and slash events still pointing at this period; at zero it is pruned.
    pub references: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartingInfo {
    pub previous_period: u64,
    /// Tokens the delegation was worth when it (re)started earning.
    pub stake: u128,
    pub height: u64,
}

async fn decimal_at<S: StateRead + ?Sized>(state: &S, key: &str) -> Result<Decimal, SdkError> {
    Ok(Decimal::from_atomics(state.get_amount(key).await?))
}

#[async_trait]
pub trait DistributionRead: StateRead {
    async fn distribution_params(&self) -> Result<Params, SdkError> {
        Ok(self.get_json(state_key::PARAMS).await?.unwrap_or_default())
    }

    async fn outstanding_rewards(&self, operator: &Address) -> Result<Decimal, SdkError> {
        decimal_at(self, &state_key::outstanding(operator)).await
    }

    async fn accumulated_commission(&self, operator: &Address) -> Result<Decimal, SdkError> {
        decimal_at(self, &state_key::commission(operator)).await
    }

    async fn community_pool(&self) -> Result<Decimal, SdkError> {
        decimal_at(self, state_key::COMMUNITY_POOL).await
    }

    async fn current_rewards(
        &self,
        operator: &Address,
    ) -> Result<Option<CurrentRewards>, SdkError> {
        self.get_json(&state_key::current_rewards(operator)).await
    }

    async fn historical_rewards(
        &self,
        operator: &Address,
        period: u64,
    ) -> Result<HistoricalRewards, SdkError> {
        Ok(self
            .get_json(&state_key::historical_rewards(operator, period))
            .await?
            .unwrap_or_default())
    }

    async fn starting_info(
        &self,
        delegator: &Address,
        operator: &Address,
    ) -> Result<Option<StartingInfo>, SdkError> {
        self.get_json(&state_key::starting_info(delegator, operator))
            .await
    }

    /// (period, fraction) of the validator's slashes, in period order.
    async fn slash_events(&self, operator: &Address) -> Result<Vec<(u64, Decimal)>, SdkError> {
        let prefix = state_key::slash_events_of(operator);
        let mut events = Vec::new();
        for (key, value) in self.prefix_entries(&prefix).await? {
            let period = key[prefix.len()..].parse().unwrap_or(0);
            let fraction = serde_json::from_slice(&value)
                .map_err(|e| SdkError::Internal(format!("corrupt slash event at {key}: {e}")))?;
            events.push((period, fraction));
        }
        Ok(events)
    }

    /// What a delegation has earned and not withdrawn, exactly as a withdrawal now would
    /// compute it: the validator's open period is closed on an overlay that is then dropped.
    async fn pending_rewards(
        &self,
        delegator: &Address,
        operator: &Address,
    ) -> Result<Decimal, SdkError>
    where
        Self: Sized,
    {
        let mut overlay = StateDelta::new(self);
        if overlay.starting_info(delegator, operator).await?.is_none() {
            return Ok(Decimal::ZERO);
        }
        let ending = f1::increment_period(&mut overlay, operator).await?;
        f1::rewards_until(&overlay, delegator, operator, ending).await
    }

    /// Where a delegator's rewards go: its chosen address, or itself.
    async fn withdraw_address(&self, delegator: &Address) -> Result<Address, SdkError> {
        match self
            .get_bytes(&state_key::withdraw_address(delegator))
            .await?
        {
            Some(bytes) => Address::from_slice(&bytes),
            None => Ok(*delegator),
        }
    }
}

impl<T: StateRead + ?Sized> DistributionRead for T {}

#[async_trait]
pub trait DistributionWrite: StateWrite {
    fn put_distribution_params(&mut self, params: &Params) -> Result<(), SdkError> {
        self.put_json(state_key::PARAMS.to_string(), params)
    }

    fn put_outstanding_rewards(
        &mut self,
        operator: &Address,
        value: Decimal,
    ) -> Result<(), SdkError> {
        self.put_amount(state_key::outstanding(operator), value.atomics())
    }

    fn put_accumulated_commission(
        &mut self,
        operator: &Address,
        value: Decimal,
    ) -> Result<(), SdkError> {
        self.put_amount(state_key::commission(operator), value.atomics())
    }

    fn put_community_pool(&mut self, value: Decimal) -> Result<(), SdkError> {
        self.put_amount(state_key::COMMUNITY_POOL.to_string(), value.atomics())
    }

    /// Moves `amount` bond-denom tokens from `from` into the community pool (the SDK's
    /// FundCommunityPool): the tokens go to the distribution account, the pool counts them.
    async fn fund_community_pool(&mut self, from: &Address, amount: u128) -> Result<(), SdkError> {
        use rmesh_bank::BankWrite;
        use rmesh_staking::StakingRead;
        if amount == 0 {
            return Ok(());
        }
        let denom = self.staking_params().await?.bond_denom;
        let mut coins = rmesh_core::Coins::new();
        coins.add(&rmesh_core::Coin::new(amount, denom))?;
        self.send(from, &Address::module(crate::DISTRIBUTION_ACCOUNT), &coins)
            .await?;
        let added = Decimal::from_integer(amount).map_err(f1::math)?;
        let pool = self.community_pool().await?;
        let pool = pool
            .checked_add(added)
            .ok_or_else(|| SdkError::Internal("community pool overflow".into()))?;
        self.put_community_pool(pool)
    }

    /// Pays a delegation's rewards to its withdraw address (the SDK's
    /// WithdrawDelegationRewards); the delegation keeps earning from a fresh start. Returns the
    /// tokens paid.
    async fn withdraw_delegation_rewards(
        &mut self,
        delegator: &Address,
        operator: &Address,
    ) -> Result<u128, SdkError>
    where
        Self: Sized,
    {
        let paid = f1::withdraw_rewards(self, delegator, operator).await?;
        f1::initialize_delegation(self, delegator, operator).await?;
        Ok(paid)
    }

    fn put_current_rewards(
        &mut self,
        operator: &Address,
        value: &CurrentRewards,
    ) -> Result<(), SdkError> {
        self.put_json(state_key::current_rewards(operator), value)
    }

    fn put_historical_rewards(
        &mut self,
        operator: &Address,
        period: u64,
        value: &HistoricalRewards,
    ) -> Result<(), SdkError> {
        let key = state_key::historical_rewards(operator, period);
        if value.references == 0 {
            self.delete_key(key)
        } else {
            self.put_json(key, value)
        }
    }

    fn put_starting_info(
        &mut self,
        delegator: &Address,
        operator: &Address,
        info: Option<&StartingInfo>,
    ) -> Result<(), SdkError> {
        let key = state_key::starting_info(delegator, operator);
        match info {
            Some(info) => self.put_json(key, info),
            None => self.delete_key(key),
        }
    }

    fn put_slash_event(
        &mut self,
        operator: &Address,
        period: u64,
        fraction: Decimal,
    ) -> Result<(), SdkError> {
        self.put_json(state_key::slash_event(operator, period), &fraction)
    }

    fn put_withdraw_address(&mut self, delegator: &Address, to: &Address) -> Result<(), SdkError> {
        self.put_bytes(state_key::withdraw_address(delegator), to.0.to_vec())
    }
}

impl<T: StateWrite + ?Sized> DistributionWrite for T {}
