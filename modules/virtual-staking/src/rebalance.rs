//! The epoch's work on virtual delegations: collect their rewards, move them to their targets
//! (every unbond before any bond, so no intermediate state exceeds a limit), and account for
//! slashes. Virtual tokens are minted on bond and burned on unbond; they never wait in an
//! unbonding queue.

use std::collections::{BTreeMap, BTreeSet};

use cnidarium::StateWrite;
use rmesh_auth::AccountRead;
use rmesh_bank::{BankRead, BankWrite};
use rmesh_core::decimal::mul_div_floor;
use rmesh_core::{Address, Coin, Decimal, SdkError};
use rmesh_distribution::{DistributionRead, DistributionWrite};
use rmesh_staking::{BondStatus, StakingHooks, StakingRead, StakingWrite, BONDED_POOL};

use crate::error::VirtualStakingError;
use crate::event;
use crate::limits::{self, Limits, ProviderRequest, Targets};
use crate::provider_delegator;
use crate::view::{VirtualStakingRead, VirtualStakingWrite};

/// Moves every virtual delegation to what `requests` ask for within the limits. Delegations of
/// providers or validators missing from `requests` are unbonded.
pub async fn rebalance<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    requests: &[ProviderRequest],
) -> Result<(), SdkError> {
    let current = state.all_virtual_stakes().await?;
    let eligible = eligible_requests(state, requests, &current).await?;
    let limits = chain_limits(state, &current).await?;
    let targets = limits::targets(&eligible, &limits);
    let keys: BTreeSet<&(String, Address)> = current.keys().chain(targets.keys()).collect();
    let denom = state.staking_params().await?.bond_denom;
    for (provider, operator) in &keys {
        let (now, target) = amounts(&current, &targets, provider, operator);
        if target < now {
            unbond::<S, H>(state, provider, operator, now, target, &denom).await?;
        }
    }
    for (provider, operator) in &keys {
        let (now, target) = amounts(&current, &targets, provider, operator);
        if target > now {
            bond::<S, H>(state, provider, operator, now, target - now, &denom).await?;
        }
    }
    Ok(())
}

fn amounts(
    current: &Targets,
    targets: &Targets,
    provider: &str,
    operator: &Address,
) -> (u128, u128) {
    let key = (provider.to_string(), *operator);
    (
        current.get(&key).copied().unwrap_or(0),
        targets.get(&key).copied().unwrap_or(0),
    )
}

/// Requests with what validators may receive applied: nothing for a validator that is gone or
/// (if the params say so) tombstoned; no more than it has for a jailed one.
async fn eligible_requests<S: StateWrite>(
    state: &S,
    requests: &[ProviderRequest],
    current: &Targets,
) -> Result<Vec<ProviderRequest>, SdkError> {
    let auto_unbond = state.virtual_staking_params().await?.tombstone_auto_unbond;
    let mut eligible = Vec::with_capacity(requests.len());
    for request in requests {
        let mut per_validator = BTreeMap::new();
        for (operator, asked) in &request.per_validator {
            let Some(validator) = state.validator(operator).await? else {
                continue;
            };
            if auto_unbond && state.is_tombstoned(operator).await? {
                continue;
            }
            let allowed = if validator.jailed {
                let key = (request.provider.clone(), *operator);
                (*asked).min(current.get(&key).copied().unwrap_or(0))
            } else {
                *asked
            };
            per_validator.insert(*operator, allowed);
        }
        eligible.push(ProviderRequest {
            provider: request.provider.clone(),
            cap: request.cap,
            per_validator,
        });
    }
    Ok(eligible)
}

/// The params' limits in tokens. The remote share counts bonded stake: with local stake L and a
/// maximum share s, virtual stake may reach L * s / (1 - s).
async fn chain_limits<S: StateWrite>(state: &S, current: &Targets) -> Result<Limits, SdkError> {
    let params = state.virtual_staking_params().await?;
    let max_remote = if params.max_remote_share >= Decimal::ONE {
        None
    } else {
        let local = local_bonded_stake(state, current).await?;
        let rest = Decimal::ONE.saturating_sub(params.max_remote_share);
        Some(
            mul_div_floor(local, params.max_remote_share.atomics(), rest.atomics())
                .unwrap_or(u128::MAX),
        )
    };
    Ok(Limits {
        total_cap: params.total_cap,
        per_validator_cap: params.max_virtual_stake_per_validator,
        max_remote,
    })
}

/// Bonded tokens that are not virtual.
async fn local_bonded_stake<S: StateWrite>(state: &S, current: &Targets) -> Result<u128, SdkError> {
    let denom = state.staking_params().await?.bond_denom;
    let bonded = state.balance(&Address::module(BONDED_POOL), &denom).await?;
    let mut virtual_bonded = 0u128;
    for ((_, operator), amount) in current {
        if let Some(validator) = state.validator(operator).await? {
            if validator.status == BondStatus::Bonded {
                virtual_bonded = virtual_bonded.saturating_add(*amount);
            }
        }
    }
    Ok(bonded.saturating_sub(virtual_bonded))
}

async fn bond<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    provider: &str,
    operator: &Address,
    now: u128,
    amount: u128,
    denom: &str,
) -> Result<(), SdkError> {
    let delegator = provider_delegator(provider);
    state
        .mint_virtual(&delegator, &Coin::new(amount, denom))
        .await?;
    state
        .add_stake::<H>(&delegator, operator, &delegator, amount)
        .await?;
    let after = now
        .checked_add(amount)
        .ok_or(VirtualStakingError::ArithmeticOverflow(
            "a validator's virtual stake",
        ))?;
    state.add_virtual_minted(amount).await?;
    state.put_virtual_stake(provider, operator, after)?;
    let validator = state.format_operator(operator).await?;
    state.record(event::bond(provider, &validator, amount, after));
    Ok(())
}

/// Takes `now - target` tokens out of the delegation and burns them. A full unbond takes every
/// share; rounding dust it leaves in the validator becomes ordinary supply.
async fn unbond<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    provider: &str,
    operator: &Address,
    now: u128,
    target: u128,
    denom: &str,
) -> Result<(), SdkError> {
    let delegator = provider_delegator(provider);
    let held = state.delegation(&delegator, operator).await?;
    let shares = match state.validator(operator).await? {
        Some(validator) if target > 0 && !held.is_zero() => validator
            .shares_for_tokens(now.saturating_sub(target))?
            .min(held),
        _ => held,
    };
    let full = shares == held;
    let tokens = if shares.is_zero() {
        0
    } else {
        state
            .instant_undelegate::<H>(&delegator, operator, shares)
            .await?
    };
    if tokens > 0 {
        state
            .burn_virtual(&delegator, &Coin::new(tokens, denom))
            .await?;
    }
    let remaining = if full {
        let dust = now.saturating_sub(tokens);
        if dust > 0 {
            state.reclassify_virtual(&Coin::new(dust, denom)).await?;
        }
        0
    } else {
        now.saturating_sub(tokens)
    };
    // `remaining` is at most `now` by construction (saturating above).
    let burned = now.saturating_sub(remaining);
    state.add_virtual_burned(burned).await?;
    state.put_virtual_stake(provider, operator, remaining)?;
    let validator = state.format_operator(operator).await?;
    state.record(event::unbond(provider, &validator, burned, remaining));
    Ok(())
}

/// Withdraws the rewards of `provider`'s virtual delegations into its delegator account and
/// returns them per validator (only non-zero amounts).
pub async fn withdraw_rewards<S: StateWrite>(
    state: &mut S,
    provider: &str,
) -> Result<Vec<(Address, u128)>, SdkError> {
    let delegator = provider_delegator(provider);
    let mut paid = Vec::new();
    for operator in state.virtual_stakes_of(provider).await?.into_keys() {
        if state.starting_info(&delegator, &operator).await?.is_none() {
            continue;
        }
        let amount = state
            .withdraw_delegation_rewards(&delegator, &operator)
            .await?;
        if amount > 0 {
            paid.push((operator, amount));
        }
    }
    Ok(paid)
}

/// After staking slashed `operator`: each provider's virtual delegation there is worth less.
/// Records the loss (its tokens were burned by the slash, so the supply takes them over from
/// the virtual supply) and returns it per provider, for the slash report.
pub async fn on_validator_slashed<S: StateWrite>(
    state: &mut S,
    operator: &Address,
) -> Result<Vec<(String, u128)>, SdkError> {
    let Some(validator) = state.validator(operator).await? else {
        return Ok(vec![]);
    };
    let denom = state.staking_params().await?.bond_denom;
    let mut losses = Vec::new();
    for ((provider, delegated_to), recorded) in state.all_virtual_stakes().await? {
        if delegated_to != *operator {
            continue;
        }
        let shares = state
            .delegation(&provider_delegator(&provider), operator)
            .await?;
        let worth = validator.tokens_for_shares(shares)?.min(recorded);
        let lost = recorded.saturating_sub(worth); // worth is capped at recorded
        if lost > 0 {
            state.reclassify_virtual(&Coin::new(lost, &denom)).await?;
            state.add_virtual_burned(lost).await?;
            state.put_virtual_stake(&provider, operator, worth)?;
        }
        losses.push((provider, lost));
    }
    Ok(losses)
}
