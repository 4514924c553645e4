//! Chain-level values every service needs: the chain id and the committed height.

use cnidarium::{StateRead, StateWrite, Storage};
use rmesh_core::{BlockContext, BlockContextExt, SdkError, StoreRead, StoreWrite};

use super::SUBSTORES;

const CHAIN_ID_KEY: &str = "app/chain_id";

pub async fn chain_id<S: StateRead>(state: &S) -> Result<String, SdkError> {
    let raw = state.get_bytes(CHAIN_ID_KEY).await?;
    Ok(raw
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default())
}

pub fn put_chain_id<S: StateWrite>(state: &mut S, chain_id: &str) -> Result<(), SdkError> {
    state.put_bytes(CHAIN_ID_KEY.to_string(), chain_id.as_bytes().to_vec())
}

/// Two keys whose sha256 hashes share their first 48 bits, so their JMT leaves sit 13 nibbles
/// deep. cnidarium recovers its latest version at startup from the last JMT node it wrote, and
/// treats the store as empty if that node is not a leaf; an empty block (only the root rewritten)
/// or a block that only deletes would leave an internal node last and lose the chain on restart.
/// Writing both markers in every version, in the main store and in each substore, makes the
/// deepest written node a leaf unless another key shares a 48-bit hash prefix.
const COMMIT_MARKERS: [&str; 2] = [
    "rmesh/commit_marker/17958023",
    "rmesh/commit_marker/21610202",
];

/// Records `height` under the commit markers of the main store and every substore.
pub fn mark_commit<S: StateWrite>(state: &mut S, height: u64) {
    let stores = std::iter::once(String::new()).chain(SUBSTORES.iter().map(|s| format!("{s}/")));
    for store in stores {
        for marker in COMMIT_MARKERS {
            state.put_raw(format!("{store}{marker}"), height.to_be_bytes().to_vec());
        }
    }
}

/// The height of the last committed block; 0 before genesis and right after it.
pub fn committed_height(storage: &Storage) -> u64 {
    match storage.latest_version() {
        u64::MAX => 0,
        version => version,
    }
}

const BLOCK_TIME_KEY: &str = "app/block_time";

/// Records the executing block's header time, so txs checked or simulated between blocks see
/// the time of the last committed block (as in the SDK), not the epoch.
pub fn record_block_time<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
    let context = state.block_context();
    let mut bytes = context.time_seconds.to_be_bytes().to_vec();
    bytes.extend_from_slice(&context.time_nanos.to_be_bytes());
    state.put_bytes(BLOCK_TIME_KEY.to_string(), bytes)
}

async fn last_block_time<S: StateRead>(state: &S) -> Result<(i64, u32), SdkError> {
    let Some(bytes) = state.get_bytes(BLOCK_TIME_KEY).await? else {
        return Ok((0, 0));
    };
    let (seconds, nanos) = bytes.split_at(8.min(bytes.len()));
    let seconds = seconds.try_into().map(i64::from_be_bytes).unwrap_or(0);
    let nanos = nanos.try_into().map(u32::from_be_bytes).unwrap_or(0);
    Ok((seconds, nanos))
}

/// The context of a tx checked or simulated outside a block: the next height, at the time of
/// the last committed block.
pub async fn next_block_context<S: StateRead>(
    state: &S,
    storage: &Storage,
) -> Result<BlockContext, SdkError> {
    let (time_seconds, time_nanos) = last_block_time(state).await?;
    Ok(BlockContext {
        chain_id: chain_id(state).await?,
        height: committed_height(storage) + 1,
        time_seconds,
        time_nanos,
    })
}
