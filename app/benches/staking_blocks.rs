//! FinalizeBlock cost of staking at scale (prints figures; asserts nothing):
//!  1. a block of 1,000 signed MsgDelegate txs on a state of 150 validators and 100,000
//!     delegations;
//!  2. the block that matures 10,000 unbonding delegations.
//!
//! Sizes: RMESH_BENCH_VALIDATORS, RMESH_BENCH_DELEGATIONS, RMESH_BENCH_TXS, RMESH_BENCH_UNBONDINGS.

mod common;

use std::time::{Duration, Instant};

use cnidarium::{StateDelta, Storage};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::staking::v1beta1::MsgDelegate;
use cosmrs::crypto::secp256k1::SigningKey;
use rmesh_auth::GenesisAccount;
use rmesh_bank::{Balance, BankWrite};
use rmesh_core::{Address, BlockContext, BlockContextWriteExt, Coin, Coins};
use rmesh_staking::StakingWrite;
use rmeshd::genesis::AppState;
use rmeshd::hooks::AppHooks;
use rmeshd::node::consensus::Consensus;
use rmeshd::node::open_storage;

use common::{
    add_validators, init_chain, operator, sign_one, size, timed_block, CHAIN_ID, DENOM,
    GENESIS_TIME,
};

const UNBONDING_SECONDS: u64 = 60;

fn coins(amount: u128) -> Coins {
    let mut set = Coins::new();
    set.add(&Coin::new(amount, DENOM)).unwrap();
    set
}

fn synthetic(index: usize) -> Address {
    let mut bytes = [0u8; 20];
    bytes[..8].copy_from_slice(&(index as u64 + 1).to_be_bytes());
    bytes[19] = 0xbb;
    Address(bytes)
}

struct Bench {
    _home: tempfile::TempDir,
    storage: Storage,
    consensus: Consensus,
    height: u64,
}

impl Bench {
    /// FinalizeBlock and Commit at `seconds` after genesis; returns both durations and results.
    async fn block(&mut self, txs: Vec<Vec<u8>>, seconds: i64) -> (Duration, Duration, Vec<u32>) {
        self.height += 1;
        let (finalize, commit, finalized) =
            timed_block(&mut self.consensus, self.height, seconds, txs).await;
        let codes = finalized
            .tx_results
            .iter()
            .map(|r| r.code.value())
            .collect();
        (finalize, commit, codes)
    }

    /// Writes directly what thousands of earlier blocks would have built, as one commit.
    async fn seed(
        &mut self,
        seconds: i64,
        build: impl AsyncFnOnce(&mut StateDelta<cnidarium::Snapshot>),
    ) {
        let mut state = StateDelta::new(self.storage.latest_snapshot());
        state.put_block_context(BlockContext {
            chain_id: CHAIN_ID.into(),
            height: self.height,
            time_seconds: GENESIS_TIME + seconds,
            time_nanos: 0,
        });
        build(&mut state).await;
        self.storage.commit(state).await.unwrap();
    }
}

#[tokio::main]
async fn main() {
    let validators = size("RMESH_BENCH_VALIDATORS", 150);
    let delegations = size("RMESH_BENCH_DELEGATIONS", 100_000);
    let tx_count = size("RMESH_BENCH_TXS", 1_000);
    let unbondings = size("RMESH_BENCH_UNBONDINGS", 10_000);
    println!("staking blocks: {validators} validators, {delegations} delegations, {tx_count} delegate txs, {unbondings} unbondings");

    let keys: Vec<SigningKey> = (0..tx_count).map(|_| SigningKey::random()).collect();
    let addresses: Vec<String> = keys
        .iter()
        .map(|k| k.public_key().account_id("rmesh").unwrap().to_string())
        .collect();
    let mut genesis = AppState::default();
    genesis.staking.params.unbonding_time_seconds = UNBONDING_SECONDS;
    genesis.staking.params.max_validators = validators as u32;
    genesis.staking.params.max_entries = 100;
    for (number, address) in addresses.iter().enumerate() {
        genesis
            .auth
            .accounts
            .push(GenesisAccount::new(address.clone(), number as u64));
        genesis.bank.balances.push(Balance {
            address: address.clone(),
            coins: vec![Coin::new(1_000_000_000, DENOM)],
        });
    }
    add_validators(&mut genesis, validators, tx_count);
    let home = tempfile::tempdir().unwrap();
    let storage = open_storage(home.path()).await.unwrap();
    let mut bench = Bench {
        _home: home,
        consensus: Consensus::new(storage.clone(), rmesh_auth::VerifiedSignatures::new()),
        storage,
        height: 0,
    };
    init_chain(&mut bench.consensus, &genesis).await;

    let started = Instant::now();
    bench
        .seed(1, async |state| {
            for index in 0..delegations {
                let delegator = synthetic(index);
                state.mint(&delegator, &coins(2_000_000)).await.unwrap();
                state
                    .delegate::<AppHooks>(&delegator, &operator(index % validators), 1_000_000)
                    .await
                    .unwrap();
            }
        })
        .await;
    println!(
        "  seeded {delegations} delegations in {:.1?}",
        started.elapsed()
    );

    let txs: Vec<Vec<u8>> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let msg = MsgDelegate {
                delegator_address: addresses[i].clone(),
                validator_address: operator(i % validators).to_bech32("rmeshvaloper"),
                amount: Some(ProtoCoin {
                    denom: DENOM.into(),
                    amount: "1000000".into(),
                }),
            };
            sign_one(key, i as u64, 0, &msg, 1_000_000)
        })
        .collect();
    let (finalize, commit, codes) = bench.block(txs, 5).await;
    let failed = codes.iter().filter(|c| **c != 0).count();
    println!(
        "  block of {tx_count} delegate txs: FinalizeBlock {:.1?} ({:.0} tx/s), Commit {:.1?}, {failed} failed",
        finalize,
        tx_count as f64 / finalize.as_secs_f64(),
        commit
    );

    let (empty, _, _) = bench.block(vec![], 10).await;
    println!("  an empty block on that state: FinalizeBlock {empty:.1?}");

    let started = Instant::now();
    bench
        .seed(15, async |state| {
            for index in 0..unbondings {
                state
                    .undelegate::<AppHooks>(
                        &synthetic(index),
                        &operator(index % validators),
                        500_000,
                    )
                    .await
                    .unwrap();
            }
        })
        .await;
    println!(
        "  seeded {unbondings} unbondings in {:.1?}",
        started.elapsed()
    );
    let (before, _, _) = bench.block(vec![], 20).await;
    println!("  a block before they mature: FinalizeBlock {before:.1?}");
    let (maturing, commit, _) = bench.block(vec![], 15 + UNBONDING_SECONDS as i64).await;
    println!("  the block maturing {unbondings} unbondings: FinalizeBlock {maturing:.1?}, Commit {commit:.1?}");
}
