//! The upgrade module's genesis: no plan, every module of the app at consensus version 1. The
//! plan is acted on by the node before each block (it runs the migrations it carries).

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::{Component, SdkError};

use crate::genesis::GenesisState;
use crate::view::UpgradeWrite;
use crate::UpgradeApp;

pub struct Upgrade;

#[async_trait]
impl<A: UpgradeApp> Component<A> for Upgrade {
    const GENESIS_KEY: &'static str = "upgrade";
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        _genesis: GenesisState,
    ) -> Result<(), SdkError> {
        for module in A::MODULES {
            state.put_module_version(module, 1)?;
        }
        Ok(())
    }
}
