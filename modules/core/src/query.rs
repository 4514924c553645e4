//! Helpers shared by the modules' gRPC query services: every query reads a committed snapshot,
//! the latest or the one named by the SDK's `x-cosmos-block-height` header.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use cnidarium::{Snapshot, StateRead, StateWrite, Storage};
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
    kept: Arc<Kept>,
}

struct Kept {
    storage: Storage,
    /// The substores whose versions `record_substore_versions` records, in its order.
    substores: &'static [&'static str],
    history: RwLock<BTreeMap<u64, Snapshot>>,
}

impl Kept {
    fn insert(&self, snapshots: Vec<Snapshot>) {
        let Ok(mut kept) = self.history.write() else {
            return;
        };
        for snapshot in snapshots {
            kept.entry(snapshot.version()).or_insert(snapshot);
        }
        while kept.len() > KEPT_VERSIONS {
            kept.pop_first();
        }
    }

    fn newest_kept(&self) -> Option<u64> {
        let kept = self.history.read().ok()?;
        kept.last_key_value().map(|(version, _)| *version)
    }

    /// The state committed at `version` (older than `latest`), from cnidarium's cache or reopened
    /// at the substore versions recorded for it.
    async fn reopen(&self, latest: &Snapshot, version: u64) -> Option<Snapshot> {
        if let Some(snapshot) = self.storage.snapshot(version) {
            return Some(snapshot);
        }
        let recorded = latest
            .nonverifiable_get_raw(&substore_versions_key(version))
            .await
            .ok()??;
        let versions = decode_versions(self.substores, &recorded)?;
        self.storage.snapshot_at(version, &versions)
    }

    /// Keeps `snapshot` and every version committed between the newest kept one and it: the
    /// commit channel holds only the newest commit, so a follower that falls behind (a loaded
    /// node committing fast) would otherwise leave holes queries cannot read.
    async fn follow(&self, snapshot: Snapshot) {
        let version = snapshot.version();
        let oldest_wanted = version.saturating_sub(KEPT_VERSIONS as u64 - 1);
        // With nothing kept yet (the follower's first wake), every version before this one may
        // have been committed while it was not yet running.
        let first_missed = self.newest_kept().map_or(oldest_wanted, |newest| {
            newest.saturating_add(1).max(oldest_wanted)
        });
        let mut snapshots = Vec::new();
        for missed in first_missed..version {
            snapshots.extend(self.reopen(&snapshot, missed).await);
        }
        snapshots.push(snapshot);
        self.insert(snapshots);
    }
}

impl Committed {
    /// Follows `storage`'s commits; needs a tokio runtime. The follower stops when the last
    /// clone of this value is dropped (so the database can be closed) or the storage closes.
    /// `substores` are those whose versions consensus records with `record_substore_versions`.
    pub fn new(storage: Storage, substores: &'static [&'static str]) -> Self {
        let mut commits = storage.subscribe();
        let kept = Arc::new(Kept {
            storage,
            substores,
            history: RwLock::new(BTreeMap::new()),
        });
        let watched = Arc::downgrade(&kept);
        tokio::spawn(async move {
            while commits.changed().await.is_ok() {
                let snapshot = commits.borrow_and_update().clone();
                let Some(kept) = watched.upgrade() else {
                    break;
                };
                kept.follow(snapshot).await;
            }
        });
        Committed { kept }
    }

    pub fn storage(&self) -> &Storage {
        &self.kept.storage
    }

    /// Reopens the last `KEPT_VERSIONS` committed versions, as they were kept before the node
    /// stopped, from the substore versions `record_substore_versions` wrote for each. Returns
    /// how many were reopened.
    pub async fn restore_history(&self) -> usize {
        let latest = self.kept.storage.latest_snapshot();
        let newest = latest.version();
        if newest == u64::MAX {
            return 0;
        }
        let oldest = newest.saturating_sub(KEPT_VERSIONS as u64 - 1);
        let mut restored = Vec::new();
        for version in oldest..newest {
            restored.extend(self.kept.reopen(&latest, version).await);
        }
        let count = restored.len();
        self.kept.insert(restored);
        count
    }

    pub fn latest(&self) -> Snapshot {
        self.kept.storage.latest_snapshot()
    }

    /// The state committed at `version`, if still kept.
    pub fn snapshot(&self, version: u64) -> Option<Snapshot> {
        self.kept.storage.snapshot(version).or_else(|| {
            self.kept
                .history
                .read()
                .ok()
                .and_then(|kept| kept.get(&version).cloned())
        })
    }
}

/// Where the substore versions of each committed version are recorded: nonverifiable storage,
/// outside the app hash, since only this node's queries read them.
const SUBSTORE_VERSIONS_PREFIX: &[u8] = b"rmesh/substore_versions/";

fn substore_versions_key(version: u64) -> Vec<u8> {
    [SUBSTORE_VERSIONS_PREFIX, &version.to_be_bytes()].concat()
}

fn decode_versions<'a>(substores: &[&'a str], bytes: &[u8]) -> Option<Vec<(&'a str, u64)>> {
    if bytes.len() != substores.len() * 8 {
        return None;
    }
    Some(
        substores
            .iter()
            .zip(bytes.chunks_exact(8))
            .map(|(prefix, chunk)| {
                let mut be = [0; 8];
                be.copy_from_slice(chunk);
                (*prefix, u64::from_be_bytes(be))
            })
            .collect(),
    )
}

/// Records, in the block built on `committed`, the version each of `substores` had at
/// `committed`'s version (cnidarium does not keep it, and a snapshot of an old version needs it),
/// and forgets the record that fell out of the kept window.
pub fn record_substore_versions<S: StateWrite>(
    state: &mut S,
    committed: &Snapshot,
    substores: &[&str],
) {
    let version = committed.version();
    if version == u64::MAX {
        return;
    }
    let mut recorded = Vec::with_capacity(substores.len() * 8);
    for prefix in substores {
        let Ok(Some(substore_version)) = committed.prefix_version(prefix) else {
            return;
        };
        recorded.extend_from_slice(&substore_version.to_be_bytes());
    }
    state.nonverifiable_put_raw(substore_versions_key(version), recorded);
    if let Some(forgotten) = version.checked_sub(KEPT_VERSIONS as u64) {
        state.nonverifiable_delete(substore_versions_key(forgotten));
    }
}

/// The height a request names in its `x-cosmos-block-height` header (0, the latest, when it
/// names none), refused as the SDK refuses it: not an integer, negative, or above the latest
/// committed height.
pub fn requested_height(
    metadata: &tonic::metadata::MetadataMap,
    latest: u64,
) -> Result<u64, Status> {
    let Some(value) = metadata.get(HEIGHT_HEADER) else {
        return Ok(0);
    };
    let height = value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .ok_or_else(|| {
            Status::invalid_argument(format!("{HEIGHT_HEADER} must be a block height"))
        })?;
    let height = u64::try_from(height).map_err(|_| {
        Status::invalid_argument("cannot query with height < 0; please provide a valid height")
    })?;
    check_height(height, latest)?;
    Ok(height)
}

/// Refuses a query at a height above `latest`, the last committed one (0 means the latest).
pub fn check_height(height: u64, latest: u64) -> Result<(), Status> {
    if height > latest {
        return Err(Status::out_of_range(format!(
            "cannot query with height in the future; please provide a valid height (latest is {latest})"
        )));
    }
    Ok(())
}

/// The snapshot a query must read: state committed by the requested block, or the latest.
pub fn snapshot_for<T>(
    committed: &Committed,
    request: &tonic::Request<T>,
) -> Result<Snapshot, Status> {
    let latest = committed.latest();
    let latest_height = match latest.version() {
        u64::MAX => 0,
        version => version,
    };
    let height = requested_height(request.metadata(), latest_height)?;
    if height == 0 || height == latest.version() {
        return Ok(latest);
    }
    committed.snapshot(height).ok_or_else(|| {
        Status::invalid_argument(format!(
            "height {height} is not available (this node keeps the last {KEPT_VERSIONS} heights; latest is {latest_height})"
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
