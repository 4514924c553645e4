//! What the node does with a scheduled upgrade plan: before the block at the plan's height it
//! runs the store migration this binary carries for the plan, exactly once (the plan is then
//! cleared and recorded as applied), or, carrying none, writes `data/upgrade-info.json` the way
//! Cosmovisor reads it and halts with the SDK's `UPGRADE "<name>" NEEDED at height: <h>`.

use std::path::{Path, PathBuf};

use cnidarium::{Snapshot, StateDelta};
use futures::future::BoxFuture;
use rmesh_core::SdkError;
use rmesh_upgrade::{binary_too_early, upgrade_needed, UpgradeRead, UpgradeWrite};

use crate::node::read_cache::CachedSnapshot;

/// The state a block runs on.
pub type BlockState = StateDelta<CachedSnapshot>;

/// A store migration: changes the state the way the new binary expects it.
/// It runs in an overlay of the block's state, whose events become the block's.
pub type MigrateFn =
    for<'a, 'b> fn(&'a mut StateDelta<&'b mut BlockState>) -> BoxFuture<'a, Result<(), SdkError>>;

/// A plan name and the migration this binary runs for it.
#[derive(Clone, Copy)]
pub struct Migration {
    pub name: &'static str,
    pub migrate: MigrateFn,
}

/// The migrations this binary carries. None has shipped yet: a release that answers a plan
/// adds `Migration { name, migrate }` here.
const CARRIED: &[Migration] = &[];

/// The migrations a node carries and where it writes `upgrade-info.json`.
#[derive(Clone, Default)]
pub struct Upgrades {
    migrations: Vec<Migration>,
    data_dir: Option<PathBuf>,
}

/// Why the node cannot go on: the message for the operator.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeStop {
    #[error("{0}")]
    Halt(String),
    #[error(transparent)]
    State(#[from] SdkError),
}

impl Upgrades {
    /// The migrations of this binary, with `upgrade-info.json` under `<home>/data`.
    pub fn carried(home: &Path) -> Self {
        Upgrades::new(CARRIED.to_vec(), Some(home.join("data")))
    }

    pub fn new(migrations: Vec<Migration>, data_dir: Option<PathBuf>) -> Self {
        Upgrades {
            migrations,
            data_dir,
        }
    }

    fn carried_for(&self, name: &str) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.name == name)
    }

    /// Before the block at `height` (its context already set): applies a due plan this binary
    /// carries and returns the migration's events, or stops the node.
    pub async fn before_block(
        &self,
        state: &mut BlockState,
        height: u64,
    ) -> Result<Vec<tendermint::abci::Event>, UpgradeStop> {
        let Some(plan) = state.upgrade_plan().await? else {
            return Ok(vec![]);
        };
        let due = u64::try_from(plan.height).unwrap_or(0);
        let carried = self.carried_for(&plan.name);
        if height < due {
            return match carried {
                Some(_) => Err(UpgradeStop::Halt(binary_too_early(&plan.name))),
                None => Ok(vec![]),
            };
        }
        let Some(migration) = carried else {
            self.write_upgrade_info(&plan.name, plan.height, &plan.info);
            let message = upgrade_needed(&plan.name, plan.height, &plan.info);
            tracing::error!("{message}");
            return Err(UpgradeStop::Halt(message));
        };
        let mut migrating = StateDelta::new(&mut *state);
        (migration.migrate)(&mut migrating).await?;
        migrating.complete_upgrade(&plan.name, height)?;
        let (_, events) = migrating.apply();
        tracing::info!(name = %plan.name, height, "upgrade applied");
        Ok(events)
    }

    /// At start: refuses a store whose due plan (`height` is the next block) this binary does
    /// not carry, so an operator learns it before CometBFT connects.
    pub async fn check_at_start(&self, latest: &Snapshot) -> Result<(), UpgradeStop> {
        let Some(plan) = latest.upgrade_plan().await? else {
            return Ok(());
        };
        let next = latest.version().wrapping_add(1);
        let due = u64::try_from(plan.height).unwrap_or(0);
        if due <= next && self.carried_for(&plan.name).is_none() {
            self.write_upgrade_info(&plan.name, plan.height, &plan.info);
            return Err(UpgradeStop::Halt(upgrade_needed(
                &plan.name,
                plan.height,
                &plan.info,
            )));
        }
        Ok(())
    }

    /// Cosmovisor's `data/upgrade-info.json`: `{"name","height","info"}`.
    fn write_upgrade_info(&self, name: &str, height: i64, info: &str) {
        let Some(dir) = &self.data_dir else {
            return;
        };
        let path = dir.join("upgrade-info.json");
        let body = serde_json::json!({ "name": name, "height": height, "info": info });
        if let Err(err) =
            std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, body.to_string()))
        {
            tracing::error!(path = %path.display(), "cannot write upgrade-info.json: {err}");
        }
    }
}
