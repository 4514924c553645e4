//! F1 fee distribution: each validator's rewards accrue per period as a cumulative reward per
//! token; a delegation earns stake x (ratio at its end - ratio at its start), its stake cut by
//! each slash between the two. Rewards are floored, so no more is ever paid than was allocated.

use cnidarium::StateWrite;
use rmesh_bank::BankWrite;
use rmesh_core::{Address, BlockContextExt, Coin, Coins, Decimal, SdkError};
use rmesh_staking::StakingRead;

use crate::error::DistributionError;
use crate::view::{
    CurrentRewards, DistributionRead, DistributionWrite, HistoricalRewards, StartingInfo,
};
use crate::DISTRIBUTION_ACCOUNT;

pub fn math(err: rmesh_core::decimal::DecimalError) -> SdkError {
    SdkError::Internal(format!("reward arithmetic: {err}"))
}

pub async fn initialize_validator<S: StateWrite>(
    state: &mut S,
    operator: &Address,
) -> Result<(), SdkError> {
    state.put_historical_rewards(
        operator,
        0,
        &HistoricalRewards {
            ratio: Decimal::ZERO,
            references: 1,
        },
    )?;
    state.put_current_rewards(
        operator,
        &CurrentRewards {
            period: 1,
            rewards: Decimal::ZERO,
        },
    )?;
    state.put_accumulated_commission(operator, Decimal::ZERO)?;
    state.put_outstanding_rewards(operator, Decimal::ZERO)
}

async fn change_references<S: StateWrite>(
    state: &mut S,
    operator: &Address,
    period: u64,
    up: bool,
) -> Result<(), SdkError> {
    let mut historical = state.historical_rewards(operator, period).await?;
    historical.references = if up {
        historical.references + 1
    } else {
        historical.references.saturating_sub(1)
    };
    state.put_historical_rewards(operator, period, &historical)
}

/// Closes the validator's open period into a historical ratio; returns the closed period.
pub async fn increment_period<S: StateWrite>(
    state: &mut S,
    operator: &Address,
) -> Result<u64, SdkError> {
    let current = state
        .current_rewards(operator)
        .await?
        .unwrap_or(CurrentRewards {
            period: 1,
            rewards: Decimal::ZERO,
        });
    let tokens = state.validator(operator).await?.map_or(0, |v| v.tokens);
    let added = if tokens == 0 {
        // Nobody to earn it: the period's rewards go to the community pool.
        let pool = state.community_pool().await?;
        state.put_community_pool(pool.checked_add(current.rewards).unwrap_or(pool))?;
        Decimal::ZERO
    } else {
        current.rewards.div_int(tokens).map_err(math)?
    };
    let previous = state
        .historical_rewards(operator, current.period - 1)
        .await?;
    change_references(state, operator, current.period - 1, false).await?;
    let ratio = previous
        .ratio
        .checked_add(added)
        .ok_or_else(|| SdkError::Internal("ratio overflow".into()))?;
    state.put_historical_rewards(
        operator,
        current.period,
        &HistoricalRewards {
            ratio,
            references: 1,
        },
    )?;
    state.put_current_rewards(
        operator,
        &CurrentRewards {
            period: current.period + 1,
            rewards: Decimal::ZERO,
        },
    )?;
    Ok(current.period)
}

/// Starts a delegation's earning at the validator's last closed period.
pub async fn initialize_delegation<S: StateWrite>(
    state: &mut S,
    delegator: &Address,
    operator: &Address,
) -> Result<(), SdkError> {
    let Some(current) = state.current_rewards(operator).await? else {
        return Ok(());
    };
    let previous_period = current.period - 1;
    change_references(state, operator, previous_period, true).await?;
    let validator = state.existing_validator(operator).await?;
    let shares = state.delegation(delegator, operator).await?;
    let info = StartingInfo {
        previous_period,
        stake: validator.tokens_for_shares(shares)?,
        height: state.block_context().height,
    };
    state.put_starting_info(delegator, operator, Some(&info))
}

/// Rewards earned from the delegation's start to `ending_period`, walking the slashes between.
pub async fn rewards_until<S: StateWrite>(
    state: &S,
    delegator: &Address,
    operator: &Address,
    ending_period: u64,
) -> Result<Decimal, SdkError> {
    let Some(start) = state.starting_info(delegator, operator).await? else {
        return Ok(Decimal::ZERO);
    };
    let mut stake = Decimal::from_integer(start.stake).map_err(math)?;
    let mut cursor = start.previous_period;
    let mut total = Decimal::ZERO;
    let events = state.slash_events(operator).await?;
    let slashes = events
        .iter()
        .filter(|(period, _)| *period > start.previous_period && *period <= ending_period);
    for (period, fraction) in slashes {
        total = total
            .checked_add(earned(state, operator, cursor, *period, stake).await?)
            .unwrap_or(total);
        stake = stake
            .checked_mul(Decimal::ONE.saturating_sub(*fraction))
            .map_err(math)?;
        cursor = *period;
    }
    Ok(total
        .checked_add(earned(state, operator, cursor, ending_period, stake).await?)
        .unwrap_or(total))
}

async fn earned<S: StateWrite>(
    state: &S,
    operator: &Address,
    from: u64,
    to: u64,
    stake: Decimal,
) -> Result<Decimal, SdkError> {
    let start = state.historical_rewards(operator, from).await?.ratio;
    let end = state.historical_rewards(operator, to).await?.ratio;
    stake.checked_mul(end.saturating_sub(start)).map_err(math)
}

/// Pays `amount` (floored) from the module account to `to`; the fraction stays in the pool.
pub async fn pay_out<S: StateWrite>(
    state: &mut S,
    to: &Address,
    amount: Decimal,
) -> Result<u128, SdkError> {
    let paid = amount.floor();
    let dust = amount.saturating_sub(Decimal::from_integer(paid).map_err(math)?);
    let pool = state.community_pool().await?;
    state.put_community_pool(pool.checked_add(dust).unwrap_or(pool))?;
    if paid > 0 {
        let denom = state.staking_params().await?.bond_denom;
        let mut coins = Coins::new();
        coins.add(&Coin::new(paid, denom))?;
        state
            .send(&Address::module(DISTRIBUTION_ACCOUNT), to, &coins)
            .await?;
    }
    Ok(paid)
}

/// Settles a delegation's rewards to its withdraw address and closes its starting info.
pub async fn withdraw_rewards<S: StateWrite>(
    state: &mut S,
    delegator: &Address,
    operator: &Address,
) -> Result<u128, SdkError> {
    let Some(start) = state.starting_info(delegator, operator).await? else {
        return Err(DistributionError::EmptyDelegationDistInfo.into());
    };
    let ending = increment_period(state, operator).await?;
    let rewards = rewards_until(state, delegator, operator, ending).await?;
    let outstanding = state.outstanding_rewards(operator).await?;
    let rewards = rewards.min(outstanding);
    state.put_outstanding_rewards(operator, outstanding.saturating_sub(rewards))?;
    let to = state.withdraw_address(delegator).await?;
    let paid = pay_out(state, &to, rewards).await?;
    change_references(state, operator, start.previous_period, false).await?;
    state.put_starting_info(delegator, operator, None)?;
    Ok(paid)
}

/// Records a slash of the validator's stake between two periods.
pub async fn record_slash<S: StateWrite>(
    state: &mut S,
    operator: &Address,
    fraction: Decimal,
) -> Result<(), SdkError> {
    let period = increment_period(state, operator).await?;
    change_references(state, operator, period, true).await?;
    state.put_slash_event(operator, period, fraction)
}
