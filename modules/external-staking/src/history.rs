//! The consumer's validator set as the provider knows it: every `valset_update` sets states by
//! consumer height, so a stake can be refused for a validator never seen active and a slash
//! can be checked against the validator's state at the infraction height.

use cnidarium::StateWrite;
use rmesh_core::SdkError;
use rmesh_mesh_wire::{ValidatorEntry, ValsetUpdate};
use rmesh_proto::externalstaking::v1 as pb;
use serde::{Deserialize, Serialize};

use crate::event::external_staking as event;
use crate::view::{ExternalStakingRead, ExternalStakingWrite};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidatorStatus {
    Active,
    Jailed,
    Unbonded,
    /// Final: no later report changes it.
    Tombstoned,
}

impl ValidatorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ValidatorStatus::Active => "active",
            ValidatorStatus::Jailed => "jailed",
            ValidatorStatus::Unbonded => "unbonded",
            ValidatorStatus::Tombstoned => "tombstoned",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorRecord {
    pub pub_key: String,
    pub status: ValidatorStatus,
    /// The consumer height of the report that set `status`.
    pub since_height: u64,
}

impl ValidatorRecord {
    pub fn to_proto(&self, valoper: &str) -> pb::ValidatorState {
        pb::ValidatorState {
            valoper: valoper.to_string(),
            pub_key: self.pub_key.clone(),
            state: self.status.as_str().to_string(),
            since_height: self.since_height,
        }
    }
}

/// One change a report makes to one validator.
#[derive(Clone, Debug, PartialEq)]
struct Change<'a> {
    valoper: &'a str,
    pub_key: Option<&'a str>,
    status: Option<ValidatorStatus>,
}

fn keyed(entries: &[ValidatorEntry], status: Option<ValidatorStatus>) -> Vec<Change<'_>> {
    entries
        .iter()
        .map(|entry| Change {
            valoper: &entry.valoper,
            pub_key: Some(&entry.pub_key),
            status,
        })
        .collect()
}

fn status_only(valopers: &[String], status: ValidatorStatus) -> Vec<Change<'_>> {
    valopers
        .iter()
        .map(|valoper| Change {
            valoper,
            pub_key: None,
            status: Some(status),
        })
        .collect()
}

/// A report's net change per validator, in the order validators first appear. Lists apply in
/// order, so a validator removed and jailed in one report ends jailed, one jailed and
/// tombstoned ends tombstoned.
fn changes(update: &ValsetUpdate) -> Vec<Change<'_>> {
    let all = [
        keyed(&update.additions, Some(ValidatorStatus::Active)),
        keyed(&update.updated, None),
        status_only(&update.removals, ValidatorStatus::Unbonded),
        status_only(&update.jailed, ValidatorStatus::Jailed),
        status_only(&update.unjailed, ValidatorStatus::Active),
        status_only(&update.tombstoned, ValidatorStatus::Tombstoned),
    ]
    .concat();
    let mut net: Vec<Change<'_>> = Vec::with_capacity(all.len());
    for change in all {
        match net.iter_mut().find(|seen| seen.valoper == change.valoper) {
            Some(seen) => {
                seen.pub_key = change.pub_key.or(seen.pub_key);
                seen.status = change.status.or(seen.status);
            }
            None => net.push(change),
        }
    }
    net
}

/// Records a consumer's report (`slash::apply_slashes` applies its slashes). Reports may
/// arrive out of order (the channel is unordered): the history keeps every state at its height
/// and the current record only moves forward.
pub async fn apply_valset_update<S: StateWrite>(
    state: &mut S,
    consumer: &str,
    update: &ValsetUpdate,
) -> Result<(), SdkError> {
    let height = update.height;
    for change in changes(update) {
        let current = state.reported_validator(consumer, change.valoper).await?;
        if current
            .as_ref()
            .is_some_and(|record| record.status == ValidatorStatus::Tombstoned)
        {
            continue;
        }
        let pub_key = change
            .pub_key
            .map(str::to_string)
            .or_else(|| current.as_ref().map(|record| record.pub_key.clone()))
            .unwrap_or_default();
        let status = change
            .status
            .or(current.as_ref().map(|record| record.status))
            .unwrap_or(ValidatorStatus::Active);
        state.put_validator_history(consumer, change.valoper, height, status)?;
        let newer = current
            .as_ref()
            .is_none_or(|record| record.since_height <= height);
        if newer {
            let record = ValidatorRecord {
                pub_key,
                status,
                since_height: height,
            };
            state.put_validator(consumer, change.valoper, &record)?;
        }
        state.record(event(
            "validator",
            consumer,
            &[
                ("validator", change.valoper.to_string()),
                ("status", status.as_str().to_string()),
                ("height", height.to_string()),
            ],
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_gives_each_validator_one_net_state() {
        let update = ValsetUpdate {
            additions: vec![ValidatorEntry {
                valoper: "a".into(),
                pub_key: "ka".into(),
            }],
            removals: vec!["b".into()],
            jailed: vec!["b".into(), "c".into()],
            unjailed: vec!["a".into()],
            tombstoned: vec!["c".into()],
            ..ValsetUpdate::default()
        };
        let net: Vec<_> = changes(&update)
            .into_iter()
            .map(|c| (c.valoper, c.pub_key, c.status))
            .collect();
        assert_eq!(
            net,
            [
                ("a", Some("ka"), Some(ValidatorStatus::Active)),
                ("b", None, Some(ValidatorStatus::Jailed)),
                ("c", None, Some(ValidatorStatus::Tombstoned)),
            ]
        );
    }
}
