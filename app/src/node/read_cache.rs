//! The committed state a block runs on, remembering what was read from it. Every read of the
//! committed state costs a RocksDB lookup on cnidarium's blocking pool, and its hand-off there and
//! back costs more than the lookup; a block reads the same keys again and again (module accounts,
//! the accounts of recipients) and can read all its signers' keys up front, several at a time.
//!
//! The cache holds values of one immutable version, so it can never be stale; a block's own
//! writes live in the `StateDelta` above it, which answers before this layer is asked.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use cnidarium::{Snapshot, StateDelta, StateRead};
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};

type Reads = Arc<Mutex<BTreeMap<String, Option<Vec<u8>>>>>;

/// How many committed-state reads a prefetch keeps in flight.
const PREFETCH_CONCURRENCY: usize = 16;

#[derive(Clone)]
pub struct CachedSnapshot {
    snapshot: Snapshot,
    reads: Reads,
}

impl CachedSnapshot {
    pub fn new(snapshot: Snapshot) -> Self {
        CachedSnapshot {
            snapshot,
            reads: Arc::default(),
        }
    }
}

/// Runs `reads` of a [`CachedSnapshot`] several at a time, for what they leave in its cache; a
/// read that fails is left to the tx that needs it, which then reports the error itself.
pub async fn prefetch(reads: Vec<BoxFuture<'_, ()>>) {
    futures::stream::iter(reads)
        .buffer_unordered(PREFETCH_CONCURRENCY)
        .for_each(|()| async {})
        .await;
}

/// The same changes on the bare snapshot, as cnidarium commits them.
pub fn uncached(state: StateDelta<CachedSnapshot>) -> StateDelta<Snapshot> {
    let (base, changes) = state.flatten();
    let mut committed = StateDelta::new(base.snapshot);
    changes.apply_to(&mut committed);
    committed
}

fn remember(reads: &Reads, key: String, value: &Option<Vec<u8>>) {
    if let Ok(mut reads) = reads.lock() {
        reads.insert(key, value.clone());
    }
}

impl StateRead for CachedSnapshot {
    type GetRawFut = BoxFuture<'static, anyhow::Result<Option<Vec<u8>>>>;
    type PrefixRawStream = <Snapshot as StateRead>::PrefixRawStream;
    type PrefixKeysStream = <Snapshot as StateRead>::PrefixKeysStream;
    type NonconsensusPrefixRawStream = <Snapshot as StateRead>::NonconsensusPrefixRawStream;
    type NonconsensusRangeRawStream = <Snapshot as StateRead>::NonconsensusRangeRawStream;

    fn get_raw(&self, key: &str) -> Self::GetRawFut {
        let cached = self
            .reads
            .lock()
            .ok()
            .and_then(|reads| reads.get(key).cloned());
        if let Some(value) = cached {
            return futures::future::ready(Ok(value)).boxed();
        }
        let (reads, key, read) = (
            self.reads.clone(),
            key.to_owned(),
            self.snapshot.get_raw(key),
        );
        async move {
            let value = read.await?;
            remember(&reads, key, &value);
            Ok(value)
        }
        .boxed()
    }

    fn nonverifiable_get_raw(&self, key: &[u8]) -> Self::GetRawFut {
        self.snapshot.nonverifiable_get_raw(key).boxed()
    }

    fn object_get<T: std::any::Any + Send + Sync + Clone>(&self, key: &'static str) -> Option<T> {
        self.snapshot.object_get(key)
    }

    fn object_type(&self, key: &'static str) -> Option<std::any::TypeId> {
        self.snapshot.object_type(key)
    }

    fn prefix_raw(&self, prefix: &str) -> Self::PrefixRawStream {
        self.snapshot.prefix_raw(prefix)
    }

    fn prefix_keys(&self, prefix: &str) -> Self::PrefixKeysStream {
        self.snapshot.prefix_keys(prefix)
    }

    fn nonverifiable_prefix_raw(&self, prefix: &[u8]) -> Self::NonconsensusPrefixRawStream {
        self.snapshot.nonverifiable_prefix_raw(prefix)
    }

    fn nonverifiable_range_raw(
        &self,
        prefix: Option<&[u8]>,
        range: impl std::ops::RangeBounds<Vec<u8>>,
    ) -> anyhow::Result<Self::NonconsensusRangeRawStream> {
        self.snapshot.nonverifiable_range_raw(prefix, range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cnidarium::{StateWrite, TempStorage};

    async fn storage_with(key: &str, value: &[u8]) -> TempStorage {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        state.put_raw(key.into(), value.to_vec());
        storage.commit(state).await.unwrap();
        storage
    }

    #[tokio::test]
    async fn a_block_on_the_cache_reads_its_own_writes_first_and_commits_the_same_root() {
        let storage = storage_with("a", b"1").await;
        let cached = CachedSnapshot::new(storage.latest_snapshot());
        prefetch(vec![cached.get_raw("a").map(drop).boxed()]).await;
        let mut block = StateDelta::new(cached);
        assert_eq!(block.get_raw("a").await.unwrap(), Some(b"1".to_vec()));
        block.put_raw("a".into(), b"2".to_vec());
        block.put_raw("b".into(), b"3".to_vec());
        assert_eq!(block.get_raw("a").await.unwrap(), Some(b"2".to_vec()));

        let mut plain = StateDelta::new(storage.latest_snapshot());
        plain.put_raw("a".into(), b"2".to_vec());
        plain.put_raw("b".into(), b"3".to_vec());
        let expected = storage.prepare_commit(plain).await.unwrap();
        let staged = storage.prepare_commit(uncached(block)).await.unwrap();
        assert_eq!(staged.root_hash(), expected.root_hash());
    }

    #[tokio::test]
    async fn every_read_is_remembered_absent_keys_included() {
        let storage = storage_with("a", b"1").await;
        let cached = CachedSnapshot::new(storage.latest_snapshot());
        assert_eq!(cached.get_raw("a").await.unwrap(), Some(b"1".to_vec()));
        assert_eq!(cached.get_raw("missing").await.unwrap(), None);
        let reads = cached.reads.lock().unwrap().clone();
        assert_eq!(
            reads,
            BTreeMap::from([
                ("a".to_string(), Some(b"1".to_vec())),
                ("missing".to_string(), None)
            ])
        );
    }
}
