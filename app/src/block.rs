//! The state machine's work around a block's txs, in one place so consensus and the scenario
//! tests run the same sequence. Each stage runs in its own overlay so its events can be
//! reported as the block's events.

use cnidarium::{StateDelta, StateWrite};
use rmesh_auth::AccountWrite;
use rmesh_converter::Converter;
use rmesh_core::{BlockContext, BlockContextWriteExt, SdkError};
use rmesh_distribution::Distribution;
use rmesh_external_staking::ExternalStaking;
use rmesh_ibc::Ibc;
use rmesh_slashing::Slashing;
use rmesh_staking::component::PowerUpdate;
use rmesh_staking::Staking;
use rmesh_vault::Vault;
use tendermint::abci::types::{CommitInfo, Misbehavior};
use tendermint::abci::Event;

use crate::hooks::AppHooks;
use crate::ibc::AppIbcModules;
use crate::node::state::{chain_id, mark_commit, record_block_time};

/// What a block brings besides its txs.
pub struct BlockHeader<'a> {
    pub height: u64,
    pub time: tendermint::Time,
    /// The app hash in this block's header: the root the previous block committed.
    pub previous_app_hash: Vec<u8>,
    pub next_validators_hash: tendermint::Hash,
    pub last_commit: &'a CommitInfo,
    pub misbehavior: &'a [Misbehavior],
}

/// Before the txs: the block's context, our consensus state for IBC, the last commit's rewards,
/// then liveness and double-sign evidence.
pub async fn begin_block<S: StateWrite>(
    state: &mut S,
    header: &BlockHeader<'_>,
) -> Result<Vec<Event>, SdkError> {
    let time = tendermint_proto::google::protobuf::Timestamp::from(header.time);
    state.put_block_context(BlockContext {
        chain_id: chain_id(state).await?,
        height: header.height,
        time_seconds: time.seconds,
        time_nanos: u32::try_from(time.nanos).unwrap_or(0),
    });
    record_block_time(state)?;
    state.cache_chain_constants().await?;
    let mut stage = StateDelta::new(&mut *state);
    Ibc::begin_block(
        &mut stage,
        &header.previous_app_hash,
        header.next_validators_hash,
    )
    .await?;
    Distribution::begin_block(&mut stage, header.last_commit).await?;
    Slashing::begin_block::<_, AppHooks>(&mut stage, header.last_commit, header.misbehavior)
        .await?;
    Ok(stage.apply().1)
}

/// After the txs: the converter's epoch (virtual stake moves before the set is computed), the
/// validator set, then this block's validator news for providers; on the provider side the
/// vault collects finished local unbondings and external staking burns what the vault cut;
/// then the commit markers of `height` (see `mark_commit`). Returns CometBFT's updates.
pub async fn close_block<S: StateWrite>(
    state: &mut S,
    height: u64,
) -> Result<(Vec<PowerUpdate>, Vec<Event>), SdkError> {
    let mut stage = StateDelta::new(&mut *state);
    Converter::end_block::<_, AppHooks, AppIbcModules>(&mut stage).await?;
    let updates = Staking::end_block::<_, AppHooks>(&mut stage).await?;
    Converter::after_validator_set(&mut stage).await?;
    Vault::end_block::<_, AppHooks>(&mut stage).await?;
    ExternalStaking::end_block(&mut stage).await?;
    let events = stage.apply().1;
    mark_commit(state, height);
    Ok((updates, events))
}
