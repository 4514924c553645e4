//! The block being executed, visible to every module through the state's object store.

use cnidarium::{StateRead, StateWrite};

const BLOCK_KEY: &str = "rmesh/block_context";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockContext {
    pub chain_id: String,
    pub height: u64,
    /// Block time from the header (never the wall clock), as unix seconds and nanoseconds.
    pub time_seconds: i64,
    pub time_nanos: u32,
}

impl BlockContext {
    /// Block time as nanoseconds since the unix epoch (0 for times before it).
    pub fn unix_nanos(&self) -> u64 {
        u64::try_from(self.time_seconds)
            .unwrap_or(0)
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(self.time_nanos))
    }
}

pub trait BlockContextExt: StateRead {
    fn block_context(&self) -> BlockContext {
        self.object_get::<BlockContext>(BLOCK_KEY)
            .unwrap_or_default()
    }
}

impl<T: StateRead + ?Sized> BlockContextExt for T {}

pub trait BlockContextWriteExt: StateWrite {
    fn put_block_context(&mut self, context: BlockContext) {
        self.object_put(BLOCK_KEY, context);
    }
}

impl<T: StateWrite + ?Sized> BlockContextWriteExt for T {}
