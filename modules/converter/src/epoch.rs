//! The converter's part of an epoch: announce and hold the rewards, wind down providers whose
//! cap is zero or that are being removed, re-price every provider's stake at today's price and
//! hand the requests to virtual staking.

use std::collections::{BTreeMap, BTreeSet};

use cnidarium::StateWrite;
use rmesh_auth::AccountRead;
use rmesh_bank::BankWrite;
use rmesh_core::{Address, Coin, Coins, SdkError};
use rmesh_staking::{StakingHooks, StakingRead};
use rmesh_virtual_staking::{
    provider_delegator, ProviderRequest, VirtualStaking, VirtualStakingRead, VirtualStakingWrite,
};

use crate::event::converter as event;
use crate::packet::{ConsumerPacket, RewardInfo, WireCoin};
use crate::positions;
use crate::provider::{Provider, ProviderStatus};
use crate::view::{ConverterRead, ConverterWrite};
use crate::CONVERTER_ACCOUNT;

pub async fn end_epoch<S: StateWrite, H: StakingHooks>(state: &mut S) -> Result<(), SdkError> {
    let providers = state.all_providers().await?;
    let mut requests = Vec::with_capacity(providers.len());
    for provider in &providers {
        collect_rewards(state, provider).await?;
        if provider.cap == 0 || provider.status == ProviderStatus::Closing {
            wind_down(state, provider).await?;
        } else {
            requests.push(request_of(state, provider).await?);
        }
    }
    state.rebalance::<H>(&requests).await?;
    for provider in &providers {
        // The authority's channel close removes its provider itself (`close::advance`).
        if provider.status == ProviderStatus::Closing && provider.channel_close.is_none() {
            remove_if_done(state, provider).await?;
        }
    }
    VirtualStaking::end_epoch(state).await
}

/// Withdraws the rewards of the provider's virtual stake, holds them for its stakers and
/// announces them per validator in one `distribute_batch`.
async fn collect_rewards<S: StateWrite>(
    state: &mut S,
    provider: &Provider,
) -> Result<(), SdkError> {
    let paid = state.withdraw_virtual_rewards(&provider.id).await?;
    let total: u128 = paid.iter().map(|(_, amount)| amount).sum();
    if total == 0 {
        return Ok(());
    }
    let denom = state.staking_params().await?.bond_denom;
    let mut coins = Coins::new();
    coins.add(&Coin::new(total, denom.clone()))?;
    state
        .send(
            &provider_delegator(&provider.id),
            &Address::module(CONVERTER_ACCOUNT),
            &coins,
        )
        .await?;
    let held = state.held_rewards(&provider.id).await?;
    state.put_held_rewards(&provider.id, held.saturating_add(total))?;
    let mut rewards = Vec::with_capacity(paid.len());
    for (operator, amount) in paid {
        rewards.push(RewardInfo {
            validator: state.format_operator(&operator).await?,
            reward: amount.to_string(),
        });
    }
    state
        .queue_packet(
            &provider.id,
            &ConsumerPacket::DistributeBatch {
                rewards,
                denom: denom.clone(),
            },
        )
        .await?;
    state.record(event(
        "rewards",
        &provider.id,
        &[("amount", format!("{total}{denom}"))],
    ));
    Ok(())
}

/// Every position ends with an `internal_unstake`: its value now in our denom, and the exact
/// provider-denom amount we hold (converting that value back would round a unit short and
/// leave it staked on the provider); the virtual stake goes with the rebalance that follows.
/// A burn still unattributed then (several delegators share the validator) stays in its
/// owner's position, so that owner is asked for more than it has left and the provider
/// releases all of it; nobody is asked for less.
async fn wind_down<S: StateWrite>(state: &mut S, provider: &Provider) -> Result<(), SdkError> {
    let denom = state.staking_params().await?.bond_denom;
    let mut validators: BTreeSet<Address> =
        state.staked_of(&provider.id).await?.into_keys().collect();
    validators.extend(state.unattributed_burns_of(&provider.id).await?.into_keys());
    for operator in validators {
        for (delegator, amount) in positions::close(state, &provider.id, &operator).await? {
            if provider.channel_id.is_none() {
                continue;
            }
            let packet = ConsumerPacket::InternalUnstake {
                delegator: delegator.clone(),
                validator: state.format_operator(&operator).await?,
                normalize_amount: WireCoin::new(provider.to_local(amount), &denom),
                inverted_amount: WireCoin::new(amount, &provider.remote_denom),
            };
            state.queue_packet(&provider.id, &packet).await?;
            state.record(event(
                "internal_unstake",
                &provider.id,
                &[("delegator", delegator), ("amount", amount.to_string())],
            ));
        }
    }
    Ok(())
}

/// What the provider's stake with each validator is worth at the current price.
async fn request_of<S: StateWrite>(
    state: &S,
    provider: &Provider,
) -> Result<ProviderRequest, SdkError> {
    let per_validator: BTreeMap<Address, u128> = state
        .staked_of(&provider.id)
        .await?
        .into_iter()
        .map(|(operator, staked)| (operator, provider.to_local(staked)))
        .collect();
    Ok(ProviderRequest {
        provider: provider.id.clone(),
        cap: provider.cap,
        per_validator,
    })
}

/// A removed provider disappears once nothing of it is left to deliver or pay.
async fn remove_if_done<S: StateWrite>(state: &mut S, provider: &Provider) -> Result<(), SdkError> {
    let done = state.outbox(&provider.id).await?.is_empty()
        && state.held_rewards(&provider.id).await? == 0
        && state.virtual_stakes_of(&provider.id).await?.is_empty();
    if done {
        if let Some(channel) = &provider.channel_id {
            state.unbind_channel(channel)?;
        }
        state.delete_provider(&provider.id)?;
        state.record(event("removed", &provider.id, &[]));
    }
    Ok(())
}
