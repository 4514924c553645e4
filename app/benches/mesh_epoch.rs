//! Mesh-security block costs at scale (prints figures; asserts nothing), on 150 validators and
//! 5 providers (RMESH_BENCH_VALIDATORS, RMESH_BENCH_PROVIDERS):
//!  1. an ordinary block at 1,000 positions and at 100,000 (RMESH_BENCH_POSITIONS): its cost
//!     must not grow with the number of positions;
//!  2. an ordinary block with 100 incoming stake packets (RMESH_BENCH_PACKETS);
//!  3. the epoch block that first delegates every provider's stake, and the next one after every
//!     price changed (each (provider, validator) delegation moves).

mod common;

use std::time::{Duration, Instant};

use cnidarium::{StateDelta, Storage};
use rmesh_converter::{Converter, ConverterRead, ConverterWrite, Provider, ProviderStatus};
use rmeshd::block::{begin_block, close_block, BlockHeader};
use rmeshd::genesis::AppState;
use rmeshd::node::consensus::Consensus;
use rmeshd::node::open_storage;
use tendermint::abci::types::CommitInfo;
use tendermint::Time;

use common::{add_validators, init_chain, operator, size, GENESIS_TIME};

const EPOCH: u64 = 1_000;
const SUCCESS: &[u8] = br#"{"result":"e30="}"#;

struct Bench {
    _home: tempfile::TempDir,
    storage: Storage,
    height: u64,
    validators: usize,
    providers: usize,
    packets_sent: usize,
}

impl Bench {
    fn provider(index: usize) -> String {
        format!("provider-{index}")
    }

    /// The next stake packet: delegators and validators cycle so positions are all distinct.
    fn next_stake(&mut self) -> (String, Vec<u8>) {
        let n = self.packets_sent;
        self.packets_sent += 1;
        let validator = operator(n % self.validators).to_bech32("rmeshvaloper");
        let data = format!(
            r#"{{"stake":{{"delegator":"remote1d{n}","validator":"{validator}","stake":{{"denom":"uremote","amount":"1000000"}},"tx_id":{n}}}}}"#
        );
        (Self::provider(n % self.providers), data.into_bytes())
    }

    /// Runs block `height` with `packets` after begin-block, as FinalizeBlock would, then
    /// commits; returns the FinalizeBlock-equivalent and commit durations.
    async fn block(&mut self, height: u64, packets: usize) -> (Duration, Duration) {
        self.height = height;
        let batch: Vec<(String, Vec<u8>)> = (0..packets).map(|_| self.next_stake()).collect();
        let commit_info = CommitInfo {
            round: 0u16.into(),
            votes: vec![],
        };
        let started = Instant::now();
        let snapshot = self.storage.latest_snapshot();
        let previous_app_hash = snapshot.root_hash().await.unwrap().0.to_vec();
        let mut state = StateDelta::new(snapshot);
        let header = BlockHeader {
            height,
            time: Time::from_unix_timestamp(GENESIS_TIME + height as i64, 0).unwrap(),
            previous_app_hash,
            next_validators_hash: tendermint::Hash::None,
            proposer_address: tendermint::account::Id::new([0; 20]),
            last_commit: &commit_info,
            misbehavior: &[],
        };
        begin_block(&mut state, &header).await.unwrap();
        for (provider, data) in &batch {
            let ack = Converter::on_recv_packet(&mut state, provider, data).await;
            assert_eq!(ack, SUCCESS, "{}", String::from_utf8_lossy(&ack));
        }
        close_block(&mut state, &header).await.unwrap();
        let staged = self.storage.prepare_commit(state).await.unwrap();
        let finalize = started.elapsed();
        let started = Instant::now();
        self.storage.commit_batch(staged).unwrap();
        (finalize, started.elapsed())
    }

    /// Stake packets in blocks of 10,000 until `positions` exist.
    async fn seed_positions(&mut self, positions: usize) {
        while self.packets_sent < positions {
            let count = (positions - self.packets_sent).min(10_000);
            self.block(self.height + 1, count).await;
        }
    }

    /// Every provider's price rises by 10% (the authority's price feed, written directly).
    async fn raise_prices(&mut self) {
        let mut state = StateDelta::new(self.storage.latest_snapshot());
        for mut provider in state.all_providers().await.unwrap() {
            provider.price = provider.price.checked_mul("1.1".parse().unwrap()).unwrap();
            state.put_provider(&provider).unwrap();
        }
        self.storage.commit(state).await.unwrap();
        self.height += 1;
    }

    /// The median FinalizeBlock time of five empty ordinary blocks.
    async fn ordinary(&mut self) -> Duration {
        let mut times = Vec::with_capacity(5);
        for _ in 0..5 {
            times.push(self.block(self.height + 1, 0).await.0);
        }
        times.sort();
        times[2]
    }

    fn next_epoch(&self) -> u64 {
        (self.height / EPOCH + 1) * EPOCH
    }
}

#[tokio::main]
async fn main() {
    let validators = size("RMESH_BENCH_VALIDATORS", 150);
    let providers = size("RMESH_BENCH_PROVIDERS", 5);
    let positions = size("RMESH_BENCH_POSITIONS", 100_000);
    let packets = size("RMESH_BENCH_PACKETS", 100);
    println!("mesh blocks: {validators} validators, {providers} providers, {positions} positions, {packets} stake packets");

    let mut genesis = AppState::default();
    add_validators(&mut genesis, validators, 0);
    genesis.staking.params.max_validators = validators as u32;
    genesis.virtual_staking.params.epoch_length = EPOCH;
    genesis.converter.providers = (0..providers)
        .map(|index| Provider {
            id: Bench::provider(index),
            remote_denom: "uremote".into(),
            price: "0.5".parse().unwrap(),
            discount: "0.1".parse().unwrap(),
            cap: u128::MAX / 2,
            status: ProviderStatus::Active,
            price_feeder: None,
            channel_id: None,
            connection_id: None,
            channel_close: None,
        })
        .collect();
    let home = tempfile::tempdir().unwrap();
    let storage = open_storage(home.path()).await.unwrap();
    let mut consensus = Consensus::new(storage.clone(), rmesh_auth::VerifiedSignatures::new());
    init_chain(&mut consensus, &genesis).await;
    drop(consensus);
    let mut bench = Bench {
        _home: home,
        storage,
        height: 0,
        validators,
        providers,
        packets_sent: 0,
    };

    bench.seed_positions(positions.min(1_000)).await;
    let small = bench.ordinary().await;
    let started = Instant::now();
    bench.seed_positions(positions).await;
    println!(
        "  seeded {positions} positions with stake packets in {:.1?}",
        started.elapsed()
    );
    let large = bench.ordinary().await;
    println!(
        "  an ordinary block (median of 5): FinalizeBlock {small:.1?} at {} positions, {large:.1?} at {positions}",
        positions.min(1_000)
    );
    let (with_packets, commit) = bench.block(bench.height + 1, packets).await;
    println!(
        "  an ordinary block with {packets} stake packets: FinalizeBlock {with_packets:.1?} ({:.0} packets/s), Commit {commit:.1?}",
        packets as f64 / with_packets.as_secs_f64()
    );
    let (first_epoch, commit) = bench.block(bench.next_epoch(), 0).await;
    let delegations = validators.min(positions) * providers;
    println!(
        "  the epoch block delegating {delegations} (provider, validator) stakes: FinalizeBlock {first_epoch:.1?}, Commit {commit:.1?}"
    );
    bench.raise_prices().await;
    let (repriced, commit) = bench.block(bench.next_epoch(), 0).await;
    println!("  the epoch block after every price rose 10%: FinalizeBlock {repriced:.1?}, Commit {commit:.1?}");
    let after = bench.ordinary().await;
    println!("  an ordinary block after the epochs: FinalizeBlock {after:.1?}");
}
