//! `MsgCancelUpgrade`: governance drops the scheduled plan (nothing happens without one).

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1::{MsgCancelUpgrade, MsgCancelUpgradeResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};

use crate::view::{UpgradeRead, UpgradeWrite};
use crate::{ensure_gov, event};

pub struct CancelUpgradeHandler;

#[async_trait]
impl MsgHandler for CancelUpgradeHandler {
    type Msg = MsgCancelUpgrade;
    type Response = MsgCancelUpgradeResponse;
    const MODULE: &'static str = "upgrade";

    fn check_stateless(_msg: &MsgCancelUpgrade) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgCancelUpgrade,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.authority).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgCancelUpgrade,
    ) -> Result<MsgCancelUpgradeResponse, SdkError> {
        ensure_gov(state, &msg.authority).await?;
        if let Some(plan) = state.upgrade_plan().await? {
            state.clear_upgrade_plan()?;
            state.record(event::cancelled(&plan.name));
        }
        Ok(MsgCancelUpgradeResponse {})
    }
}
