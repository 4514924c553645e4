//! Helpers shared by the modules' gRPC query services: every query reads a committed snapshot,
//! the latest or the one named by the SDK's `x-cosmos-block-height` header.

use cnidarium::{Snapshot, Storage};
use tonic::Status;

use crate::error::SdkError;

pub const HEIGHT_HEADER: &str = "x-cosmos-block-height";

/// The snapshot a query must read: state committed by the requested block, or the latest.
pub fn snapshot_for<T>(storage: &Storage, request: &tonic::Request<T>) -> Result<Snapshot, Status> {
    let height = match request.metadata().get(HEIGHT_HEADER) {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
            .ok_or_else(|| Status::invalid_argument("x-cosmos-block-height must be an integer"))?,
        None => 0,
    };
    if height == 0 {
        return Ok(storage.latest_snapshot());
    }
    storage.snapshot(height).ok_or_else(|| {
        Status::invalid_argument(format!(
            "height {height} is not available (latest is {})",
            storage.latest_version()
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
