//! The mempool connection. CheckTx runs the whole tx against a mempool state that accumulates
//! accepted txs (so a client may send several with increasing sequences) and is rebuilt from the
//! committed state after each block, before CometBFT's rechecks arrive. Simulations run on a fork
//! of that state, as the SDK simulates on its check state: a client that sent one tx can estimate
//! the gas of its next one.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::abci_server::BoxError;
use cnidarium::{Snapshot, StateDelta, Storage};
use futures::future::BoxFuture;
use rmesh_auth::{AccountWrite, VerifiedSignatures, VerifiedSignaturesWriteExt};
use rmesh_core::BlockContextWriteExt;
use tendermint::abci::request::CheckTxKind;
use tendermint::abci::Code;
use tendermint::v0_38::abci::{response, MempoolRequest, MempoolResponse};
use tokio::sync::Mutex;
use tower::Service;

use super::state::next_block_context;
use crate::config::GasPrice;
use crate::tx::{run_tx, ExecMode};

#[derive(Clone)]
pub struct Mempool {
    inner: Arc<Mutex<MempoolState>>,
}

struct MempoolState {
    storage: Storage,
    mode: ExecMode,
    signatures: Arc<VerifiedSignatures>,
    /// The overlay of accepted txs and the committed version it was built on.
    overlay: Option<(u64, StateDelta<Snapshot>)>,
    /// Txs accepted into the overlay (new ones and those CometBFT rechecked after the block).
    accepted: usize,
}

impl Mempool {
    pub fn new(
        storage: Storage,
        minimum_gas_prices: Vec<GasPrice>,
        signatures: Arc<VerifiedSignatures>,
    ) -> Self {
        let mode = ExecMode::Check { minimum_gas_prices };
        Mempool {
            inner: Arc::new(Mutex::new(MempoolState {
                storage,
                mode,
                signatures,
                overlay: None,
                accepted: 0,
            })),
        }
    }

    /// Txs waiting for a block as this node's CheckTx saw them: accepted since the last commit,
    /// including those CometBFT rechecked and kept.
    pub async fn waiting_txs(&self) -> usize {
        let state = self.inner.lock().await;
        match &state.overlay {
            Some((built_on, _)) if *built_on == state.storage.latest_version() => state.accepted,
            _ => 0,
        }
    }

    /// The committed state plus every tx accepted since, as a fork its owner may change freely.
    pub async fn pending_state(&self) -> Result<StateDelta<Snapshot>, BoxError> {
        Ok(self.inner.lock().await.current_overlay().await?.fork())
    }
}

impl Service<MempoolRequest> for Mempool {
    type Response = MempoolResponse;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<MempoolResponse, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: MempoolRequest) -> Self::Future {
        let inner = self.inner.clone();
        Box::pin(async move {
            let MempoolRequest::CheckTx(req) = req;
            let recheck = req.kind == CheckTxKind::Recheck;
            let response = inner.lock().await.check_tx(&req.tx, recheck).await?;
            Ok(MempoolResponse::CheckTx(response))
        })
    }
}

impl MempoolState {
    /// The overlay, rebuilt on the latest committed state if a block was committed since.
    async fn current_overlay(&mut self) -> Result<&mut StateDelta<Snapshot>, BoxError> {
        let version = self.storage.latest_version();
        let stale = !matches!(&self.overlay, Some((built_on, _)) if *built_on == version);
        if stale {
            let mut overlay = StateDelta::new(self.storage.latest_snapshot());
            let context = next_block_context(&overlay, &self.storage).await?;
            overlay.put_block_context(context);
            overlay.cache_chain_constants().await?;
            overlay.use_verified_signatures(self.signatures.clone());
            self.overlay = Some((version, overlay));
            self.accepted = 0;
        }
        match self.overlay.as_mut() {
            Some((_, overlay)) => Ok(overlay),
            None => Err("mempool overlay missing".into()),
        }
    }

    async fn check_tx(&mut self, tx: &[u8], recheck: bool) -> Result<response::CheckTx, BoxError> {
        let mode = if recheck {
            ExecMode::Recheck
        } else {
            self.mode.clone()
        };
        let outcome = run_tx(self.current_overlay().await?, tx, &mode).await;
        if outcome.code == 0 {
            self.accepted = self.accepted.saturating_add(1);
        }
        Ok(response::CheckTx {
            code: Code::from(outcome.code),
            data: Default::default(),
            log: outcome.log,
            info: String::new(),
            gas_wanted: i64::try_from(outcome.gas_wanted).unwrap_or(i64::MAX),
            gas_used: i64::try_from(outcome.gas_used).unwrap_or(i64::MAX),
            events: vec![],
            codespace: outcome.codespace,
            ..Default::default()
        })
    }
}
