//! Slashes reported by the consumer reach the stakers of the validator who were at stake at
//! the infraction (pending unbonds included) and, through the vault, their collateral; what the
//! vault cuts from our lien because another holder slashed is taken back here and burned on
//! the consumer, one validator per `burn` packet.

use cnidarium::StateWrite;
use rmesh_core::{Address, Decimal, SdkError};
use rmesh_mesh_wire::{pro_rata, split_burn, ProviderPacket, SlashInfo, WireCoin};
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

/// Each stake's cut for a slash the consumer reports as `reported` in total: `ratio` of the
/// stake (floored, as the consumer cuts each position), the sum then brought to the reported
/// amount (at most the stakes), the difference spread pro rata. The sums differ only while the
/// consumer holds a burn it could not attribute to a delegator yet; the per-validator totals of
/// both books stay equal either way.
pub fn stake_cuts(reported: u128, ratio: Decimal, stakes: &[u128]) -> Vec<u128> {
    let mut cuts: Vec<u128> = stakes
        .iter()
        .map(|stake| ratio.mul_floor(*stake).unwrap_or(*stake).min(*stake))
        .collect();
    let total: u128 = stakes.iter().sum();
    let target = reported.min(total);
    let cut: u128 = cuts.iter().sum();
    if cut < target {
        let room: Vec<u128> = stakes.iter().zip(&cuts).map(|(s, c)| s - c).collect();
        let extra = pro_rata(target - cut, &room).unwrap_or_default();
        cuts.iter_mut().zip(extra).for_each(|(c, e)| *c += e);
    } else if cut > target {
        let less = pro_rata(cut - target, &cuts).unwrap_or_default();
        cuts.iter_mut().zip(less).for_each(|(c, l)| *c -= l);
    }
    cuts
}

/// Cuts the validator's stakers by exactly the amount the consumer reports (as the reference
/// does, so both books keep the same total; see `stake_cuts`), and the unbondings that were at
/// stake at the infraction by the ratio.
async fn slash_stakers<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    slash: &SlashInfo,
    ratio: Decimal,
) -> Result<(), SdkError> {
    let validator = &slash.address;
    let reported = slash
        .slash_amount
        .amount()
        .map_err(ExternalStakingError::from)?;
    let mut pool = state.pool(consumer, validator).await?;
    let stakers = state.stakes_with(consumer, validator).await?;
    let stakes: Vec<u128> = stakers.iter().map(|(_, record)| record.amount).collect();
    let cuts = stake_cuts(reported, ratio, &stakes);
    for ((owner, mut record), cut) in stakers.into_iter().zip(cuts) {
        record.settle(&pool);
        let from_stake = record.cut_stake(cut);
        let from_unbondings = record.slash_unbondings(ratio, slash.infraction_time);
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

/// Burns `wanted` of the owner's stake on the consumer, split evenly over its validators
/// (`split_burn`), with one `burn` packet per validator: a packet names validators but carries
/// one total and no owner, so one validator per packet is what lets the consumer apply exactly
/// our split (it attributes each burn to the owner as soon as that is certain).
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
    let Some(shares) = split_burn(amount, &staked, None).filter(|_| amount > 0) else {
        return Ok(());
    };
    let denom = state.staking_params().await?.bond_denom;
    for (validator, share) in validators.iter().zip(shares).filter(|(_, s)| *s > 0) {
        let mut pool = state.pool(consumer, validator).await?;
        let mut record = state.stake(consumer, validator, owner).await?;
        record.settle(&pool);
        record.cut_stake(share);
        pool.total = pool.total.saturating_sub(share);
        state.put_stake(consumer, validator, owner, &record)?;
        state.put_pool(consumer, validator, &pool)?;
        let tx_id = state.next_tx_id().await?;
        let packet = ProviderPacket::Burn {
            validators: vec![validator.clone()],
            burn: WireCoin::new(share, denom.clone()),
        };
        let tx = PendingTx {
            kind: PendingKind::Burn,
            owner: *owner,
            validator: validator.clone(),
            amount: share,
        };
        send(state, consumer, tx_id, &tx, &packet).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stakers_lose_the_ratio_of_their_stake_when_that_is_what_the_consumer_reports() {
        let ratio: Decimal = "0.05".parse().unwrap();
        assert_eq!(
            stake_cuts(7_500_000, ratio, &[100_000_000, 50_000_000]),
            vec![5_000_000, 2_500_000]
        );
        // 1% of 33 and 67 floors to 0 each: the consumer reports what its positions lost.
        let ratio: Decimal = "0.01".parse().unwrap();
        assert_eq!(stake_cuts(0, ratio, &[33, 67]), vec![0, 0]);
    }

    #[test]
    fn a_reported_total_that_differs_from_the_ratio_is_what_the_stakes_lose_in_total() {
        let ratio: Decimal = "0.1".parse().unwrap();
        let more = stake_cuts(25, ratio, &[100, 100]);
        assert_eq!(more.iter().sum::<u128>(), 25);
        let less = stake_cuts(15, ratio, &[100, 100]);
        assert_eq!(less.iter().sum::<u128>(), 15);
        assert_eq!(stake_cuts(1_000, ratio, &[100, 100]), vec![100, 100]);
    }
}
