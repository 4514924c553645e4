//! Setup shared by the benches: sizes from the environment, synthetic validators and a genesis
//! committed through InitChain.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use rmesh_auth::GenesisAccount;
use rmesh_bank::Balance;
use rmesh_core::{Address, Coin};
use rmesh_staking::GenesisValidator;
use rmeshd::genesis::AppState;
use rmeshd::node::consensus::Consensus;
use tendermint::v0_38::abci::{request, response, ConsensusRequest, ConsensusResponse};
use tendermint::Time;
use tower::{Service, ServiceExt};

pub const CHAIN_ID: &str = "bench-1";
pub const DENOM: &str = "urmesh";
pub const GENESIS_TIME: i64 = 1_700_000_000;

pub fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn operator(index: usize) -> Address {
    let mut bytes = [0u8; 20];
    bytes[..8].copy_from_slice(&(index as u64 + 1).to_be_bytes());
    bytes[19] = 0xaa;
    Address(bytes)
}

/// Adds `count` funded validators (10-token self-bonds) after `first_account` genesis accounts.
pub fn add_validators(genesis: &mut AppState, count: usize, first_account: usize) {
    for index in 0..count {
        let owner = operator(index).to_bech32("rmesh");
        genesis.auth.accounts.push(GenesisAccount::new(
            owner.clone(),
            (first_account + index) as u64,
        ));
        genesis.bank.balances.push(Balance {
            address: owner.clone(),
            coins: vec![Coin::new(1_000_000_000, DENOM)],
        });
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&(index as u64 + 1).to_be_bytes());
        use base64::Engine;
        genesis.staking.validators.push(GenesisValidator {
            operator: owner,
            consensus_pubkey: base64::engine::general_purpose::STANDARD.encode(key),
            moniker: format!("v{index}"),
            self_bond: 10_000_000,
            commission_rate: "0.1".parse().unwrap(),
            commission_max_rate: "0.2".parse().unwrap(),
            commission_max_change_rate: "0.01".parse().unwrap(),
            min_self_delegation: 1,
        });
    }
}

/// Commits `genesis` as version 0 through the consensus service's InitChain.
pub async fn init_chain(consensus: &mut Consensus, genesis: &AppState) {
    init_chain_with_id(consensus, genesis, CHAIN_ID).await;
}

/// Like [`init_chain`] for the chain `chain_id`; returns InitChain's response (its validators
/// are the set CometBFT would start with).
pub async fn init_chain_with_id(
    consensus: &mut Consensus,
    genesis: &AppState,
    chain_id: &str,
) -> response::InitChain {
    let init = request::InitChain {
        time: Time::from_unix_timestamp(GENESIS_TIME, 0).unwrap(),
        chain_id: chain_id.into(),
        consensus_params: tendermint::consensus::Params {
            block: tendermint::block::Size {
                max_bytes: 22_020_096,
                max_gas: -1,
                time_iota_ms: 1000,
            },
            evidence: tendermint::evidence::Params {
                max_age_num_blocks: 100_000,
                max_age_duration: tendermint::evidence::Duration(Duration::from_secs(172_800)),
                max_bytes: 1_048_576,
            },
            validator: tendermint::consensus::params::ValidatorParams {
                pub_key_types: vec![],
            },
            version: None,
            abci: Default::default(),
        },
        validators: vec![],
        app_state_bytes: serde_json::to_vec(genesis).unwrap().into(),
        initial_height: 1u32.into(),
    };
    let response = consensus
        .ready()
        .await
        .unwrap()
        .call(ConsensusRequest::InitChain(init))
        .await
        .unwrap();
    match response {
        ConsensusResponse::InitChain(response) => response,
        other => panic!("InitChain answered {other:?}"),
    }
}

/// FinalizeBlock of `txs` at `height`, `seconds` after genesis, then Commit; returns the time
/// each took and FinalizeBlock's response.
pub async fn timed_block(
    consensus: &mut Consensus,
    height: u64,
    seconds: i64,
    txs: Vec<Vec<u8>>,
) -> (Duration, Duration, response::FinalizeBlock) {
    let request = request::FinalizeBlock {
        txs: txs.into_iter().map(Into::into).collect(),
        decided_last_commit: tendermint::abci::types::CommitInfo {
            round: 0u16.into(),
            votes: vec![],
        },
        misbehavior: vec![],
        hash: tendermint::Hash::None,
        height: height.try_into().unwrap(),
        time: Time::from_unix_timestamp(GENESIS_TIME + seconds, 0).unwrap(),
        next_validators_hash: tendermint::Hash::None,
        proposer_address: tendermint::account::Id::new([0; 20]),
    };
    let started = Instant::now();
    let finalized = match call(consensus, ConsensusRequest::FinalizeBlock(request)).await {
        ConsensusResponse::FinalizeBlock(finalized) => finalized,
        other => panic!("FinalizeBlock answered {other:?}"),
    };
    let finalize = started.elapsed();
    let started = Instant::now();
    call(consensus, ConsensusRequest::Commit).await;
    (finalize, started.elapsed(), finalized)
}

async fn call(consensus: &mut Consensus, request: ConsensusRequest) -> ConsensusResponse {
    consensus
        .ready()
        .await
        .unwrap()
        .call(request)
        .await
        .unwrap()
}

/// `message` signed by `key` as the only message of a tx paying 2,000 of the bench denom.
pub fn sign_one<M: prost::Name>(
    key: &cosmrs::crypto::secp256k1::SigningKey,
    account_number: u64,
    sequence: u64,
    message: &M,
    gas_limit: u64,
) -> Vec<u8> {
    let any = cosmos_sdk_proto::Any {
        type_url: M::type_url(),
        value: message.encode_to_vec(),
    };
    let signer = rmeshd::client::SignerAccount {
        chain_id: CHAIN_ID.into(),
        account_number,
        sequence,
    };
    let fee = rmeshd::client::TxFee {
        amount: vec![Coin::new(2_000, DENOM)],
        gas_limit,
    };
    rmeshd::client::sign_tx(key, &signer, vec![any], &fee, "").unwrap()
}
