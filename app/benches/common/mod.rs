//! Setup shared by the benches: sizes from the environment, synthetic validators and a genesis
//! committed through InitChain.

#![allow(dead_code)]

use std::time::Duration;

use rmesh_auth::genesis::GenesisAccount;
use rmesh_bank::genesis::Balance;
use rmesh_core::{Address, Coin};
use rmesh_staking::genesis::GenesisValidator;
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
