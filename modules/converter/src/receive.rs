//! Packets from providers: each applied atomically and answered with the reference's ack.

use cnidarium::StateWrite;
use rmesh_auth::AccountRead;
use rmesh_bank::BankWrite;
use rmesh_core::store::answer_atomically;
use rmesh_core::{Address, Coin, Coins, SdkError};
use rmesh_staking::StakingRead;
use rmesh_virtual_staking::VirtualStakingRead;

use crate::error::ConverterError;
use crate::event::converter as event;
use crate::packet::{burn_targets, split_burn};
use crate::packet::{error_ack, success_ack, ProviderPacket, WireCoin};
use crate::positions;
use crate::provider::{Provider, ProviderStatus};
use crate::view::{ConverterRead, ConverterWrite};
use crate::CONVERTER_ACCOUNT;

/// Applies a packet from `provider`'s channel and returns the ack. A failing packet leaves no
/// trace: it runs in its own overlay, dropped on error.
pub async fn on_recv_packet<S: StateWrite>(state: &mut S, provider: &str, data: &[u8]) -> Vec<u8> {
    answer_atomically(
        state,
        async |overlay| apply_packet(overlay, provider, data).await,
        success_ack,
        error_ack,
    )
    .await
}

async fn apply_packet<S: StateWrite>(
    state: &mut S,
    provider: &str,
    data: &[u8],
) -> Result<(), SdkError> {
    let provider = state.existing_provider(provider).await?;
    match ProviderPacket::parse(data).map_err(ConverterError::from)? {
        ProviderPacket::Stake {
            delegator,
            validator,
            stake,
            tx_id,
        } => on_stake(state, &provider, &delegator, &validator, &stake, tx_id).await,
        ProviderPacket::Unstake {
            delegator,
            validator,
            unstake,
            tx_id,
        } => on_unstake(state, &provider, &delegator, &validator, &unstake, tx_id).await,
        ProviderPacket::Burn { validators, burn } => {
            on_burn(state, &provider, &validators, &burn).await
        }
        ProviderPacket::TransferRewards {
            rewards,
            recipient,
            tx_id,
        } => on_transfer_rewards(state, &provider, &rewards, &recipient, tx_id).await,
    }
}

fn positive(coin: &WireCoin, denom: &str) -> Result<u128, SdkError> {
    match coin.amount_in(denom).map_err(ConverterError::from)? {
        0 => Err(ConverterError::MalformedPacket("amount must be positive".into()).into()),
        amount => Ok(amount),
    }
}

/// Provider addresses are opaque to us, but they become part of our keys.
fn check_delegator(delegator: &str) -> Result<(), ConverterError> {
    let fine = !delegator.is_empty()
        && delegator.len() <= 256
        && !delegator.chars().any(|c| c == '/' || c.is_control());
    fine.then_some(())
        .ok_or_else(|| ConverterError::MalformedPacket(format!("invalid delegator {delegator:?}")))
}

/// A validator that may receive new stake: known, not jailed, not tombstoned.
async fn stakeable_validator<S: StateWrite>(state: &S, text: &str) -> Result<Address, SdkError> {
    let operator = state.parse_operator(text).await?;
    let unavailable = |why| ConverterError::ValidatorUnavailable(text.to_string(), why);
    let validator = state
        .validator(&operator)
        .await?
        .ok_or_else(|| unavailable("unknown validator"))?;
    if state.is_tombstoned(&operator).await? {
        return Err(unavailable("tombstoned").into());
    }
    if validator.jailed {
        return Err(unavailable("jailed").into());
    }
    Ok(operator)
}

async fn on_stake<S: StateWrite>(
    state: &mut S,
    provider: &Provider,
    delegator: &str,
    validator: &str,
    stake: &WireCoin,
    tx_id: u64,
) -> Result<(), SdkError> {
    if provider.status != ProviderStatus::Active {
        return Err(ConverterError::ProviderNotActive(provider.id.clone()).into());
    }
    let amount = positive(stake, &provider.remote_denom)?;
    check_delegator(delegator)?;
    let operator = stakeable_validator(state, validator).await?;
    let held = state.position(&provider.id, &operator, delegator).await?;
    let total = held
        .checked_add(amount)
        .ok_or_else(|| ConverterError::MalformedPacket("stake overflows".into()))?;
    state
        .put_position(&provider.id, &operator, delegator, total)
        .await?;
    state.record(event(
        "stake",
        &provider.id,
        &[
            ("delegator", delegator.to_string()),
            ("validator", validator.to_string()),
            ("amount", amount.to_string()),
            ("position", total.to_string()),
            ("tx_id", tx_id.to_string()),
        ],
    ));
    Ok(())
}

/// Unstake is immediate here (the provider runs the unbonding period). The provider's stake
/// with the validator shrinks by exactly the amount (`positions::unstake`).
async fn on_unstake<S: StateWrite>(
    state: &mut S,
    provider: &Provider,
    delegator: &str,
    validator: &str,
    unstake: &WireCoin,
    tx_id: u64,
) -> Result<(), SdkError> {
    let amount = positive(unstake, &provider.remote_denom)?;
    check_delegator(delegator)?;
    let operator = state.parse_operator(validator).await?;
    if state.position(&provider.id, &operator, delegator).await? == 0 {
        return Err(ConverterError::NoPosition {
            provider: provider.id.clone(),
            delegator: delegator.to_string(),
            validator: validator.to_string(),
        }
        .into());
    }
    let (own, from_others) =
        positions::unstake(state, &provider.id, &operator, delegator, amount).await?;
    let left = state.position(&provider.id, &operator, delegator).await?;
    state.record(event(
        "unstake",
        &provider.id,
        &[
            ("delegator", delegator.to_string()),
            ("validator", validator.to_string()),
            ("amount", (own + from_others).to_string()),
            ("from_other_positions", from_others.to_string()),
            ("requested", amount.to_string()),
            ("position", left.to_string()),
            ("tx_id", tx_id.to_string()),
        ],
    ));
    Ok(())
}

/// A provider-side slash propagated as a burn of the listed validators' stake: split as the
/// provider split it (`split_burn`), each share held against its validator until it can be
/// attributed (`positions::burn`); the virtual stake follows at the next epoch.
async fn on_burn<S: StateWrite>(
    state: &mut S,
    provider: &Provider,
    validators: &[String],
    burn: &WireCoin,
) -> Result<(), SdkError> {
    let amount = positive(burn, &provider.remote_denom)?;
    let mut operators = Vec::with_capacity(validators.len());
    for text in validators {
        operators.push(state.parse_operator(text).await?);
    }
    let keys: Vec<String> = operators.iter().map(Address::to_hex).collect();
    let (distinct, remainder_to) = burn_targets(&keys).map_err(|_| {
        ConverterError::MalformedPacket(format!(
            "{validators:?} names a validator twice other than for the remainder (last entry)"
        ))
    })?;
    let mut targets = Vec::with_capacity(distinct.len());
    for key in &distinct {
        let index = keys.iter().position(|k| k == key).unwrap_or_default();
        let staked = state.staked(&provider.id, &operators[index]).await?;
        targets.push((operators[index], &validators[index], staked));
    }
    let staked: Vec<u128> = targets.iter().map(|(_, _, staked)| *staked).collect();
    let shares =
        split_burn(amount, &staked, remainder_to).ok_or(ConverterError::BurnExceedsStake {
            wanted: amount,
            available: staked.iter().sum(),
        })?;
    for ((operator, text, _), share) in targets.into_iter().zip(shares) {
        if share == 0 {
            continue;
        }
        positions::burn(state, &provider.id, &operator, share).await?;
        state.record(event(
            "burn",
            &provider.id,
            &[("validator", text.clone()), ("amount", share.to_string())],
        ));
    }
    Ok(())
}

/// Pays rewards the converter holds for this provider to a local account.
async fn on_transfer_rewards<S: StateWrite>(
    state: &mut S,
    provider: &Provider,
    rewards: &WireCoin,
    recipient: &str,
    tx_id: u64,
) -> Result<(), SdkError> {
    let denom = state.staking_params().await?.bond_denom;
    let amount = positive(rewards, &denom)?;
    let to = state.parse_address(recipient).await?;
    let held = state.held_rewards(&provider.id).await?;
    if held < amount {
        return Err(ConverterError::InsufficientRewards {
            provider: provider.id.clone(),
            wanted: amount,
            held,
        }
        .into());
    }
    let mut coins = Coins::new();
    coins.add(&Coin::new(amount, denom))?;
    state
        .send(&Address::module(CONVERTER_ACCOUNT), &to, &coins)
        .await?;
    state.put_held_rewards(&provider.id, held - amount)?;
    state.record(event(
        "transfer_rewards",
        &provider.id,
        &[
            ("recipient", recipient.to_string()),
            ("amount", amount.to_string()),
            ("tx_id", tx_id.to_string()),
        ],
    ));
    Ok(())
}
