//! Chain-level values every service needs: the chain id and the committed height.

use cnidarium::{StateRead, StateWrite, Storage};
use rmesh_core::{BlockContext, SdkError, StoreRead, StoreWrite};

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

/// The height of the last committed block; 0 before genesis and right after it.
pub fn committed_height(storage: &Storage) -> u64 {
    match storage.latest_version() {
        u64::MAX => 0,
        version => version,
    }
}

/// The context of a tx checked or simulated outside a block: the next height, no block time.
pub async fn next_block_context<S: StateRead>(
    state: &S,
    storage: &Storage,
) -> Result<BlockContext, SdkError> {
    Ok(BlockContext {
        chain_id: chain_id(state).await?,
        height: committed_height(storage) + 1,
        time_seconds: 0,
        time_nanos: 0,
    })
}
