//! `MsgSoftwareUpgrade`: governance schedules a plan, replacing any earlier one.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1::{MsgSoftwareUpgrade, MsgSoftwareUpgradeResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, BlockContextExt, MsgHandler, SdkError};

use crate::error::invalid_plan;
use crate::view::{UpgradeRead, UpgradeWrite};
use crate::{ensure_gov, event};

pub struct SoftwareUpgradeHandler;

#[async_trait]
impl MsgHandler for SoftwareUpgradeHandler {
    type Msg = MsgSoftwareUpgrade;
    type Response = MsgSoftwareUpgradeResponse;
    const MODULE: &'static str = "upgrade";

    /// The SDK's `Plan.ValidateBasic`: a name, a positive height, no time and no client state.
    #[allow(deprecated)]
    fn check_stateless(msg: &MsgSoftwareUpgrade) -> Result<(), SdkError> {
        let invalid = |why: &str| Err(invalid_plan(why));
        let Some(plan) = &msg.plan else {
            return invalid("the plan is missing");
        };
        if plan.name.trim().is_empty() {
            return invalid("name cannot be empty");
        }
        if plan.height <= 0 {
            return invalid("height must be greater than 0");
        }
        if plan.time.is_some() {
            return invalid("time-based upgrades have been deprecated in the SDK");
        }
        if plan.upgraded_client_state.is_some() {
            return invalid("upgraded IBC client states are not supported");
        }
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgSoftwareUpgrade,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.authority).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgSoftwareUpgrade,
    ) -> Result<MsgSoftwareUpgradeResponse, SdkError> {
        ensure_gov(state, &msg.authority).await?;
        let plan = msg.plan.clone().unwrap_or_default();
        let height = state.block_context().height;
        if u64::try_from(plan.height).unwrap_or(0) <= height {
            return Err(invalid_plan(format!(
                "upgrade cannot be scheduled in the past: height {} is not after the current height {height}",
                plan.height
            )));
        }
        if state.applied_at(&plan.name).await?.is_some() {
            return Err(invalid_plan(format!(
                "upgrade with name {} has already been completed",
                plan.name
            )));
        }
        state.put_upgrade_plan(&plan)?;
        state.record(event::scheduled(&plan.name, plan.height));
        Ok(MsgSoftwareUpgradeResponse {})
    }
}
