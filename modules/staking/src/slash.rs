//! Slashing and jailing, as the slashing module and trusted modules invoke them. A slash at an
//! infraction height also reaches the stake that left the validator after it: unbonding entries
//! and redelegations created at or after that height.

use cnidarium::StateWrite;
use rmesh_bank::BankWrite;
use rmesh_core::{Address, BlockContextExt, Coin, Coins, Decimal, SdkError};

use crate::delegation::{pool_for, NOT_BONDED_POOL};
use crate::error::StakingError;
use crate::hooks::{SlashRecord, StakingHooks};
use crate::validator::{mul_div, Validator};
use crate::view::{StakingRead, StakingWrite};

fn fraction_of(fraction: Decimal, amount: u128) -> Result<u128, SdkError> {
    fraction
        .mul_floor(amount)
        .map_err(|e| SdkError::Internal(format!("slash arithmetic: {e}")))
}

async fn burn_from<S: StateWrite + ?Sized>(
    state: &mut S,
    pool: &Address,
    amount: u128,
) -> Result<(), SdkError> {
    if amount == 0 {
        return Ok(());
    }
    let denom = state.staking_params().await?.bond_denom;
    let mut coins = Coins::new();
    coins.add(&Coin::new(amount, denom))?;
    state.burn(pool, &coins).await
}

/// Slashes `fraction` of the stake `operator` had at `infraction_height`, when it had `power`.
/// Returns what was burned in total. Tombstoned or unknown validators are left alone.
pub async fn slash<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    operator: &Address,
    infraction_height: u64,
    infraction_time_seconds: i64,
    power: u64,
    fraction: Decimal,
) -> Result<u128, SdkError> {
    let Some(mut validator) = state.validator(operator).await? else {
        return Ok(0);
    };
    let reduction = state.staking_params().await?.power_reduction;
    let target = fraction_of(fraction, u128::from(power).saturating_mul(reduction))?;
    let mut remaining = target;
    let mut burned = 0u128;
    if infraction_height < state.block_context().height {
        let from_unbondings =
            slash_unbondings(state, operator, infraction_height, fraction).await?;
        let from_redelegations =
            slash_redelegations::<S, H>(state, operator, infraction_height, fraction).await?;
        let from_entries = add_burned(from_unbondings, from_redelegations)?;
        burned = add_burned(burned, from_entries)?;
        remaining = remaining.saturating_sub(from_entries);
    }
    let from_validator = remaining.min(validator.tokens);
    if from_validator > 0 {
        let effective = Decimal::from_atomics(mul_div(
            from_validator,
            Decimal::ONE.atomics(),
            validator.tokens,
        )?);
        H::before_validator_slashed(state, operator, effective).await?;
    }
    validator.tokens -= from_validator;
    state.put_validator(&validator).await?;
    H::after_validator_modified(state, &validator).await?;
    burn_from(state, &pool_for(validator.status), from_validator).await?;
    burned = add_burned(burned, from_validator)?;
    let record = SlashRecord {
        operator: *operator,
        infraction_height,
        infraction_time_seconds,
        power,
        fraction,
        amount: burned,
    };
    H::after_validator_slashed(state, &record).await?;
    Ok(burned)
}

/// Unbonding entries that began at or after the infraction lose `fraction` of their initial
/// balance (at most what is left of them).
async fn slash_unbondings<S: StateWrite + ?Sized>(
    state: &mut S,
    operator: &Address,
    infraction_height: u64,
    fraction: Decimal,
) -> Result<u128, SdkError> {
    let now = state.block_context().unix_nanos();
    let mut total = 0;
    for delegator in state.unbonding_delegators_of(operator).await? {
        let mut entries = state.unbonding(&delegator, operator).await?;
        for entry in entries.iter_mut() {
            if entry.creation_height < infraction_height || entry.completion_time_nanos <= now {
                continue;
            }
            let cut = fraction_of(fraction, entry.initial_balance)?.min(entry.balance);
            entry.balance -= cut; // at most the balance, by the line above
            total = add_burned(total, cut)?;
        }
        state.put_unbonding(&delegator, operator, &entries)?;
    }
    burn_from(state, &Address::module(NOT_BONDED_POOL), total).await?;
    Ok(total)
}

/// Redelegations away from `operator` that began at or after the infraction: the stake now at
/// the destination is unbonded and burned in proportion.
async fn slash_redelegations<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    operator: &Address,
    infraction_height: u64,
    fraction: Decimal,
) -> Result<u128, SdkError> {
    let now = state.block_context().unix_nanos();
    let mut total = 0;
    for (delegator, destination) in state.redelegations_from(operator).await? {
        let entries = state
            .redelegation(&delegator, operator, &destination)
            .await?;
        for entry in entries.iter() {
            if entry.creation_height < infraction_height || entry.completion_time_nanos <= now {
                continue;
            }
            let Some(mut target) = state.validator(&destination).await? else {
                continue;
            };
            let shares_to_cut =
                Decimal::from_atomics(fraction_of(fraction, entry.shares_dst.atomics())?);
            let held = state.delegation(&delegator, &destination).await?;
            let shares = shares_to_cut.min(held);
            if shares.is_zero() {
                continue;
            }
            H::before_delegation_modified(state, &delegator, &destination).await?;
            let remaining = held.checked_sub(shares).unwrap_or_default();
            state.put_delegation(&delegator, &destination, remaining)?;
            let tokens = target.remove_shares(shares)?;
            state.put_validator(&target).await?;
            if !remaining.is_zero() {
                H::after_delegation_modified(state, &delegator, &destination).await?;
            }
            burn_from(state, &pool_for(target.status), tokens).await?;
            total = add_burned(total, tokens)?;
        }
    }
    Ok(total)
}

/// Takes a validator out of the active set at the next end of block.
pub async fn jail<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    operator: &Address,
) -> Result<(), SdkError> {
    let Some(mut validator) = state.validator(operator).await? else {
        return Ok(());
    };
    if validator.jailed {
        return Ok(());
    }
    validator.jailed = true;
    state.put_validator(&validator).await?;
    H::after_validator_jailed(state, &validator).await
}

/// Lets a jailed validator back into the running for the active set.
pub async fn unjail<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    validator: &mut Validator,
) -> Result<(), SdkError> {
    validator.jailed = false;
    state.put_validator(validator).await?;
    H::after_validator_unjailed(state, validator).await
}

/// A running total of burned tokens: bounded by the supply, checked all the same.
fn add_burned(total: u128, more: u128) -> Result<u128, SdkError> {
    total
        .checked_add(more)
        .ok_or_else(|| StakingError::ArithmeticOverflow("slashed tokens".into()).into())
}
