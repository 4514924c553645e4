//! The authority's close of a provider's channel, advanced at the end of every block. The
//! reference provider refuses a close the consumer starts (its end stays open and would keep
//! the cross-stake), so nothing may depend on the close itself: everything is released over the
//! open channel first.
//!
//! 1. `MsgCloseChannel` marks the provider closing (no new stake) with a grace period.
//! 2. The next epoch unstakes every position on the provider (`internal_unstake`, exact
//!    provider-denom amounts), announces the last rewards and unbonds the virtual stake.
//! 3. Once nothing is staked and the provider acknowledged every such packet, the grace period
//!    starts: stakers withdraw the rewards we hold with `transfer_rewards`.
//! 4. When it ends (or nothing is held any more), what is left goes to the community pool and
//!    ChanCloseInit runs with the authority's one-channel permit; the provider is removed.
//!
//! If the provider's end never confirms the close, it stays open; that is harmless, as nothing
//! is staked or held for it any more.

use cnidarium::{StateDelta, StateWrite};
use ibc_proto::ibc::core::channel::v1::MsgChannelCloseInit;
use rmesh_core::store::keep_overlay;
use rmesh_core::{Address, BlockContextExt, MsgHandler, SdkError, StoreWrite};
use rmesh_distribution::DistributionWrite;
use rmesh_ibc::{AppModules, IbcHandler};
use rmesh_virtual_staking::VirtualStakingRead;

use crate::event::converter as event;
use crate::ibc_app::PORT;
use crate::packet::ConsumerPacket;
use crate::provider::Provider;
use crate::state_key;
use crate::view::{ConverterRead, ConverterWrite};
use crate::CONVERTER_ACCOUNT;

/// Moves every provider whose channel the authority is closing one step further.
pub async fn advance<S: StateWrite, A: AppModules>(state: &mut S) -> Result<(), SdkError> {
    let now = u64::try_from(state.block_context().time_seconds).unwrap_or(0);
    for mut provider in state.all_providers().await? {
        let (Some(mut close), Some(channel)) =
            (provider.channel_close.clone(), provider.channel_id.clone())
        else {
            continue;
        };
        let ends_at = match close.grace_ends_at {
            Some(ends_at) => ends_at,
            None if released(state, &provider).await? => {
                let ends_at = now.saturating_add(close.grace_seconds);
                close.grace_ends_at = Some(ends_at);
                provider.channel_close = Some(close);
                state.put_provider(&provider)?;
                state.record(event(
                    "channel_close_grace",
                    &provider.id,
                    &[("ends_at", ends_at.to_string())],
                ));
                ends_at
            }
            None => continue,
        };
        let held = state.held_rewards(&provider.id).await?;
        if now >= ends_at || held == 0 {
            hand_over_rewards(state, &provider, held).await?;
            close_channel::<S, A>(state, &provider, &channel).await?;
        }
    }
    Ok(())
}

/// Nothing of the provider's stake is left here or unacknowledged there: no position, no
/// virtual stake, and no forced unstake or reward announcement waiting for its ack (validator
/// updates do not hold the close up).
async fn released<S: StateWrite>(state: &S, provider: &Provider) -> Result<bool, SdkError> {
    let staked = state.staked_of(&provider.id).await?;
    if staked.values().any(|amount| *amount > 0) {
        return Ok(false);
    }
    if !state.virtual_stakes_of(&provider.id).await?.is_empty() {
        return Ok(false);
    }
    let waiting = state.outbox(&provider.id).await?.into_iter().any(|packet| {
        !matches!(
            ConsumerPacket::parse(packet.data.as_bytes()),
            Ok(ConsumerPacket::ValsetUpdate(_))
        )
    });
    Ok(!waiting)
}

/// Rewards nobody withdrew in the grace period go to the community pool.
async fn hand_over_rewards<S: StateWrite>(
    state: &mut S,
    provider: &Provider,
    held: u128,
) -> Result<(), SdkError> {
    if held == 0 {
        return Ok(());
    }
    state
        .fund_community_pool(&Address::module(CONVERTER_ACCOUNT), held)
        .await?;
    state.put_held_rewards(&provider.id, 0)?;
    state.record(event(
        "rewards_to_community_pool",
        &provider.id,
        &[("amount", held.to_string())],
    ));
    Ok(())
}

/// ChanCloseInit on our end with the authority's permit for this one channel. A close IBC
/// refuses (say the connection is gone) is reported and tried again next block; it never
/// halts the chain.
async fn close_channel<S: StateWrite, A: AppModules>(
    state: &mut S,
    provider: &Provider,
    channel: &str,
) -> Result<(), SdkError> {
    let authority = state.mesh_authority().await?;
    let mut attempt = StateDelta::new(&mut *state);
    let permit = state_key::authority_close(channel);
    attempt.put_json(permit.clone(), &authority)?;
    let close = MsgChannelCloseInit {
        port_id: PORT.to_string(),
        channel_id: channel.to_string(),
        signer: authority,
    };
    match <IbcHandler<MsgChannelCloseInit, A> as MsgHandler>::execute(&mut attempt, &close).await {
        Ok(_) => {
            attempt.delete_key(permit)?;
            keep_overlay(attempt);
        }
        Err(err) => {
            drop(attempt);
            state.record(event(
                "channel_close_failed",
                &provider.id,
                &[
                    ("channel_id", channel.to_string()),
                    ("reason", err.to_string()),
                ],
            ));
        }
    }
    Ok(())
}
