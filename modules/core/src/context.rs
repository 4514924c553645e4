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
