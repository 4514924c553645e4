//! The converter's subscription to staking: validator set news for providers, tombstones for
//! virtual staking, and slashes that shrink virtual stake and the positions behind it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::SdkError;
use rmesh_staking::{BondStatus, SlashRecord, StakingHooks, Validator};
use rmesh_virtual_staking::VirtualStakingWrite;

use crate::positions;
use crate::valset::{note, PendingSlash};
use crate::view::ConverterRead;

pub struct ConverterHooks;

#[async_trait]
impl StakingHooks for ConverterHooks {
    async fn after_validator_bonded<S: StateWrite>(
        state: &mut S,
        validator: &Validator,
    ) -> Result<(), SdkError> {
        note(state, |changes| {
            changes.added.insert(validator.operator);
        });
        Ok(())
    }

    async fn after_validator_begin_unbonding<S: StateWrite>(
        state: &mut S,
        validator: &Validator,
    ) -> Result<(), SdkError> {
        note(state, |changes| {
            changes.removed.insert(validator.operator);
        });
        Ok(())
    }

    async fn after_validator_edited<S: StateWrite>(
        state: &mut S,
        validator: &Validator,
    ) -> Result<(), SdkError> {
        if validator.status == BondStatus::Bonded {
            note(state, |changes| {
                changes.updated.insert(validator.operator);
            });
        }
        Ok(())
    }

    async fn after_validator_jailed<S: StateWrite>(
        state: &mut S,
        validator: &Validator,
    ) -> Result<(), SdkError> {
        note(state, |changes| {
            changes.jailed.insert(validator.operator);
        });
        Ok(())
    }

    /// Reported in `unjailed`; its return to the active set in the same block
    /// (`after_validator_bonded`) lists it in `additions` too. Both stay: the reference provider
    /// does nothing on `unjailed` and reactivates a validator only through `additions`.
    async fn after_validator_unjailed<S: StateWrite>(
        state: &mut S,
        validator: &Validator,
    ) -> Result<(), SdkError> {
        note(state, |changes| {
            changes.unjailed.insert(validator.operator);
        });
        Ok(())
    }

    async fn after_validator_tombstoned<S: StateWrite>(
        state: &mut S,
        validator: &Validator,
    ) -> Result<(), SdkError> {
        state.mark_tombstoned(&validator.operator)?;
        note(state, |changes| {
            changes.tombstoned.insert(validator.operator);
        });
        Ok(())
    }

    /// The virtual stake lost its share of the burn; each position loses the slash ratio of
    /// itself, in the provider's denom (as the provider cuts each staker), and each provider is
    /// told exactly what its stake with the validator lost (`positions::slash`).
    async fn after_validator_slashed<S: StateWrite>(
        state: &mut S,
        record: &SlashRecord,
    ) -> Result<(), SdkError> {
        state.on_validator_slashed(&record.operator).await?;
        let mut losses = BTreeMap::new();
        for provider in state.all_providers().await? {
            let lost =
                positions::slash(state, &provider.id, &record.operator, record.fraction).await?;
            losses.insert(provider.id, lost);
        }
        note(state, |changes| {
            changes.slashed.push(PendingSlash {
                record: record.clone(),
                losses,
            });
        });
        Ok(())
    }
}
