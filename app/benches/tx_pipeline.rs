//! What one node spends on a signed bank send in each ABCI phase it goes through (prints
//! figures; asserts nothing). On a live net every node checks every tx once (from a client or
//! from a peer), rechecks the ones still waiting after each block, then executes it in
//! FinalizeBlock and commits:
//!  1. CheckTx of every tx, senders interleaved as they would arrive;
//!  2. FinalizeBlock + Commit of the first block's share;
//!  3. the recheck of every tx still waiting;
//!  4. FinalizeBlock + Commit of the rest.
//!
//! Sizes: RMESH_BENCH_SENDERS (40) × RMESH_BENCH_TXS_PER_SENDER (100); the first block takes
//! RMESH_BENCH_FIRST_BLOCK (half) of them.

mod common;

use std::time::{Duration, Instant};

use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::crypto::secp256k1::SigningKey;
use rmesh_auth::{GenesisAccount, VerifiedSignatures};
use rmesh_bank::Balance;
use rmesh_core::Coin;
use rmeshd::config::parse_gas_prices;
use rmeshd::genesis::AppState;
use rmeshd::node::consensus::Consensus;
use rmeshd::node::mempool::Mempool;
use rmeshd::node::open_storage;
use tendermint::abci::request::CheckTxKind;
use tendermint::v0_38::abci::{request, MempoolRequest, MempoolResponse};
use tower::{Service, ServiceExt};

use common::{add_validators, init_chain, sign_one, size, timed_block, DENOM};

const VALIDATORS: usize = 4;
const MIN_GAS_PRICE: &str = "0.001urmesh";

struct Node {
    _home: tempfile::TempDir,
    consensus: Consensus,
    mempool: Mempool,
    height: u64,
}

impl Node {
    /// CheckTx of each tx; returns the time taken and how many were refused.
    async fn check(&mut self, txs: &[Vec<u8>], kind: CheckTxKind) -> (Duration, usize) {
        let started = Instant::now();
        let mut refused = 0;
        for tx in txs {
            let request = MempoolRequest::CheckTx(request::CheckTx {
                tx: tx.clone().into(),
                kind,
            });
            let response = self.mempool.ready().await.unwrap().call(request).await;
            let Ok(MempoolResponse::CheckTx(response)) = response else {
                panic!("CheckTx failed: {response:?}")
            };
            if response.code.is_err() {
                refused += 1;
            }
        }
        (started.elapsed(), refused)
    }

    /// FinalizeBlock then Commit; returns both times and how many txs failed.
    async fn block(&mut self, txs: &[Vec<u8>]) -> (Duration, Duration, usize) {
        self.height += 1;
        let (finalize, commit, finalized) = timed_block(
            &mut self.consensus,
            self.height,
            self.height as i64,
            txs.to_vec(),
        )
        .await;
        let failed = finalized
            .tx_results
            .iter()
            .filter(|r| r.code.is_err())
            .count();
        (finalize, commit, failed)
    }
}

fn per_tx(elapsed: Duration, count: usize) -> String {
    format!(
        "{:.1?} for {count} ({:.0} µs/tx, {:.0} tx/s)",
        elapsed,
        elapsed.as_secs_f64() * 1e6 / count.max(1) as f64,
        count as f64 / elapsed.as_secs_f64()
    )
}

/// `per_sender` sends from each sender to the next one, in arrival order: every sender's first
/// tx, then every sender's second, and so on.
fn signed_sends(keys: &[SigningKey], addresses: &[String], per_sender: usize) -> Vec<Vec<u8>> {
    let mut txs = Vec::with_capacity(keys.len() * per_sender);
    for sequence in 0..per_sender as u64 {
        for (number, key) in keys.iter().enumerate() {
            let send = MsgSend {
                from_address: addresses[number].clone(),
                to_address: addresses[(number + 1) % addresses.len()].clone(),
                amount: vec![ProtoCoin {
                    denom: DENOM.into(),
                    amount: "1".into(),
                }],
            };
            txs.push(sign_one(key, number as u64, sequence, &send, 200_000));
        }
    }
    txs
}

#[tokio::main]
async fn main() {
    let senders = size("RMESH_BENCH_SENDERS", 40);
    let per_sender = size("RMESH_BENCH_TXS_PER_SENDER", 100);
    let total = senders * per_sender;
    let first_block = size("RMESH_BENCH_FIRST_BLOCK", total / 2).min(total);
    println!(
        "tx pipeline on one node: {total} bank sends from {senders} senders, \
         first block {first_block}, {VALIDATORS} validators"
    );

    let keys: Vec<SigningKey> = (0..senders).map(|_| SigningKey::random()).collect();
    let addresses: Vec<String> = keys
        .iter()
        .map(|k| k.public_key().account_id("rmesh").unwrap().to_string())
        .collect();
    let mut genesis = AppState::default();
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
    add_validators(&mut genesis, VALIDATORS, senders);
    let txs = signed_sends(&keys, &addresses, per_sender);
    let size_sum: usize = txs.iter().map(Vec::len).sum();
    println!("  tx size {} bytes on average", size_sum / total.max(1));

    let home = tempfile::tempdir().unwrap();
    let storage = open_storage(home.path()).await.unwrap();
    let signatures = VerifiedSignatures::new();
    let mut node = Node {
        _home: home,
        consensus: Consensus::new(storage.clone(), signatures.clone()),
        mempool: Mempool::new(
            storage,
            parse_gas_prices(MIN_GAS_PRICE).unwrap(),
            signatures,
        ),
        height: 0,
    };
    init_chain(&mut node.consensus, &genesis).await;

    let (check, refused) = node.check(&txs, CheckTxKind::New).await;
    println!(
        "  CheckTx:       {}, {refused} refused",
        per_tx(check, total)
    );
    let (first, rest) = txs.split_at(first_block);
    let (finalize, commit, failed) = node.block(first).await;
    println!(
        "  FinalizeBlock: {}, {failed} failed; Commit {commit:.1?}",
        per_tx(finalize, first.len())
    );
    let (recheck, refused) = node.check(rest, CheckTxKind::Recheck).await;
    println!(
        "  Recheck:       {}, {refused} refused",
        per_tx(recheck, rest.len())
    );
    let (finalize, commit, failed) = node.block(rest).await;
    println!(
        "  FinalizeBlock: {}, {failed} failed; Commit {commit:.1?}",
        per_tx(finalize, rest.len())
    );
}
