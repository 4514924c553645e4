//! State sync snapshots are not offered: every ABCI snapshot call answers "none".

use std::future::{ready, Ready};
use std::task::{Context, Poll};

use super::abci_server::BoxError;
use tendermint::abci::response::ApplySnapshotChunkResult;
use tendermint::v0_38::abci::{request, response, SnapshotRequest, SnapshotResponse};
use tower::Service;

#[derive(Clone)]
pub struct Snapshots;

impl Service<SnapshotRequest> for Snapshots {
    type Response = SnapshotResponse;
    type Error = BoxError;
    type Future = Ready<Result<SnapshotResponse, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: SnapshotRequest) -> Self::Future {
        let response = match req {
            SnapshotRequest::ListSnapshots => SnapshotResponse::ListSnapshots(Default::default()),
            SnapshotRequest::OfferSnapshot(_) => {
                SnapshotResponse::OfferSnapshot(response::OfferSnapshot::Reject)
            }
            SnapshotRequest::LoadSnapshotChunk(_) => {
                SnapshotResponse::LoadSnapshotChunk(Default::default())
            }
            SnapshotRequest::ApplySnapshotChunk(request::ApplySnapshotChunk { .. }) => {
                SnapshotResponse::ApplySnapshotChunk(response::ApplySnapshotChunk {
                    result: ApplySnapshotChunkResult::Abort,
                    refetch_chunks: vec![],
                    reject_senders: vec![],
                })
            }
        };
        ready(Ok(response))
    }
}
