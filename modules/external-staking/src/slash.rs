//! Slashes reported by the consumer reach the stakers of the validator who were at stake at
//! the infraction (pending unbonds included) and, through the vault, their collateral; what the
//! vault cuts from our lien because another holder slashed is taken back here and burned on
//! the consumer.

use cnidarium::StateWrite;
use rmesh_core::{Address, Decimal, SdkError};
use rmesh_mesh_wire::{split_evenly, ProviderPacket, SlashInfo, WireCoin};
use rmesh_staking::StakingRead;
use rmesh_vault::VaultWrite;

use crate::error::ExternalStakingError;
use crate::event::external_staking as event;
use crate::history::ValidatorStatus;
use crate::pending::{lien_holder, send, PendingKind, PendingTx};
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

/// Applies the slashes of one `valset_update`. A validator the provider did not see active at
/// the infraction height is not slashed here (as the reference).
pub async fn apply_slashes<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    slashes: &[SlashInfo],
) -> Result<(), SdkError> {
    for slash in slashes {
        let ratio: Decimal = slash.slash_ratio.parse().map_err(|_| {
            ExternalStakingError::Wire(rmesh_mesh_wire::WireError::Malformed(format!(
                "slash ratio {:?} is not a decimal",
                slash.slash_ratio
            )))
        })?;
        let status = state
            .validator_status_at(consumer, &slash.address, slash.infraction_height)
            .await?;
        if status != Some(ValidatorStatus::Active) || ratio > Decimal::ONE {
            state.record(event(
                "slash_ignored",
                consumer,
                &[
                    ("validator", slash.address.clone()),
                    ("infraction_height", slash.infraction_height.to_string()),
                ],
            ));
            continue;
        }
        slash_stakers(state, consumer, slash, ratio).await?;
    }
    Ok(())
}

async fn slash_stakers<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    slash: &SlashInfo,
    ratio: Decimal,
) -> Result<(), SdkError> {
    let validator = &slash.address;
    let mut pool = state.pool(consumer, validator).await?;
    for (owner, mut record) in state.stakes_with(consumer, validator).await? {
        record.settle(&pool);
        let (from_stake, from_unbondings) = record.slash(ratio, slash.infraction_time);
        pool.total = pool.total.saturating_sub(from_stake);
        state.put_stake(consumer, validator, &owner, &record)?;
        let loss = from_stake + from_unbondings;
        if loss == 0 {
            continue;
        }
        let outcome = state.slash(&owner, &lien_holder(consumer), loss).await?;
        state.record(event(
            "slash",
            consumer,
            &[
                ("validator", validator.clone()),
                ("owner", owner.to_hex()),
                ("amount", outcome.slashed.to_string()),
                ("ratio", ratio.to_string()),
            ],
        ));
    }
    state.put_pool(consumer, validator, &pool)
}

/// Takes back what the vault cut from this consumer's lien: first from unbondings (already off
/// the consumer), then from stake, split evenly over the owner's validators and burned there.
pub async fn apply_vault_cuts<S: StateWrite>(
    state: &mut S,
    consumer: &str,
) -> Result<(), SdkError> {
    for (owner, cut) in state.take_cuts(&lien_holder(consumer)).await? {
        let mut remaining = cut;
        let validators = state.validators_of_owner(consumer, &owner).await?;
        for validator in &validators {
            if remaining == 0 {
                break;
            }
            let mut record = state.stake(consumer, validator, &owner).await?;
            let taken = record.cut_unbondings(remaining);
            if taken > 0 {
                remaining -= taken;
                state.put_stake(consumer, validator, &owner, &record)?;
            }
        }
        if remaining > 0 {
            burn_stake(state, consumer, &owner, &validators, remaining).await?;
        }
    }
    Ok(())
}

async fn burn_stake<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    owner: &Address,
    validators: &[String],
    wanted: u128,
) -> Result<(), SdkError> {
    let mut staked = Vec::with_capacity(validators.len());
    for validator in validators {
        staked.push(state.stake(consumer, validator, owner).await?.amount);
    }
    let amount = wanted.min(staked.iter().sum());
    let Some(shares) = split_evenly(amount, &staked).filter(|_| amount > 0) else {
        return Ok(());
    };
    let mut burned_at = vec![];
    for (validator, share) in validators.iter().zip(shares).filter(|(_, s)| *s > 0) {
        let mut pool = state.pool(consumer, validator).await?;
        let mut record = state.stake(consumer, validator, owner).await?;
        record.settle(&pool);
        record.amount -= share;
        record.unstaking = record.unstaking.min(record.amount);
        pool.total = pool.total.saturating_sub(share);
        state.put_stake(consumer, validator, owner, &record)?;
        state.put_pool(consumer, validator, &pool)?;
        burned_at.push(validator.clone());
    }
    let denom = state.staking_params().await?.bond_denom;
    let tx_id = state.next_tx_id().await?;
    let packet = ProviderPacket::Burn {
        validators: burned_at.clone(),
        burn: WireCoin::new(amount, denom),
    };
    let tx = PendingTx {
        kind: PendingKind::Burn,
        owner: *owner,
        validator: burned_at.join(","),
        amount,
    };
    send(state, consumer, tx_id, &tx, &packet).await
}
