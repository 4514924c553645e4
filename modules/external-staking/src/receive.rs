//! Packets from a consumer: each applied atomically and answered with the reference's ack.

use cnidarium::StateWrite;
use rmesh_auth::AccountRead;
use rmesh_core::coin::parse_uint;
use rmesh_core::store::answer_atomically;
use rmesh_core::SdkError;
use rmesh_mesh_wire::{error_ack, success_ack, ConsumerPacket, WireCoin, WireError};
use rmesh_staking::StakingRead;
use rmesh_vault::VaultWrite;

use crate::error::ExternalStakingError;
use crate::event::external_staking as event;
use crate::history::apply_valset_update;
use crate::pending::{lien_holder, settled};
use crate::slash::apply_slashes;
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

/// Applies a packet from `consumer`'s channel and returns the ack. A failing packet leaves no
/// trace: it runs in its own overlay, dropped on error.
pub async fn on_recv_packet<S: StateWrite>(state: &mut S, consumer: &str, data: &[u8]) -> Vec<u8> {
    answer_atomically(
        state,
        async |overlay| apply_packet(overlay, consumer, data).await,
        success_ack,
        error_ack,
    )
    .await
}

async fn apply_packet<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    data: &[u8],
) -> Result<(), SdkError> {
    state.existing_consumer(consumer).await?;
    match ConsumerPacket::parse(data).map_err(ExternalStakingError::from)? {
        ConsumerPacket::ValsetUpdate(update) => {
            apply_valset_update(state, consumer, &update).await?;
            apply_slashes(state, consumer, &update.slashed).await
        }
        ConsumerPacket::Distribute { validator, rewards } => {
            let amount = rewards.amount().map_err(ExternalStakingError::from)?;
            distribute(state, consumer, &validator, &rewards.denom, amount).await
        }
        ConsumerPacket::DistributeBatch { rewards, denom } => {
            for reward in rewards {
                let amount = parse_uint(&reward.reward).ok_or_else(|| {
                    ExternalStakingError::Wire(WireError::Malformed(format!(
                        "invalid reward {:?}",
                        reward.reward
                    )))
                })?;
                distribute(state, consumer, &reward.validator, &denom, amount).await?;
            }
            Ok(())
        }
        ConsumerPacket::InternalUnstake {
            delegator,
            validator,
            inverted_amount,
            ..
        } => internal_unstake(state, consumer, &delegator, &validator, &inverted_amount).await,
    }
}

/// Rewards for a validator's stakers, shared by points; the consumer pays in one denom.
async fn distribute<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    validator: &str,
    denom: &str,
    amount: u128,
) -> Result<(), SdkError> {
    match state.reward_denom(consumer).await? {
        Some(expected) if expected != denom => {
            return Err(ExternalStakingError::WrongRewardDenom {
                consumer: consumer.to_string(),
                expected,
                got: denom.to_string(),
            }
            .into())
        }
        Some(_) => {}
        None => state.put_reward_denom(consumer, denom)?,
    }
    let mut pool = state.pool(consumer, validator).await?;
    pool.add_reward(amount);
    state.put_pool(consumer, validator, &pool)?;
    state.record(event(
        "rewards",
        consumer,
        &[
            ("validator", validator.to_string()),
            ("amount", format!("{amount}{denom}")),
        ],
    ));
    Ok(())
}

/// Conversion to the consumer's denom and back loses at most one unit per leg (PROTOCOL.md).
const ROUND_TRIP_LOSS: u128 = 2;

/// The consumer drops whole positions; the amount it reports went through the price and back,
/// so a remainder within the round trip's rounding is released too rather than left stranded.
fn released_by_internal_unstake(reported: u128, staked: u128) -> u128 {
    if staked.saturating_sub(reported) <= ROUND_TRIP_LOSS {
        staked
    } else {
        reported
    }
}

/// The consumer dropped this stake (its cap went to zero): released at once, no unbonding.
async fn internal_unstake<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    delegator: &str,
    validator: &str,
    amount: &WireCoin,
) -> Result<(), SdkError> {
    let owner = state.parse_address(delegator).await?;
    let denom = state.staking_params().await?.bond_denom;
    let wanted = amount
        .amount_in(&denom)
        .map_err(ExternalStakingError::from)?;
    let (mut record, mut pool) = settled(state, consumer, validator, &owner).await?;
    if record.amount == 0 {
        return Err(ExternalStakingError::NoStake {
            consumer: consumer.to_string(),
            delegator: delegator.to_string(),
            validator: validator.to_string(),
        }
        .into());
    }
    let released = released_by_internal_unstake(wanted, record.amount);
    record.amount -= released;
    record.unstaking = record.unstaking.min(record.amount);
    pool.total = pool.total.saturating_sub(released);
    state.put_stake(consumer, validator, &owner, &record)?;
    state.put_pool(consumer, validator, &pool)?;
    state
        .release_lien(&owner, &lien_holder(consumer), released)
        .await?;
    state.record(event(
        "internal_unstake",
        consumer,
        &[
            ("validator", validator.to_string()),
            ("owner", delegator.to_string()),
            ("amount", released.to_string()),
        ],
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_unstake_releases_the_whole_stake_when_only_rounding_is_left() {
        assert_eq!(
            released_by_internal_unstake(49_999_999, 50_000_000),
            50_000_000
        );
        assert_eq!(
            released_by_internal_unstake(30_000_000, 50_000_000),
            30_000_000
        );
        assert_eq!(
            released_by_internal_unstake(60_000_000, 50_000_000),
            50_000_000
        );
    }
}
