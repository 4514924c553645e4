//! Duplicate-vote evidence, built the way a watcher would: two conflicting precommits for one
//! height and round, signed with a validator's consensus key from its `priv_validator_key.json`,
//! wrapped in CometBFT's `DuplicateVoteEvidence` JSON for `/broadcast_evidence`.
//!
//! The sign bytes come from the `tendermint` crate (length-delimited `CanonicalVote`, what CometBFT
//! verifies). The JSON is written by hand: CometBFT decodes `TotalVotingPower`, `ValidatorPower`
//! and `Timestamp` by their Go field names, which the crate's serde form does not use.

use anyhow::{anyhow, ensure, Context, Result};
use base64::{engine::general_purpose::STANDARD as B64, Engine as _};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::Path;
use tendermint::{
    account, block,
    hash::{Algorithm, Hash},
    vote::{self, ValidatorIndex, Vote},
    Time,
};

/// A validator's ed25519 consensus key, read from a CometBFT `priv_validator_key.json`.
pub struct ConsensusKey {
    key: ed25519_consensus::SigningKey,
    /// The validator address (first 20 bytes of the SHA-256 of the public key).
    pub address: [u8; 20],
}

impl ConsensusKey {
    pub fn from_file(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let json: Value = serde_json::from_str(&text)?;
        let field = |pointer: &str| {
            json.pointer(pointer)
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow!("{}: no {pointer}", path.display()))
        };
        // CometBFT stores the 64-byte expanded form: seed, then public key.
        let private = B64.decode(field("/priv_key/value")?)?;
        ensure!(private.len() == 64, "ed25519 private key is not 64 bytes");
        let seed: [u8; 32] = private[..32].try_into()?;
        let key = ed25519_consensus::SigningKey::from(seed);
        ensure!(
            key.verification_key().as_bytes()[..] == private[32..],
            "{}: the private key does not match its public half",
            path.display()
        );
        let address = hex::decode(field("/address")?)?
            .try_into()
            .map_err(|_| anyhow!("validator address is not 20 bytes"))?;
        Ok(Self { key, address })
    }

    /// Writes a new key, derived from `seed`, as a CometBFT `priv_validator_key.json` at
    /// `path` (for a validator no node runs); returns its public key in base64.
    pub fn write_new(path: &Path, seed: [u8; 32]) -> Result<String> {
        let key = ed25519_consensus::SigningKey::from(seed);
        let public = key.verification_key().to_bytes();
        let address = Sha256::digest(public);
        let private: Vec<u8> = seed.iter().chain(public.iter()).copied().collect();
        let file = json!({
            "address": hex::encode_upper(&address[..20]),
            "pub_key": {"type": "tendermint/PubKeyEd25519", "value": B64.encode(public)},
            "priv_key": {"type": "tendermint/PrivKeyEd25519", "value": B64.encode(private)},
        });
        std::fs::write(path, serde_json::to_string_pretty(&file)?)
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(B64.encode(public))
    }

    /// Upper-case hex, as CometBFT's RPC prints validator addresses.
    pub fn address_hex(&self) -> String {
        hex::encode_upper(self.address)
    }
}

/// Where and how hard the conflicting votes hit: the height, its block time (RFC 3339, as
/// `/block` prints it) and the powers CometBFT's `/validators?height=` reports for it.
#[derive(Debug, Clone)]
pub struct Infraction {
    pub chain_id: String,
    pub height: u64,
    pub block_time: String,
    pub validator_index: u32,
    pub validator_power: u64,
    pub total_voting_power: u64,
}

/// `{"type": "tendermint/DuplicateVoteEvidence", "value": ...}`: two precommits by `key` at round 0
/// of `at.height` for two made-up blocks, each vote timestamped with the block time.
pub fn duplicate_vote(key: &ConsensusKey, at: &Infraction) -> Result<Value> {
    // CometBFT wants vote A's block id to sort before vote B's.
    let vote_a = signed_precommit(key, at, [0x0a; 32])?;
    let vote_b = signed_precommit(key, at, [0x0b; 32])?;
    Ok(json!({
        "type": "tendermint/DuplicateVoteEvidence",
        "value": {
            "vote_a": vote_a,
            "vote_b": vote_b,
            "TotalVotingPower": at.total_voting_power.to_string(),
            "ValidatorPower": at.validator_power.to_string(),
            "Timestamp": at.block_time,
        }
    }))
}

fn signed_precommit(key: &ConsensusKey, at: &Infraction, block_hash: [u8; 32]) -> Result<Value> {
    let tm = |e: tendermint::Error| anyhow!("{e}");
    let hash = Hash::from_bytes(Algorithm::Sha256, &block_hash).map_err(tm)?;
    let block_id = block::Id {
        hash,
        part_set_header: block::parts::Header::new(1, hash).map_err(tm)?,
    };
    let vote = Vote {
        vote_type: vote::Type::Precommit,
        height: block::Height::try_from(at.height).map_err(tm)?,
        round: block::Round::default(),
        block_id: Some(block_id),
        timestamp: Some(Time::parse_from_rfc3339(&at.block_time).map_err(tm)?),
        validator_address: account::Id::new(key.address),
        validator_index: ValidatorIndex::try_from(at.validator_index).map_err(tm)?,
        signature: None,
        extension: vec![],
        extension_signature: None,
    };
    let chain_id = at.chain_id.parse().map_err(tm)?;
    let signature = key.key.sign(&vote.into_signable_vec(chain_id));
    let hex_hash = hex::encode_upper(block_hash);
    Ok(json!({
        "type": 2, // SIGNED_MSG_TYPE_PRECOMMIT
        "height": at.height.to_string(),
        "round": 0,
        "block_id": {"hash": hex_hash, "parts": {"total": 1, "hash": hex_hash}},
        "timestamp": at.block_time,
        "validator_address": key.address_hex(),
        "validator_index": at.validator_index,
        "signature": B64.encode(signature.to_bytes()),
    }))
}

/// A watcher's report: `key_file`'s validator signs two precommits for different blocks at the
/// committed `height` of the chain behind `rpc`, and the evidence goes to that node. Returns
/// the height of the block that carried it.
pub fn double_sign(rpc: SocketAddr, chain_id: &str, key_file: &Path, height: u64) -> Result<u64> {
    let key = ConsensusKey::from_file(key_file)?;
    let address = key.address_hex();
    let set = crate::rpc::validators(rpc, Some(height))?;
    let index = set
        .iter()
        .position(|(a, _)| *a == address)
        .with_context(|| format!("{address} is not in the set at {height}: {set:?}"))?;
    let infraction = Infraction {
        chain_id: chain_id.to_string(),
        height,
        block_time: crate::rpc::block_time(rpc, height)?,
        validator_index: index as u32,
        validator_power: set[index].1,
        total_voting_power: set.iter().map(|(_, p)| p).sum(),
    };
    let sent_at = crate::rpc::height(rpc)?;
    crate::rpc::broadcast_evidence(rpc, &duplicate_vote(&key, &infraction)?)?;
    let mut included = None;
    crate::wait_until("a block to carry the evidence", crate::WAIT, || {
        for x in sent_at..=crate::rpc::height(rpc)? {
            let list = &crate::rpc::block(rpc, x)?["block"]["evidence"]["evidence"];
            if list.as_array().is_some_and(|l| !l.is_empty()) {
                included = Some(x);
                return Ok(true);
            }
        }
        Ok(false)
    })?;
    included.ok_or_else(|| anyhow!("no block carried the evidence"))
}
