//! The consumer's books of one provider's stake with one validator, in the provider's denom:
//! a position per provider delegator, and the burns the provider made there that no packet
//! attributed to a delegator (a `burn` names validators, never the owner whose vault was cut).
//!
//! `staked` = positions − unattributed burns, and it always equals the provider's own total
//! with the validator: stakes add, unstakes and burns subtract exactly what the provider does,
//! and a slash subtracts exactly what we report to it. A burn therefore never leaves virtual
//! stake that no collateral backs. Positions are upper bounds of each delegator's stake on the
//! provider while a burn is unattributed (its owner's position still counts it); the burn is
//! settled onto positions as soon as its owner is certain: when one position is left it bore
//! the burn, and when nothing is staked any more no position is left either. An unstake never
//! exceeds the provider's stake, so it takes at most the whole position and, should a rounding
//! difference have put the position below the provider's stake, the excess from the validator's
//! other positions.

use cnidarium::StateWrite;
use rmesh_core::{Address, Decimal, SdkError};
use rmesh_mesh_wire::pro_rata;

use crate::error::ConverterError;
use crate::view::{ConverterRead, ConverterWrite};

/// Takes `amount` from the positions with `operator` other than `except`'s, pro rata.
async fn reduce_others<S: StateWrite>(
    state: &mut S,
    provider: &str,
    operator: &Address,
    except: &str,
    amount: u128,
) -> Result<(), SdkError> {
    let others: Vec<(String, u128)> = state
        .positions_with(provider, operator)
        .await?
        .into_iter()
        .filter(|((_, delegator), _)| delegator != except)
        .map(|((_, delegator), held)| (delegator, held))
        .collect();
    let weights: Vec<u128> = others.iter().map(|(_, held)| *held).collect();
    let cuts = pro_rata(amount, &weights).ok_or_else(|| {
        SdkError::Internal(format!(
            "the positions with {operator:?} hold less than their validator's stake"
        ))
    })?;
    for ((delegator, held), cut) in others.iter().zip(cuts) {
        if cut > 0 {
            state
                .put_position(provider, operator, delegator, held - cut)
                .await?;
        }
    }
    Ok(())
}

/// A burn of `amount` the provider made at `operator` for an owner it does not name.
pub async fn burn<S: StateWrite>(
    state: &mut S,
    provider: &str,
    operator: &Address,
    amount: u128,
) -> Result<(), SdkError> {
    let staked = state.staked(provider, operator).await?;
    if amount > staked {
        return Err(ConverterError::BurnExceedsStake {
            wanted: amount,
            available: staked,
        }
        .into());
    }
    let unattributed = state.unattributed_burn(provider, operator).await?;
    state
        .put_unattributed_burn(provider, operator, unattributed + amount)
        .await?;
    settle(state, provider, operator).await
}

/// `delegator` unstakes `amount` at `operator` (the provider holds at least that for it).
/// Returns (taken from its position, taken from others).
pub async fn unstake<S: StateWrite>(
    state: &mut S,
    provider: &str,
    operator: &Address,
    delegator: &str,
    amount: u128,
) -> Result<(u128, u128), SdkError> {
    let held = state.position(provider, operator, delegator).await?;
    let staked = state.staked(provider, operator).await?;
    let taken = amount.min(staked);
    let own = taken.min(held);
    state
        .put_position(provider, operator, delegator, held - own)
        .await?;
    let excess = taken - own;
    if excess > 0 {
        reduce_others(state, provider, operator, delegator, excess).await?;
    }
    settle(state, provider, operator).await?;
    Ok((own, excess))
}

/// A slash of `fraction` at `operator`: each position loses `fraction` of itself (floored, in
/// the provider's denom, as the provider cuts each staker), unattributed burns shrink with the
/// stake they stood for, and the provider's stake there shrinks by the returned amount, which
/// is what it is told.
pub async fn slash<S: StateWrite>(
    state: &mut S,
    provider: &str,
    operator: &Address,
    fraction: Decimal,
) -> Result<u128, SdkError> {
    let losses: Vec<(String, u128, u128)> = state
        .positions_with(provider, operator)
        .await?
        .into_iter()
        .map(|((_, delegator), held)| {
            let loss = fraction.mul_floor(held).unwrap_or(held).min(held);
            (delegator, held, loss)
        })
        .collect();
    let cut: u128 = losses.iter().map(|(_, _, loss)| loss).sum();
    let unattributed = state.unattributed_burn(provider, operator).await?;
    let shrink = fraction
        .mul_floor(unattributed)
        .unwrap_or(unattributed)
        .min(cut);
    // The unattributed part first, so the validator's sum never drops below its parts.
    if shrink > 0 {
        state
            .put_unattributed_burn(provider, operator, unattributed - shrink)
            .await?;
    }
    for (delegator, held, loss) in losses {
        if loss > 0 {
            state
                .put_position(provider, operator, &delegator, held - loss)
                .await?;
        }
    }
    settle(state, provider, operator).await?;
    Ok(cut - shrink)
}

/// Settles unattributed burns onto positions once their owner is certain.
pub async fn settle<S: StateWrite>(
    state: &mut S,
    provider: &str,
    operator: &Address,
) -> Result<(), SdkError> {
    let unattributed = state.unattributed_burn(provider, operator).await?;
    if unattributed == 0 {
        return Ok(());
    }
    let held: Vec<(String, u128)> = state
        .positions_with(provider, operator)
        .await?
        .into_iter()
        .filter(|(_, amount)| *amount > 0)
        .map(|((_, delegator), amount)| (delegator, amount))
        .collect();
    let nothing_staked = state.staked(provider, operator).await? == 0;
    if !nothing_staked && held.len() > 1 {
        return Ok(());
    }
    // Unattributed burns first, so the validator's sum never drops below its parts.
    state.put_unattributed_burn(provider, operator, 0).await?;
    for (delegator, amount) in held {
        let left = if nothing_staked {
            0
        } else {
            amount - unattributed
        };
        state
            .put_position(provider, operator, &delegator, left)
            .await?;
    }
    Ok(())
}

/// Empties the books with `operator` (a wind-down): returns what each position held.
pub async fn close<S: StateWrite>(
    state: &mut S,
    provider: &str,
    operator: &Address,
) -> Result<Vec<(String, u128)>, SdkError> {
    settle(state, provider, operator).await?;
    state.put_unattributed_burn(provider, operator, 0).await?;
    let mut closed = vec![];
    for ((_, delegator), amount) in state.positions_with(provider, operator).await? {
        if amount > 0 {
            state
                .put_position(provider, operator, &delegator, 0)
                .await?;
            closed.push((delegator, amount));
        }
    }
    Ok(closed)
}
