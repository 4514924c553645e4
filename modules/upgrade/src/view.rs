//! Typed access to the plan, the applied plans and the modules' consensus versions.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1::Plan;
use rmesh_core::{SdkError, StoreRead, StoreWrite};

use crate::event;
use crate::state_key;

#[async_trait]
pub trait UpgradeRead: StateRead {
    /// The scheduled plan, if any.
    async fn upgrade_plan(&self) -> Result<Option<Plan>, SdkError> {
        self.get_proto(state_key::PLAN).await
    }

    /// The height plan `name` was applied at.
    async fn applied_at(&self, name: &str) -> Result<Option<u64>, SdkError> {
        let height = self.get_amount(&state_key::done(name)).await?;
        Ok((height > 0).then(|| u64::try_from(height).unwrap_or(u64::MAX)))
    }

    /// Every module's consensus version, by name.
    async fn module_versions(&self) -> Result<BTreeMap<String, u64>, SdkError> {
        let mut versions = BTreeMap::new();
        for (key, _) in self.prefix_entries(state_key::VERSIONS_PREFIX).await? {
            let module = key[state_key::VERSIONS_PREFIX.len()..].to_string();
            let version = self.get_amount(&key).await?;
            versions.insert(module, u64::try_from(version).unwrap_or(u64::MAX));
        }
        Ok(versions)
    }
}

impl<S: StateRead + ?Sized> UpgradeRead for S {}

pub trait UpgradeWrite: StateWrite {
    fn put_upgrade_plan(&mut self, plan: &Plan) -> Result<(), SdkError> {
        self.put_proto(state_key::PLAN.into(), plan)
    }

    fn clear_upgrade_plan(&mut self) -> Result<(), SdkError> {
        self.delete_key(state_key::PLAN.into())
    }

    fn put_module_version(&mut self, module: &str, version: u64) -> Result<(), SdkError> {
        self.put_amount(state_key::version(module), u128::from(version))
    }

    /// Records plan `name` as applied at `height` and clears it.
    fn complete_upgrade(&mut self, name: &str, height: u64) -> Result<(), SdkError> {
        self.put_amount(state_key::done(name), u128::from(height))?;
        self.clear_upgrade_plan()?;
        self.record(event::applied(name, height));
        Ok(())
    }
}

impl<S: StateWrite + ?Sized> UpgradeWrite for S {}
