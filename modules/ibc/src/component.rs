//! Lifecycle of IBC: the chain id at genesis, and at the start of every block the consensus
//! state counterparties' clients of this chain verify against.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::{BlockContextExt, BlockHeader, Component, SdkError};
use rmesh_staking::StakingRead;
use serde::{Deserialize, Serialize};

use crate::host::{put_chain_id, record_own_consensus_state};

pub struct Ibc;

/// IBC has nothing to configure at genesis yet; the section exists so it can grow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {}

#[async_trait]
impl<A> Component<A> for Ibc {
    const GENESIS_KEY: &'static str = "ibc";
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        _genesis: GenesisState,
    ) -> Result<(), SdkError> {
        let chain_id = state.block_context().chain_id.clone();
        put_chain_id(state, &chain_id)
    }

    async fn begin_block<S: StateWrite>(
        state: &mut S,
        header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Ibc::begin_block(
            state,
            &header.previous_app_hash,
            header.next_validators_hash,
        )
        .await
    }
}

impl Ibc {
    /// Records this block's consensus state (its header's app hash is the root the previous
    /// block committed), keeping as many heights as staking's `historical_entries`.
    pub async fn begin_block<S: StateWrite>(
        state: &mut S,
        previous_app_hash: &[u8],
        next_validators_hash: tendermint::Hash,
    ) -> Result<(), SdkError> {
        let context = state.block_context();
        let time = tendermint::Time::from_unix_timestamp(context.time_seconds, context.time_nanos)
            .map_err(|e| SdkError::Internal(format!("block time: {e}")))?;
        let keep = u64::from(state.staking_params().await?.historical_entries);
        record_own_consensus_state(
            state,
            context.height,
            previous_app_hash,
            time,
            next_validators_hash,
            keep,
        )
    }
}

/// Whether this chain has a connection end `connection` (in any handshake state): what an
/// application configured with a connection id checks before it relies on it.
pub async fn connection_exists<S: cnidarium::StateRead + ?Sized>(
    state: &S,
    connection: &ibc::core::host::types::identifiers::ConnectionId,
) -> Result<bool, SdkError> {
    use rmesh_core::StoreRead;
    let path = ibc::core::host::types::path::ConnectionPath::new(connection);
    Ok(state
        .get_bytes(&crate::state_key::ibc_path(&path))
        .await?
        .is_some())
}
