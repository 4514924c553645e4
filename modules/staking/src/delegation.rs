//! Delegating, unbonding and redelegating: the token movements between accounts and the two
//! pools, and the share bookkeeping on validators and delegations.

use cnidarium::StateWrite;
use rmesh_auth::AccountRead;
use rmesh_bank::BankWrite;
use rmesh_core::{Address, BlockContextExt, Coin, Coins, Decimal, SdkError};

use crate::error::StakingError;
use crate::event;
use crate::hooks::StakingHooks;
use crate::state_key;
use crate::validator::{BondStatus, RedelegationEntry, UnbondingEntry, Validator};
use crate::view::{StakingRead, StakingWrite};
use crate::StoreWriteExt;

/// Module accounts holding bonded and not-bonded (unbonding) tokens, as in the SDK.
pub const BONDED_POOL: &str = "bonded_tokens_pool";
pub const NOT_BONDED_POOL: &str = "not_bonded_tokens_pool";

pub fn pool_for(status: BondStatus) -> Address {
    match status {
        BondStatus::Bonded => Address::module(BONDED_POOL),
        _ => Address::module(NOT_BONDED_POOL),
    }
}

async fn bond_coins<S: StateWrite + ?Sized>(state: &S, amount: u128) -> Result<Coins, SdkError> {
    let denom = state.staking_params().await?.bond_denom;
    let mut coins = Coins::new();
    coins.add(&Coin::new(amount, denom))?;
    Ok(coins)
}

/// Moves `amount` bond-denom tokens between two accounts (no-op for zero or same account).
pub async fn move_tokens<S: StateWrite + ?Sized>(
    state: &mut S,
    from: &Address,
    to: &Address,
    amount: u128,
) -> Result<(), SdkError> {
    if amount == 0 || from == to {
        return Ok(());
    }
    let coins = bond_coins(state, amount).await?;
    state.send(from, to, &coins).await
}

/// Adds `tokens` held at `from` to `delegator`'s stake with `operator`: moves them into the
/// validator's pool, mints shares and tells the subscribers (a new delegation as created, an
/// existing one as modified). Delegating, redelegating, cancelling an unbonding, virtual
/// staking and the vault's local staking all end here. Returns the shares minted.
pub async fn add_stake<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    delegator: &Address,
    operator: &Address,
    from: &Address,
    tokens: u128,
) -> Result<Decimal, SdkError> {
    let mut validator = state.existing_validator(operator).await?;
    let held = state.delegation(delegator, operator).await?;
    if held.is_zero() {
        H::before_delegation_created(state, delegator, operator).await?;
    } else {
        H::before_delegation_modified(state, delegator, operator).await?;
    }
    move_tokens(state, from, &pool_for(validator.status), tokens).await?;
    let shares = validator.add_tokens(tokens)?;
    state.put_validator(&validator).await?;
    H::after_validator_modified(state, &validator).await?;
    let total = Decimal::from_atomics(held.atomics().saturating_add(shares.atomics()));
    state.put_delegation(delegator, operator, total)?;
    H::after_delegation_modified(state, delegator, operator).await?;
    Ok(shares)
}

/// Bonds `amount` of the delegator's tokens to `operator`; returns the shares minted.
pub async fn delegate<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    delegator: &Address,
    operator: &Address,
    amount: u128,
) -> Result<Decimal, SdkError> {
    let shares = add_stake::<S, H>(state, delegator, operator, delegator, amount).await?;
    let (validator_text, delegator_text) = (
        state.format_operator(operator).await?,
        state.format_address(delegator).await?,
    );
    let coins = bond_coins(state, amount).await?.to_string();
    state.record(event::delegate(
        &validator_text,
        &delegator_text,
        &coins,
        &shares.to_string(),
    ));
    Ok(shares)
}

/// The shares worth `amount` tokens of an existing delegation, refusing more than it holds.
async fn shares_to_unbond<S: StateWrite + ?Sized>(
    state: &S,
    delegator: &Address,
    validator: &Validator,
    amount: u128,
) -> Result<Decimal, SdkError> {
    let held = state.delegation(delegator, &validator.operator).await?;
    if held.is_zero() {
        return Err(StakingError::NoDelegation.into());
    }
    let shares = validator.shares_for_tokens(amount)?;
    if shares > held {
        return Err(SdkError::InvalidRequest(format!(
            "invalid shares amount: {amount} is more than the delegation's {} tokens",
            validator.tokens_for_shares(held)?
        )));
    }
    // Unbonding everything that rounds to the whole delegation takes all of it (no dust).
    if validator.tokens_for_shares(held)? == amount {
        return Ok(held);
    }
    Ok(shares)
}

/// Removes shares from a delegation and its validator; returns the tokens they were worth.
/// A validator whose operator falls below its minimum self-delegation is jailed, as in the SDK.
async fn unbond_shares<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    delegator: &Address,
    operator: &Address,
    shares: Decimal,
) -> Result<(u128, Validator), SdkError> {
    let mut validator = state.existing_validator(operator).await?;
    H::before_delegation_modified(state, delegator, operator).await?;
    let held = state.delegation(delegator, operator).await?;
    let remaining = held
        .checked_sub(shares)
        .ok_or(StakingError::NotEnoughDelegationShares)?;
    state.put_delegation(delegator, operator, remaining)?;
    let tokens = validator.remove_shares(shares)?;
    if delegator == operator && !validator.jailed {
        let self_bond = validator.tokens_for_shares(remaining)?;
        if self_bond < validator.min_self_delegation {
            validator.jailed = true;
            H::after_validator_jailed(state, &validator).await?;
        }
    }
    state.put_validator(&validator).await?;
    H::after_validator_modified(state, &validator).await?;
    if !remaining.is_zero() {
        H::after_delegation_modified(state, delegator, operator).await?;
    }
    Ok((tokens, validator))
}

/// Starts unbonding `amount` tokens: they leave the validator now and reach the delegator when
/// the unbonding period has passed. Returns the completion time (unix nanos).
pub async fn undelegate<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    delegator: &Address,
    operator: &Address,
    amount: u128,
) -> Result<u64, SdkError> {
    let params = state.staking_params().await?;
    let validator = state.existing_validator(operator).await?;
    let mut entries = state.unbonding(delegator, operator).await?;
    if entries.len() >= params.max_entries as usize {
        return Err(StakingError::MaxUnbondingDelegationEntries {
            max: params.max_entries,
        }
        .into());
    }
    let shares = shares_to_unbond(state, delegator, &validator, amount).await?;
    let (tokens, validator) = unbond_shares::<S, H>(state, delegator, operator, shares).await?;
    if validator.status == BondStatus::Bonded {
        move_tokens(
            state,
            &Address::module(BONDED_POOL),
            &Address::module(NOT_BONDED_POOL),
            tokens,
        )
        .await?;
    }
    let context = state.block_context();
    let completion = context
        .unix_nanos()
        .saturating_add(params.unbonding_nanos());
    entries.push(UnbondingEntry {
        creation_height: context.height,
        completion_time_nanos: completion,
        initial_balance: tokens,
        balance: tokens,
    });
    state.put_unbonding(delegator, operator, &entries)?;
    state.put_marker(state_key::unbonding_queue(completion, delegator, operator))?;
    let (validator_text, delegator_text) = (
        state.format_operator(operator).await?,
        state.format_address(delegator).await?,
    );
    let coins = bond_coins(state, tokens).await?.to_string();
    state.record(event::unbond(
        &validator_text,
        &delegator_text,
        &coins,
        completion,
    ));
    Ok(completion)
}

/// Unbonds `shares` with no unbonding period and returns the tokens to the delegator at once.
/// Only for trusted modules (virtual staking), never reachable from a user message.
pub async fn instant_undelegate<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    delegator: &Address,
    operator: &Address,
    shares: Decimal,
) -> Result<u128, SdkError> {
    let (tokens, validator) = unbond_shares::<S, H>(state, delegator, operator, shares).await?;
    move_tokens(state, &pool_for(validator.status), delegator, tokens).await?;
    Ok(tokens)
}

/// Moves `amount` tokens of stake from `source` to `destination` without unbonding; the entry
/// keeps the moved stake slashable for `source`'s infractions until the unbonding period ends.
pub async fn redelegate<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    delegator: &Address,
    source: &Address,
    destination: &Address,
    amount: u128,
) -> Result<u64, SdkError> {
    if source == destination {
        return Err(StakingError::SelfRedelegation.into());
    }
    let params = state.staking_params().await?;
    let source_validator = state
        .validator(source)
        .await?
        .ok_or(StakingError::BadRedelegationSrc)?;
    if state.validator(destination).await?.is_none() {
        return Err(StakingError::BadRedelegationDst.into());
    }
    if has_incoming_redelegation(state, delegator, source).await? {
        return Err(StakingError::TransitiveRedelegation.into());
    }
    let mut entries = state.redelegation(delegator, source, destination).await?;
    if entries.len() >= params.max_entries as usize {
        return Err(StakingError::MaxRedelegationEntries {
            max: params.max_entries,
        }
        .into());
    }
    let shares = shares_to_unbond(state, delegator, &source_validator, amount).await?;
    let (tokens, source_validator) =
        unbond_shares::<S, H>(state, delegator, source, shares).await?;
    let source_pool = pool_for(source_validator.status);
    let shares_dst = add_stake::<S, H>(state, delegator, destination, &source_pool, tokens).await?;
    let context = state.block_context();
    let completion = context
        .unix_nanos()
        .saturating_add(params.unbonding_nanos());
    if source_validator.status != BondStatus::Unbonded {
        entries.push(RedelegationEntry {
            creation_height: context.height,
            completion_time_nanos: completion,
            initial_balance: tokens,
            shares_dst,
        });
        state.put_redelegation(delegator, source, destination, &entries)?;
        state.put_marker(state_key::redelegation_queue(
            completion,
            delegator,
            source,
            destination,
        ))?;
    }
    let (source_text, destination_text) = (
        state.format_operator(source).await?,
        state.format_operator(destination).await?,
    );
    let delegator_text = state.format_address(delegator).await?;
    let coins = bond_coins(state, tokens).await?.to_string();
    state.record(event::redelegate(
        &source_text,
        &destination_text,
        &delegator_text,
        &coins,
    ));
    Ok(completion)
}

/// Whether stake that `delegator` redelegated *to* `validator` is still maturing (the SDK forbids
/// hopping it onwards, so a slash can always find it).
async fn has_incoming_redelegation<S: StateWrite + ?Sized>(
    state: &S,
    delegator: &Address,
    validator: &Address,
) -> Result<bool, SdkError> {
    for candidate in state.all_validators().await? {
        let entries = state
            .redelegation(delegator, &candidate.operator, validator)
            .await?;
        if !entries.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}
