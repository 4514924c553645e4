//! Lifecycle of virtual staking: genesis, and the epoch clock the converter's end-block follows.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::component::GOV_MODULE;
use rmesh_core::{Address, BlockContextExt, Component, SdkError};

use crate::error::VirtualStakingError;
use crate::event;
use crate::genesis::GenesisState;
use crate::view::{EpochState, VirtualStakingRead, VirtualStakingWrite};

pub struct VirtualStaking;

#[async_trait]
impl<A> Component<A> for VirtualStaking {
    const GENESIS_KEY: &'static str = "virtual_staking";
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        genesis.params.validate()?;
        let authority = if genesis.authority.is_empty() {
            // The stakers decide, through governance.
            state.format_address(&Address::module(GOV_MODULE)).await?
        } else {
            state
                .parse_address(&genesis.authority)
                .await
                .map_err(|e| VirtualStakingError::InvalidParams(format!("authority: {e}")))?;
            genesis.authority
        };
        state.put_mesh_authority(&authority)?;
        state.put_virtual_staking_params(&genesis.params)?;
        state.put_epoch_state(&EpochState::default())
    }
}

impl VirtualStaking {
    /// Whether the current block ends an epoch.
    pub async fn is_epoch_end<S: StateRead>(state: &S) -> Result<bool, SdkError> {
        let length = state.virtual_staking_params().await?.epoch_length.max(1);
        Ok(state.block_context().height.is_multiple_of(length))
    }

    /// Counts the epoch the current block ends.
    pub async fn end_epoch<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
        let height = state.block_context().height;
        let epoch = state.epoch_state().await?;
        let next = EpochState {
            number: epoch.number + 1,
            last_height: height,
        };
        state.put_epoch_state(&next)?;
        state.record(event::epoch(next.number, height));
        Ok(())
    }
}
