//! Validator set news for providers: staking's hooks note changes during the block; at its end
//! each provider with a channel gets at most one `valset_update`. A newly opened channel gets
//! the full bonded set.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, BlockContextExt, SdkError};
use rmesh_staking::{BondStatus, SlashRecord, StakingRead};

use crate::packet::{ConsumerPacket, SlashInfo, ValidatorEntry, ValsetUpdate, WireCoin};
use crate::provider::Provider;
use crate::state_key;
use crate::view::{ConverterRead, ConverterWrite};

/// A slash with what it took from each provider's positions (each provider's own denom).
#[derive(Debug, Clone)]
pub struct PendingSlash {
    pub record: SlashRecord,
    pub losses: BTreeMap<String, u128>,
}

/// This block's changes so far (kept in the block's ephemeral object store, so a failed tx's
/// changes vanish with it).
#[derive(Debug, Clone, Default)]
pub struct ValsetChanges {
    pub added: BTreeSet<Address>,
    pub removed: BTreeSet<Address>,
    pub updated: BTreeSet<Address>,
    pub jailed: BTreeSet<Address>,
    pub unjailed: BTreeSet<Address>,
    pub tombstoned: BTreeSet<Address>,
    pub slashed: Vec<PendingSlash>,
}

impl ValsetChanges {
    fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.updated.is_empty()
            && self.jailed.is_empty()
            && self.unjailed.is_empty()
            && self.tombstoned.is_empty()
            && self.slashed.is_empty()
    }
}

/// Notes a change for the end of the block.
pub fn note<S: StateWrite + ?Sized>(state: &mut S, change: impl FnOnce(&mut ValsetChanges)) {
    let mut changes = state
        .object_get::<ValsetChanges>(state_key::VALSET_CHANGES)
        .unwrap_or_default();
    change(&mut changes);
    state.object_put(state_key::VALSET_CHANGES, changes);
}

async fn entry<S: StateRead + ?Sized>(
    state: &S,
    operator: &Address,
) -> Result<Option<ValidatorEntry>, SdkError> {
    let Some(validator) = state.validator(operator).await? else {
        return Ok(None);
    };
    Ok(Some(ValidatorEntry {
        valoper: state.format_operator(operator).await?,
        pub_key: base64::engine::general_purpose::STANDARD.encode(validator.consensus_pubkey),
    }))
}

async fn texts<S: StateRead + ?Sized>(
    state: &S,
    operators: impl IntoIterator<Item = &Address>,
) -> Result<Vec<String>, SdkError> {
    let mut texts = Vec::new();
    for operator in operators {
        texts.push(state.format_operator(operator).await?);
    }
    Ok(texts)
}

fn header<S: StateRead + ?Sized>(state: &S) -> ValsetUpdate {
    let context = state.block_context();
    ValsetUpdate {
        height: context.height,
        time: u64::try_from(context.time_seconds).unwrap_or(0),
        ..ValsetUpdate::default()
    }
}

/// The update for every provider but the slashes, which are per provider.
async fn common_update<S: StateRead + ?Sized>(
    state: &S,
    changes: &ValsetChanges,
) -> Result<ValsetUpdate, SdkError> {
    let mut update = header(state);
    for operator in changes.added.union(&changes.removed) {
        let bonded = state
            .validator(operator)
            .await?
            .is_some_and(|v| v.status == BondStatus::Bonded);
        let added = changes.added.contains(operator);
        let removed = changes.removed.contains(operator);
        if added && (bonded || !removed) {
            update.additions.extend(entry(state, operator).await?);
        } else if removed && !bonded {
            update.removals.push(state.format_operator(operator).await?);
        }
    }
    for operator in &changes.updated {
        update.updated.extend(entry(state, operator).await?);
    }
    update.jailed = texts(state, &changes.jailed).await?;
    update.unjailed = texts(state, &changes.unjailed).await?;
    update.tombstoned = texts(state, &changes.tombstoned).await?;
    Ok(update)
}

async fn slash_infos<S: StateRead + ?Sized>(
    state: &S,
    provider: &Provider,
    slashes: &[PendingSlash],
) -> Result<Vec<SlashInfo>, SdkError> {
    let mut infos = Vec::with_capacity(slashes.len());
    for slash in slashes {
        let lost = slash.losses.get(&provider.id).copied().unwrap_or(0);
        infos.push(SlashInfo {
            address: state.format_operator(&slash.record.operator).await?,
            infraction_height: slash.record.infraction_height,
            infraction_time: u64::try_from(slash.record.infraction_time_seconds).unwrap_or(0),
            power: slash.record.power,
            slash_amount: WireCoin::new(lost, &provider.remote_denom),
            slash_ratio: slash.record.fraction.to_string(),
        });
    }
    Ok(infos)
}

/// Sends this block's changes: one `valset_update` per provider with a channel.
pub async fn flush<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
    let Some(changes) = state.object_get::<ValsetChanges>(state_key::VALSET_CHANGES) else {
        return Ok(());
    };
    state.object_delete(state_key::VALSET_CHANGES);
    if changes.is_empty() {
        return Ok(());
    }
    let common = common_update(state, &changes).await?;
    for provider in state.all_providers().await? {
        if provider.channel_id.is_none() {
            continue;
        }
        let mut update = common.clone();
        update.slashed = slash_infos(state, &provider, &changes.slashed).await?;
        state
            .queue_packet(&provider.id, &ConsumerPacket::ValsetUpdate(update))
            .await?;
    }
    Ok(())
}

/// Every bonded validator as an addition: what a provider needs before it accepts stake.
pub async fn queue_full_set<S: StateWrite>(
    state: &mut S,
    provider: &Provider,
) -> Result<u64, SdkError> {
    let mut update = header(state);
    for validator in state.all_validators().await? {
        if validator.status == BondStatus::Bonded {
            update
                .additions
                .extend(entry(state, &validator.operator).await?);
        }
    }
    state
        .queue_packet(&provider.id, &ConsumerPacket::ValsetUpdate(update))
        .await
}
