//! What IBC needs to know about this chain: its id and revision, height and time, proof specs,
//! unbonding period, and the consensus state a counterparty's client of us holds per height.

use std::time::Duration;

use cnidarium::{StateRead, StateWrite};
use ibc::clients::tendermint::types::ConsensusState as ConsensusStateType;
use ibc::core::client::types::Height;
use ibc::core::commitment_types::commitment::CommitmentRoot;
use ibc::core::commitment_types::specs::ProofSpecs;
use ibc::core::host::types::identifiers::ChainId;
use ibc::primitives::proto::{Any, Protobuf};
use ibc::primitives::Timestamp;
use prost::Message;
use rmesh_core::{BlockContextExt, SdkError, StoreRead, StoreWrite};
use rmesh_staking::StakingRead;

use crate::state_key;

const CHAIN_ID_KEY: &str = "ibc_host/chain_id";

#[derive(Debug, Clone)]
pub struct Host {
    pub chain_id: ChainId,
    pub height: Height,
    pub timestamp: Timestamp,
    pub unbonding: Duration,
    pub account_prefix: String,
}

fn invalid(what: impl std::fmt::Display) -> SdkError {
    SdkError::Internal(format!("ibc host: {what}"))
}

/// Both proofs of a value (key in the `ibc` substore, substore in the root) are JMT proofs.
pub fn proof_specs() -> ProofSpecs {
    ProofSpecs::try_from(vec![cnidarium::ics23_spec(), cnidarium::ics23_spec()])
        .expect("two JMT specs are valid proof specs")
}

/// The proof specs as relayers configure them (Hermes's `proof_specs`): JSON, both JMT.
pub fn proof_specs_json() -> String {
    let spec = cnidarium::ics23_spec();
    serde_json::to_string_pretty(&[&spec, &spec]).unwrap_or_default()
}

pub fn chain_id_of(text: &str) -> Result<ChainId, SdkError> {
    ChainId::new(text).map_err(|e| invalid(format!("chain id {text:?}: {e}")))
}

pub fn height_of(chain_id: &ChainId, height: u64) -> Result<Height, SdkError> {
    Height::new(chain_id.revision_number(), height.max(1)).map_err(invalid)
}

impl Host {
    /// The host as the block being executed sees it.
    pub async fn of_block<S: StateRead + ?Sized>(state: &S) -> Result<Self, SdkError> {
        let context = state.block_context();
        let chain_id = chain_id_of(&context.chain_id)?;
        Ok(Host {
            height: height_of(&chain_id, context.height)?,
            timestamp: Timestamp::from_nanoseconds(context.unix_nanos()),
            unbonding: Duration::from_secs(state.staking_params().await?.unbonding_time_seconds),
            account_prefix: rmesh_auth::AccountRead::bech32_prefix(state).await?,
            chain_id,
        })
    }

    /// The host as of a committed snapshot (for queries): its height and that block's time.
    pub async fn of_snapshot(snapshot: &cnidarium::Snapshot) -> Result<Self, SdkError> {
        let text: String = snapshot.get_json(CHAIN_ID_KEY).await?.unwrap_or_default();
        let chain_id = chain_id_of(&text)?;
        let height = height_of(&chain_id, snapshot.version())?;
        let timestamp = match own_consensus_state(snapshot, height.revision_height()).await? {
            Some(state) => {
                let nanos = state.timestamp.unix_timestamp_nanos();
                Timestamp::from_nanoseconds(u64::try_from(nanos).unwrap_or(0))
            }
            None => Timestamp::from_nanoseconds(0),
        };
        Ok(Host {
            height,
            timestamp,
            unbonding: Duration::from_secs(snapshot.staking_params().await?.unbonding_time_seconds),
            account_prefix: rmesh_auth::AccountRead::bech32_prefix(snapshot).await?,
            chain_id,
        })
    }
}

/// Kept as given: a chain id IBC cannot parse fails IBC messages and queries, not the chain.
pub fn put_chain_id<S: StateWrite + ?Sized>(state: &mut S, chain_id: &str) -> Result<(), SdkError> {
    state.put_json(CHAIN_ID_KEY.to_string(), &chain_id)
}

/// Our consensus state at `height`, as recorded when that block began.
pub async fn own_consensus_state<S: StateRead + ?Sized>(
    state: &S,
    height: u64,
) -> Result<Option<ConsensusStateType>, SdkError> {
    let Some(bytes) = state
        .get_bytes(&state_key::host_consensus_state(height))
        .await?
    else {
        return Ok(None);
    };
    <ConsensusStateType as Protobuf<Any>>::decode_vec(&bytes)
        .map(Some)
        .map_err(invalid)
}

/// Records the consensus state of the block beginning now: the app hash its header carries (the
/// root committed by the previous block), its time and its next validators hash. Keeps the last
/// `keep` heights, like the SDK's `historical_entries`.
pub fn record_own_consensus_state<S: StateWrite + ?Sized>(
    state: &mut S,
    height: u64,
    previous_root: &[u8],
    time: tendermint::Time,
    next_validators_hash: tendermint::Hash,
    keep: u64,
) -> Result<(), SdkError> {
    let consensus = ConsensusStateType::new(
        CommitmentRoot::from_bytes(previous_root),
        time,
        next_validators_hash,
    );
    let any = Any::from(consensus);
    state.put_bytes(state_key::host_consensus_state(height), any.encode_to_vec())?;
    if height > keep {
        state.delete_key(state_key::host_consensus_state(height - keep))?;
    }
    Ok(())
}
