//! The info connection: Info (for CometBFT's handshake and crash replay) and Query.

use std::task::{Context, Poll};

use super::abci_server::BoxError;
use cnidarium::Storage;
use futures::future::BoxFuture;
use tendermint::abci::Code;
use tendermint::v0_38::abci::{request, response, InfoRequest, InfoResponse};
use tower::Service;

use super::consensus::app_hash;
use crate::query::QueryRouter;

#[derive(Clone)]
pub struct Info {
    storage: Storage,
    router: QueryRouter,
}

impl Info {
    pub fn new(storage: Storage, router: QueryRouter) -> Self {
        Info { storage, router }
    }
}

impl Service<InfoRequest> for Info {
    type Response = InfoResponse;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<InfoResponse, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: InfoRequest) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            Ok(match req {
                InfoRequest::Info(_) => InfoResponse::Info(this.info().await?),
                InfoRequest::Query(req) => InfoResponse::Query(this.query(req).await),
                InfoRequest::Echo(req) => InfoResponse::Echo(response::Echo {
                    message: req.message,
                }),
            })
        })
    }
}

impl Info {
    /// Height and app hash from one snapshot, so a commit landing meanwhile cannot pair the
    /// height of one block with the hash of another.
    async fn info(&self) -> Result<response::Info, BoxError> {
        let snapshot = self.storage.latest_snapshot();
        let (height, app_hash) = match snapshot.version() {
            u64::MAX => (0, Default::default()),
            version => (version, app_hash(&snapshot.root_hash().await?)),
        };
        Ok(response::Info {
            data: "rmesh".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            app_version: 1,
            last_block_height: height.try_into()?,
            last_block_app_hash: app_hash,
        })
    }

    async fn query(&self, req: request::Query) -> response::Query {
        let height = req.height.value();
        match self
            .router
            .query(&req.path, req.data.to_vec(), height, req.prove)
            .await
        {
            Ok(answer) => response::Query {
                key: answer.key.into(),
                value: answer.value.into(),
                proof: answer.proof,
                height: answer.height.try_into().unwrap_or_default(),
                ..Default::default()
            },
            Err(status) => response::Query {
                code: Code::from(query_error_code(status.code())),
                log: status.message().to_string(),
                codespace: "sdk".into(),
                height: req.height,
                ..Default::default()
            },
        }
    }
}

/// SDK codes for failed queries: not found (38), unknown path (6), a height above the latest
/// (26), otherwise invalid request (18).
fn query_error_code(code: tonic::Code) -> u32 {
    match code {
        tonic::Code::NotFound => 38,
        tonic::Code::Unimplemented => 6,
        tonic::Code::OutOfRange => 26,
        tonic::Code::Internal | tonic::Code::Unavailable => 1,
        _ => 18,
    }
}
