//! The consensus connection: InitChain, PrepareProposal, ProcessProposal, FinalizeBlock, Commit.
//! Calls are serialized; FinalizeBlock stages a write batch whose root is the app hash, and
//! Commit writes it, so a crash between the two replays the block cleanly.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::abci_server::BoxError;
use bytes::Bytes;
use cnidarium::{StagedWriteBatch, StateDelta, Storage};
use futures::future::BoxFuture;
use rmesh_core::{BlockContext, BlockContextWriteExt};
use tendermint::abci::types::ExecTxResult;
use tendermint::abci::Code;
use tendermint::v0_38::abci::{request, response, ConsensusRequest, ConsensusResponse};
use tendermint::AppHash;
use tokio::sync::Mutex;
use tower::Service;

use futures::FutureExt;
use rmesh_auth::{
    AccountRead, PublicKey as AccountKey, VerifiedSignatures, VerifiedSignaturesWriteExt,
};
use rmesh_bank::BankRead;
use rmesh_core::Address;
use rmesh_staking::{PowerUpdate, Staking};
use tendermint::{validator, vote, PublicKey};

use super::read_cache::{self, CachedSnapshot};
use super::state::{mark_commit, put_chain_id, record_block_time};
use super::SUBSTORES;
use crate::block::{self, BlockHeader};
use crate::genesis::{self, AppState};
use crate::hooks::AppHooks;
use crate::tx::{decode_tx, run_tx, ExecMode, TxOutcome};
use crate::upgrades::Upgrades;
use rmesh_core::query::record_substore_versions;

#[derive(Clone)]
pub struct Consensus {
    inner: Arc<Mutex<ConsensusState>>,
}

struct ConsensusState {
    storage: Storage,
    staged: Option<StagedWriteBatch>,
    signatures: Arc<VerifiedSignatures>,
    upgrades: Upgrades,
}

impl Consensus {
    /// `signatures` is shared with the mempool, so blocks skip re-verifying admitted txs.
    /// Carries no upgrade migration and writes no `upgrade-info.json`; see [`Self::with_upgrades`].
    pub fn new(storage: Storage, signatures: Arc<VerifiedSignatures>) -> Self {
        Self::with_upgrades(storage, signatures, Upgrades::default())
    }

    /// A node that applies the plans `upgrades` carries and halts at the others.
    pub fn with_upgrades(
        storage: Storage,
        signatures: Arc<VerifiedSignatures>,
        upgrades: Upgrades,
    ) -> Self {
        Consensus {
            inner: Arc::new(Mutex::new(ConsensusState {
                storage,
                staged: None,
                signatures,
                upgrades,
            })),
        }
    }
}

impl Service<ConsensusRequest> for Consensus {
    type Response = ConsensusResponse;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<ConsensusResponse, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: ConsensusRequest) -> Self::Future {
        let inner = self.inner.clone();
        Box::pin(async move { inner.lock().await.handle(req).await })
    }
}

pub fn app_hash(root: &cnidarium::RootHash) -> AppHash {
    AppHash::try_from(root.0.to_vec()).unwrap_or_default()
}

impl ConsensusState {
    async fn handle(&mut self, req: ConsensusRequest) -> Result<ConsensusResponse, BoxError> {
        Ok(match req {
            ConsensusRequest::InitChain(req) => {
                ConsensusResponse::InitChain(self.init_chain(req).await?)
            }
            ConsensusRequest::PrepareProposal(req) => {
                ConsensusResponse::PrepareProposal(prepare_proposal(req))
            }
            ConsensusRequest::ProcessProposal(req) => {
                ConsensusResponse::ProcessProposal(process_proposal(req))
            }
            ConsensusRequest::FinalizeBlock(req) => {
                ConsensusResponse::FinalizeBlock(self.finalize_block(req).await?)
            }
            ConsensusRequest::Commit => ConsensusResponse::Commit(self.commit()?),
            ConsensusRequest::ExtendVote(_) => {
                ConsensusResponse::ExtendVote(response::ExtendVote {
                    vote_extension: Bytes::new(),
                })
            }
            ConsensusRequest::VerifyVoteExtension(_) => {
                ConsensusResponse::VerifyVoteExtension(response::VerifyVoteExtension::Accept)
            }
        })
    }

    /// Writes genesis as version 0. CometBFT repeats InitChain if it crashed before block 1;
    /// the genesis already committed is then kept.
    async fn init_chain(
        &mut self,
        req: request::InitChain,
    ) -> Result<response::InitChain, BoxError> {
        if self.storage.latest_version() != u64::MAX {
            let root = self.storage.latest_snapshot().root_hash().await?;
            return Ok(init_chain_response(&root));
        }
        let app_state = AppState::from_bytes(&req.app_state_bytes).map_err(genesis_error)?;
        let mut state = StateDelta::new(self.storage.latest_snapshot());
        state.put_block_context(BlockContext {
            chain_id: req.chain_id.clone(),
            height: 0,
            time_seconds: req.time.unix_timestamp(),
            time_nanos: 0,
        });
        put_chain_id(&mut state, &req.chain_id)?;
        record_block_time(&mut state)?;
        genesis::init_chain(&mut state, app_state)
            .await
            .map_err(genesis_error)?;
        // Genesis sets the first validator set; no epoch ends at height 0.
        let updates = Staking::end_block::<_, AppHooks>(&mut state)
            .await
            .map_err(genesis_error)?;
        mark_commit(&mut state, 0);
        let root = self.storage.commit(state).await?;
        tracing::info!(chain_id = %req.chain_id, app_hash = %hex::encode(root.0), "genesis committed");
        let mut response = init_chain_response(&root);
        response.validators = cometbft_updates(updates)?;
        Ok(response)
    }

    async fn finalize_block(
        &mut self,
        req: request::FinalizeBlock,
    ) -> Result<response::FinalizeBlock, BoxError> {
        let snapshot = self.storage.latest_snapshot();
        let previous_app_hash = snapshot.root_hash().await?.0.to_vec();
        let committed = CachedSnapshot::new(snapshot.clone());
        prefetch_signers(&committed, &req.txs).await;
        let mut state = StateDelta::new(committed);
        record_substore_versions(&mut state, &snapshot, SUBSTORES);
        let header = BlockHeader {
            height: req.height.value(),
            time: req.time,
            previous_app_hash,
            next_validators_hash: req.next_validators_hash,
            proposer_address: req.proposer_address,
            last_commit: &req.decided_last_commit,
            misbehavior: &req.misbehavior,
        };
        block::open_block(&mut state, &header).await?;
        // A due plan is applied (or halts the node) before anything of the block runs.
        let mut events = self
            .upgrades
            .before_block(&mut state, header.height)
            .await
            .map_err(|stop| -> BoxError { stop.to_string().into() })?;
        events.extend(block::modules_begin_block(&mut state, &header).await?);
        state.use_verified_signatures(self.signatures.clone());
        let mut tx_results = Vec::with_capacity(req.txs.len());
        for tx in &req.txs {
            let outcome = run_tx(&mut state, tx, &ExecMode::Deliver).await;
            tx_results.push(exec_tx_result(outcome));
        }
        let (updates, end_events) = block::close_block(&mut state, &header).await?;
        events.extend(end_events);
        let staged = self
            .storage
            .prepare_commit(read_cache::uncached(state))
            .await?;
        let app_hash = app_hash(staged.root_hash());
        self.staged = Some(staged);
        Ok(response::FinalizeBlock {
            events,
            tx_results,
            validator_updates: cometbft_updates(updates)?,
            consensus_param_updates: None,
            app_hash,
        })
    }

    fn commit(&mut self) -> Result<response::Commit, BoxError> {
        let staged = self
            .staged
            .take()
            .ok_or("Commit without a finalized block")?;
        let root = self.storage.commit_batch(staged)?;
        tracing::debug!(height = self.storage.latest_version(), app_hash = %hex::encode(root.0), "committed");
        Ok(response::Commit {
            data: Bytes::new(),
            retain_height: 0u32.into(),
        })
    }
}

/// Staking's power changes in CometBFT's form.
/// Reads every signer's account and fee balance ahead of the txs, several at a time: they are
/// read by every tx's ante. A tx whose signers cannot be told from its bytes is simply skipped.
async fn prefetch_signers(committed: &CachedSnapshot, txs: &[Bytes]) {
    let signers: Vec<(Address, String)> = txs
        .iter()
        .filter_map(|bytes| decode_tx(bytes).ok())
        .flat_map(|tx| {
            let denom = tx
                .auth_info
                .fee
                .as_ref()
                .and_then(|fee| fee.amount.first())
                .map(|coin| coin.denom.clone())
                .unwrap_or_default();
            tx.auth_info
                .signer_infos
                .iter()
                .filter_map(|info| AccountKey::from_stored_any(info.public_key.as_ref()?).ok())
                .map(|key| (key.address(), denom.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut reads = Vec::with_capacity(signers.len() * 2);
    for (signer, denom) in &signers {
        reads.push(committed.account(signer).map(drop).boxed());
        reads.push(committed.balance(signer, denom).map(drop).boxed());
    }
    read_cache::prefetch(reads).await;
}

fn cometbft_updates(updates: Vec<PowerUpdate>) -> Result<Vec<validator::Update>, BoxError> {
    updates
        .into_iter()
        .map(|update| {
            let pub_key = PublicKey::from_raw_ed25519(&update.consensus_pubkey)
                .ok_or("staking holds an invalid ed25519 key")?;
            Ok(validator::Update {
                pub_key,
                power: vote::Power::try_from(update.power)?,
            })
        })
        .collect()
}

fn genesis_error(err: rmesh_core::SdkError) -> BoxError {
    tracing::error!("refusing genesis: {err}");
    format!("refusing genesis: {err}").into()
}

fn init_chain_response(root: &cnidarium::RootHash) -> response::InitChain {
    response::InitChain {
        consensus_params: None,
        validators: vec![],
        app_hash: app_hash(root),
    }
}

/// Keeps the mempool's order and stops before the block's byte limit.
fn prepare_proposal(req: request::PrepareProposal) -> response::PrepareProposal {
    let limit = usize::try_from(req.max_tx_bytes).unwrap_or(0);
    let mut total = 0usize;
    let txs = req
        .txs
        .into_iter()
        .take_while(|tx| {
            total += tx.len();
            total <= limit
        })
        .collect();
    response::PrepareProposal { txs }
}

/// A proposal whose txs do not all decode is refused: honest proposers never build one.
fn process_proposal(req: request::ProcessProposal) -> response::ProcessProposal {
    if req.txs.iter().all(|tx| decode_tx(tx).is_ok()) {
        response::ProcessProposal::Accept
    } else {
        response::ProcessProposal::Reject
    }
}

pub fn exec_tx_result(outcome: TxOutcome) -> ExecTxResult {
    ExecTxResult {
        code: Code::from(outcome.code),
        data: outcome.data.into(),
        log: outcome.log,
        info: String::new(),
        gas_wanted: i64::try_from(outcome.gas_wanted).unwrap_or(i64::MAX),
        gas_used: i64::try_from(outcome.gas_used).unwrap_or(i64::MAX),
        events: outcome.events,
        codespace: outcome.codespace,
    }
}
