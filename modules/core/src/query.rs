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

/// Items per page when a request names no limit, as in the SDK.
pub const DEFAULT_PAGE_LIMIT: u64 = 100;
/// The most items one page holds: a larger limit is clamped to it, so one request cannot make
/// the node build an answer of unbounded size.
pub const MAX_PAGE_LIMIT: u64 = 1_000;

/// What a list request asks of its page (the fields of the SDK's `PageRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageAsk {
    /// The `next_key` a previous page returned; empty for the first page.
    pub key: Vec<u8>,
    pub offset: u64,
    pub limit: u64,
    pub count_total: bool,
    pub reverse: bool,
}

/// One page of a list, and what the SDK's `PageResponse` says of the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page starts (give it back as `key`); empty on the last page.
    pub next_key: Vec<u8>,
    /// The length of the whole list when `count_total` was asked on a page without `key`.
    pub total: u64,
}

/// Cuts `items` (in the list's order) into the page `ask` names. The key is the position of the
/// next item, 8 bytes big-endian, in the order read (reversed when `reverse`).
pub fn paginate<T>(items: Vec<T>, ask: &PageAsk) -> Result<Page<T>, Status> {
    paginate_up_to(items, ask, MAX_PAGE_LIMIT)
}

/// [`paginate`] with pages of up to `max_limit` items. IBC's lists honour any limit: relayers
/// ask them for everything in one page (Hermes with a limit of `u32::MAX`) and do not all
/// follow `next_key`.
pub fn paginate_up_to<T>(
    mut items: Vec<T>,
    ask: &PageAsk,
    max_limit: u64,
) -> Result<Page<T>, Status> {
    if !ask.key.is_empty() && ask.offset > 0 {
        return Err(Status::invalid_argument(
            "invalid request, either offset or key is expected, got both",
        ));
    }
    let start = if ask.key.is_empty() {
        ask.offset
    } else {
        let bytes: [u8; 8] = ask.key.as_slice().try_into().map_err(|_| {
            Status::invalid_argument(format!(
                "invalid pagination key {}: give back the next_key a previous page returned",
                hex_text(&ask.key)
            ))
        })?;
        u64::from_be_bytes(bytes)
    };
    let limit = match ask.limit {
        0 => DEFAULT_PAGE_LIMIT,
        limit => limit.min(max_limit),
    };
    let total = u64::try_from(items.len()).unwrap_or(u64::MAX);
    if ask.reverse {
        items.reverse();
    }
    let start_index = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(items.len());
    let end = start.saturating_add(limit);
    let end_index = usize::try_from(end).unwrap_or(usize::MAX).min(items.len());
    let page: Vec<T> = items.drain(start_index..end_index).collect();
    Ok(Page {
        items: page,
        next_key: if end < total {
            end.to_be_bytes().to_vec()
        } else {
            vec![]
        },
        total: if ask.count_total && ask.key.is_empty() {
            total
        } else {
            0
        },
    })
}

fn hex_text(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// [`paginate`] from the SDK's `PageRequest` (none: the first page of the default size) to the
/// page's items and its `PageResponse`.
pub fn page<T>(
    items: Vec<T>,
    request: Option<&cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest>,
) -> Result<
    (
        Vec<T>,
        Option<cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse>,
    ),
    Status,
> {
    let ask = request
        .map(|request| PageAsk {
            key: request.key.clone(),
            offset: request.offset,
            limit: request.limit,
            count_total: request.count_total,
            reverse: request.reverse,
        })
        .unwrap_or_default();
    let page = paginate(items, &ask)?;
    let response = cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse {
        next_key: page.next_key,
        total: page.total,
    };
    Ok((page.items, Some(response)))
}

#[cfg(test)]
mod page_tests {
    use super::*;

    fn ask(key: Vec<u8>, offset: u64, limit: u64, count_total: bool, reverse: bool) -> PageAsk {
        PageAsk {
            key,
            offset,
            limit,
            count_total,
            reverse,
        }
    }

    #[test]
    fn pages_follow_their_next_keys_to_the_end_of_the_list() {
        let items: Vec<u32> = (0..25).collect();
        let first = paginate(items.clone(), &ask(vec![], 0, 10, true, false)).unwrap();
        assert_eq!(first.items, (0..10).collect::<Vec<_>>());
        assert_eq!(first.total, 25);
        let second = paginate(items.clone(), &ask(first.next_key, 0, 10, true, false)).unwrap();
        assert_eq!(second.items, (10..20).collect::<Vec<_>>());
        assert_eq!(
            second.total, 0,
            "the total is counted on the first page only"
        );
        let last = paginate(items, &ask(second.next_key, 0, 10, false, false)).unwrap();
        assert_eq!(last.items, (20..25).collect::<Vec<_>>());
        assert!(last.next_key.is_empty());
    }

    #[test]
    fn offsets_reverse_order_and_limits_shape_the_page() {
        let items: Vec<u32> = (0..2_000).collect();
        let reversed = paginate(items.clone(), &ask(vec![], 5, 3, false, true)).unwrap();
        assert_eq!(reversed.items, vec![1994, 1993, 1992]);
        let default = paginate(items.clone(), &ask(vec![], 0, 0, false, false)).unwrap();
        assert_eq!(default.items.len() as u64, DEFAULT_PAGE_LIMIT);
        let clamped = paginate(items.clone(), &ask(vec![], 0, 1_000_000, false, false)).unwrap();
        assert_eq!(clamped.items.len() as u64, MAX_PAGE_LIMIT);
        let relayers_everything = paginate_up_to(
            items.clone(),
            &ask(vec![], 0, u64::from(u32::MAX), false, false),
            u64::MAX,
        )
        .unwrap();
        assert_eq!(relayers_everything.items.len(), 2_000);
        assert!(relayers_everything.next_key.is_empty());
        let beyond = paginate(items, &ask(vec![], 5_000, 10, true, false)).unwrap();
        assert!(beyond.items.is_empty() && beyond.next_key.is_empty());
        assert_eq!(beyond.total, 2_000);
    }

    #[test]
    fn a_key_with_an_offset_or_of_the_wrong_size_is_refused() {
        let both = paginate(vec![1, 2], &ask(vec![0; 8], 1, 1, false, false)).unwrap_err();
        assert!(both.message().contains("either offset or key"));
        let short = paginate(vec![1, 2], &ask(vec![1, 2], 0, 1, false, false)).unwrap_err();
        assert_eq!(short.code(), tonic::Code::InvalidArgument);
        assert!(short.message().contains("0102"));
    }
}
