//! The state machine's work around a block's txs, in one place so consensus and the scenario
//! tests run the same sequence. The modules' phases (and their order) come from
//! `crate::modules`; each phase runs in its own overlay so its events can be reported as the
//! block's events.

use cnidarium::StateWrite;
use rmesh_auth::AccountWrite;
use rmesh_core::{BlockContext, BlockContextWriteExt, SdkError};
use rmesh_staking::PowerUpdate;
use tendermint::abci::Event;

pub use rmesh_core::BlockHeader;

use crate::modules;
use crate::node::state::{chain_id, mark_commit, record_block_time};

/// Before the txs: the block's context, then every module's begin block.
pub async fn begin_block<S: StateWrite>(
    state: &mut S,
    header: &BlockHeader<'_>,
) -> Result<Vec<Event>, SdkError> {
    open_block(state, header).await?;
    modules::begin_block(state, header).await
}

/// The block's context (chain id, height, time) and the chain constants modules read: what
/// must be in place before anything of the block runs, a due upgrade's migration included.
pub async fn open_block<S: StateWrite>(
    state: &mut S,
    header: &BlockHeader<'_>,
) -> Result<(), SdkError> {
    let time = tendermint_proto::google::protobuf::Timestamp::from(header.time);
    state.put_block_context(BlockContext {
        chain_id: chain_id(state).await?,
        height: header.height,
        time_seconds: time.seconds,
        time_nanos: u32::try_from(time.nanos).unwrap_or(0),
    });
    record_block_time(state)?;
    state.cache_chain_constants().await
}

/// Every module's begin block, after [`open_block`].
pub async fn modules_begin_block<S: StateWrite>(
    state: &mut S,
    header: &BlockHeader<'_>,
) -> Result<Vec<Event>, SdkError> {
    modules::begin_block(state, header).await
}

/// After the txs: every module's end block and after-validator-set step, then the commit markers
/// of the block's height (see `mark_commit`). Returns CometBFT's validator updates.
pub async fn close_block<S: StateWrite>(
    state: &mut S,
    header: &BlockHeader<'_>,
) -> Result<(Vec<PowerUpdate>, Vec<Event>), SdkError> {
    let (updates, events) = modules::end_block(state, header).await?;
    mark_commit(state, header.height);
    Ok((updates, events))
}
