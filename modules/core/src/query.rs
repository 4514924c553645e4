//! Helpers shared by the modules' gRPC query services: every query reads a committed snapshot,
//! the latest or the one named by the SDK's `x-cosmos-block-height` header.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use cnidarium::{Snapshot, Storage};
use tonic::Status;

use crate::error::SdkError;

pub const HEIGHT_HEADER: &str = "x-cosmos-block-height";

/// How many committed versions queries can read (relayers prove at recent heights).
pub const KEPT_VERSIONS: usize = 1_000;

/// Committed state for queries. cnidarium keeps only its last 10 snapshots in memory (its JMT
/// keeps every version on disk), too few for relayers building proofs under load, so the last
/// `KEPT_VERSIONS` snapshots are kept here as they are committed.
#[derive(Clone)]
pub struct Committed {
    storage: Storage,
    history: Arc<RwLock<BTreeMap<u64, Snapshot>>>,
}

impl Committed {
    /// Follows `storage`'s commits; needs a tokio runtime. The follower stops when the last
    /// clone of this value is dropped (so the database can be closed) or the storage closes.
    pub fn new(storage: Storage) -> Self {
        let history = Arc::new(RwLock::new(BTreeMap::new()));
        let watched = Arc::downgrade(&history);
        let mut commits = storage.subscribe();
        tokio::spawn(async move {
            while commits.changed().await.is_ok() {
                let snapshot = commits.borrow_and_update().clone();
                let Some(history) = watched.upgrade() else {
                    break;
                };
                let Ok(mut kept) = history.write() else {
                    break;
                };
                kept.insert(snapshot.version(), snapshot);
                while kept.len() > KEPT_VERSIONS {
                    kept.pop_first();
                }
            }
        });
        Committed { storage, history }
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    pub fn latest(&self) -> Snapshot {
        self.storage.latest_snapshot()
    }

    /// The state committed at `version`, if still kept.
    pub fn snapshot(&self, version: u64) -> Option<Snapshot> {
        self.storage.snapshot(version).or_else(|| {
            self.history
                .read()
                .ok()
                .and_then(|kept| kept.get(&version).cloned())
        })
    }
}

/// The snapshot a query must read: state committed by the requested block, or the latest.
pub fn snapshot_for<T>(
    committed: &Committed,
    request: &tonic::Request<T>,
) -> Result<Snapshot, Status> {
    let height = match request.metadata().get(HEIGHT_HEADER) {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
            .ok_or_else(|| Status::invalid_argument("x-cosmos-block-height must be an integer"))?,
        None => 0,
    };
    if height == 0 {
        return Ok(committed.latest());
    }
    committed.snapshot(height).ok_or_else(|| {
        Status::invalid_argument(format!(
            "height {height} is not available (latest is {})",
            committed.storage.latest_version()
        ))
    })
}

/// Maps a module error onto the gRPC status a client expects.
pub fn status(err: SdkError) -> Status {
    match err {
        SdkError::NotFound(msg) => Status::not_found(msg),
        SdkError::Internal(msg) => Status::internal(msg),
        other => Status::invalid_argument(other.to_string()),
    }
}
