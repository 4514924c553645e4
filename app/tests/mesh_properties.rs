//! Random provider packet sequences and prices against the whole app: limits always hold,
//! virtual tokens are accounted for exactly, and the same sequence gives the same app hash.

mod support;

use cosmos_sdk_proto::Any;
use proptest::prelude::*;
use prost::{Message, Name};
use rmesh_bank::BankRead;
use rmesh_converter::ConverterRead;
use rmesh_core::{Address, Decimal};
use rmesh_proto::converter::v1::MsgSetPrice;
use rmesh_staking::{BondStatus, StakingRead, BONDED_POOL};
use rmesh_virtual_staking::VirtualStakingRead;
use support::mesh::*;
use support::staking::{FEE, GAS};
use support::{Account, TestChain};

const PROVIDERS: [&str; 2] = [PROVIDER, "juno"];
const CAPS: [u128; 2] = [30_000_000, 12_000_000];
const MAX_REMOTE_SHARE: &str = "0.6";
const DELEGATORS: [&str; 3] = ["remote1a", "remote1b", "remote1c"];

#[derive(Debug, Clone)]
enum Op {
    Stake(usize, usize, usize, u128),
    Unstake(usize, usize, usize, u128),
    Burn(usize, Vec<usize>, u128),
    Price(usize, u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize, 0..3usize, 0..3usize, 1u128..40_000_000).prop_map(|(p, d, v, a)| Op::Stake(p, d, v, a)),
        2 => (0..2usize, 0..3usize, 0..3usize, 1u128..40_000_000).prop_map(|(p, d, v, a)| Op::Unstake(p, d, v, a)),
        1 => (0..2usize, prop::collection::btree_set(0..3usize, 1..3), 1u128..5_000_000)
            .prop_map(|(p, vs, a)| Op::Burn(p, vs.into_iter().collect(), a)),
        1 => (0..2usize, 1u64..300).prop_map(|(p, cents)| Op::Price(p, cents)),
    ]
}

async fn chain(seed: u64) -> TestChain {
    let accounts = (0..5).map(|n| Account::seeded(seed, n)).collect();
    mesh_chain_of(accounts, 3, |genesis| {
        genesis.virtual_staking.params.max_remote_share = MAX_REMOTE_SHARE.parse().unwrap();
        genesis
            .virtual_staking
            .params
            .max_virtual_stake_per_validator = Some(25_000_000);
        genesis.converter.providers = vec![
            provider(PROVIDERS[0], "0.5", "0.1", CAPS[0]),
            provider(PROVIDERS[1], "1.5", "0.25", CAPS[1]),
        ];
    })
    .await
}

/// Runs `blocks` of ops (prices as authority txs, the rest as packets) with an epoch after each.
async fn run(chain: &mut TestChain, blocks: &[Vec<Op>]) -> Result<(), TestCaseError> {
    for ops in blocks {
        let (mut txs, mut steps) = (vec![], vec![]);
        for op in ops {
            let valoper = |v: usize| valoper_of(chain, v);
            match op {
                Op::Stake(p, d, v, a) => steps.push(packet(
                    PROVIDERS[*p],
                    stake(DELEGATORS[*d], &valoper(*v), *a),
                )),
                Op::Unstake(p, d, v, a) => steps.push(packet(
                    PROVIDERS[*p],
                    unstake(DELEGATORS[*d], &valoper(*v), *a),
                )),
                Op::Burn(p, vs, a) => {
                    let list: Vec<String> = vs.iter().map(|v| valoper(*v)).collect();
                    steps.push(packet(PROVIDERS[*p], burn(&list, *a)));
                }
                Op::Price(p, cents) => {
                    let msg = MsgSetPrice {
                        sender: chain.accounts[0].address.clone(),
                        id: PROVIDERS[*p].into(),
                        price: format!("{}.{:02}", cents / 100, cents % 100),
                    };
                    let any = Any {
                        type_url: MsgSetPrice::type_url(),
                        value: msg.encode_to_vec(),
                    };
                    txs.push(chain.accounts[0].sign(vec![any], FEE, GAS));
                }
            }
        }
        let block = chain.mesh_block(txs, vec![], vec![], steps).await;
        prop_assert!(
            block.tx_codes.iter().all(|c| *c == 0),
            "{:?}",
            block.tx_logs
        );
        if !chain.height.is_multiple_of(EPOCH) {
            chain.until_epoch_end().await;
        }
        check_invariants(chain).await?;
    }
    Ok(())
}

async fn check_invariants(chain: &TestChain) -> Result<(), TestCaseError> {
    let snapshot = chain.storage.latest_snapshot();
    let stakes = snapshot.all_virtual_stakes().await.unwrap();
    let delegated: u128 = stakes.values().sum();
    for (provider, cap) in PROVIDERS.iter().zip(CAPS) {
        let held: u128 = stakes
            .iter()
            .filter(|((p, _), _)| p == provider)
            .map(|(_, a)| a)
            .sum();
        prop_assert!(held <= cap, "{provider} holds {held} over its cap {cap}");
        for (operator, staked) in snapshot.staked_of(provider).await.unwrap() {
            let positions = snapshot.positions_with(provider, &operator).await.unwrap();
            let unattributed = snapshot
                .unattributed_burn(provider, &operator)
                .await
                .unwrap();
            prop_assert_eq!(staked + unattributed, positions.values().sum::<u128>());
        }
    }
    let minted = snapshot.virtual_minted().await.unwrap();
    let burned = snapshot.virtual_burned().await.unwrap();
    prop_assert_eq!(minted - burned, delegated);
    prop_assert_eq!(
        snapshot.virtual_supply_of("urmesh").await.unwrap(),
        delegated
    );
    let bonded = snapshot
        .balance(&Address::module(BONDED_POOL), "urmesh")
        .await
        .unwrap();
    let mut virtual_bonded = 0;
    for ((_, operator), amount) in &stakes {
        let validator = snapshot.validator(operator).await.unwrap().unwrap();
        if validator.status == BondStatus::Bonded {
            virtual_bonded += amount;
        }
    }
    let share: Decimal = MAX_REMOTE_SHARE.parse().unwrap();
    let local = bonded - virtual_bonded;
    let allowed = rmesh_core::decimal::mul_div_floor(
        local,
        share.atomics(),
        Decimal::ONE.saturating_sub(share).atomics(),
    )
    .unwrap();
    prop_assert!(
        delegated <= allowed,
        "virtual {delegated} over the remote share of local {local}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn random_packet_sequences_keep_every_limit_and_replay_to_the_same_app_hash(
        blocks in prop::collection::vec(prop::collection::vec(op(), 1..6), 1..5),
        seed in any::<u64>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut first = chain(seed).await;
            run(&mut first, &blocks).await?;
            let mut second = chain(seed).await;
            run(&mut second, &blocks).await?;
            prop_assert_eq!(&first.last_app_hash, &second.last_app_hash);
            Ok(())
        })?;
    }
}

/// What a provider does to its own books, one packet (or one reported slash) at a time.
#[derive(Debug, Clone)]
enum BookOp {
    Stake(usize, usize, u128),
    /// A delegator unstakes this percentage of its stake with a validator.
    Unstake(usize, usize, u128),
    /// A vault cut of this per mille of a delegator's cross-stake, burned on the consumer.
    Burn(usize, u128),
    /// Our validator is slashed by this percentage.
    Slash(usize, u64),
}

fn book_op() -> impl Strategy<Value = BookOp> {
    prop_oneof![
        4 => (0..3usize, 0..3usize, 1u128..40_000_000).prop_map(|(d, v, a)| BookOp::Stake(d, v, a)),
        3 => (0..3usize, 0..3usize, 1u128..=100).prop_map(|(d, v, p)| BookOp::Unstake(d, v, p)),
        2 => (0..3usize, 1u128..300).prop_map(|(d, m)| BookOp::Burn(d, m)),
        1 => (0..3usize, 1u64..30).prop_map(|(v, p)| BookOp::Slash(v, p)),
    ]
}

/// The provider's books: each delegator's stake with each of our validators.
type ProviderBooks = std::collections::BTreeMap<(usize, usize), u128>;

/// Runs one op on the consumer and the provider's books (what the provider would do), with a
/// block of its own.
async fn apply(
    chain: &mut TestChain,
    books: &mut ProviderBooks,
    op: &BookOp,
) -> Result<(), TestCaseError> {
    let valoper = |chain: &TestChain, v: usize| valoper_of(chain, v);
    let mut steps = vec![];
    match *op {
        BookOp::Stake(d, v, amount) => {
            steps.push(packet(
                PROVIDER,
                stake(DELEGATORS[d], &valoper(chain, v), amount),
            ));
            *books.entry((d, v)).or_default() += amount;
        }
        BookOp::Unstake(d, v, percent) => {
            let held = books.get(&(d, v)).copied().unwrap_or(0);
            let amount = (held * percent / 100).max(1).min(held);
            if amount == 0 {
                return Ok(());
            }
            steps.push(packet(
                PROVIDER,
                unstake(DELEGATORS[d], &valoper(chain, v), amount),
            ));
            books.insert((d, v), held - amount);
        }
        BookOp::Burn(d, per_mille) => {
            let stakes: Vec<u128> = (0..3)
                .map(|v| books.get(&(d, v)).copied().unwrap_or(0))
                .collect();
            let amount = stakes.iter().sum::<u128>() * per_mille / 1000;
            if amount == 0 {
                return Ok(());
            }
            let shares = rmesh_mesh_wire::split_burn(amount, &stakes, None).unwrap();
            for (v, share) in shares.into_iter().enumerate().filter(|(_, s)| *s > 0) {
                steps.push(packet(PROVIDER, burn(&[valoper(chain, v)], share)));
                *books.get_mut(&(d, v)).unwrap() -= share;
            }
        }
        BookOp::Slash(v, percent) => {
            let operator = Address::from_bech32_any_prefix(&chain.accounts[v].address)
                .unwrap()
                .1;
            let fraction = Decimal::from_atomics(u128::from(percent) * 10_000_000_000_000_000);
            let before = chain
                .storage
                .latest_snapshot()
                .outbox(PROVIDER)
                .await
                .unwrap()
                .len();
            let block = chain.steps(vec![Step::Slash(operator, fraction)]).await;
            prop_assert!(block.acks.is_empty());
            // The provider applies the slash its valset_update reports (external staking's rule).
            let outbox = chain
                .storage
                .latest_snapshot()
                .outbox(PROVIDER)
                .await
                .unwrap();
            prop_assert_eq!(outbox.len(), before + 1);
            let update: serde_json::Value = serde_json::from_str(&outbox[before].data).unwrap();
            let reported: u128 = update["valset_update"]["slashed"][0]["slash_amount"]["amount"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            let stakers: Vec<usize> = (0..3).filter(|d| books.contains_key(&(*d, v))).collect();
            let stakes: Vec<u128> = stakers.iter().map(|d| books[&(*d, v)]).collect();
            let cuts = rmesh_external_staking::stake_cuts(reported, fraction, &stakes);
            for (d, cut) in stakers.into_iter().zip(cuts) {
                *books.get_mut(&(d, v)).unwrap() -= cut;
            }
            return Ok(());
        }
    }
    let block = chain.steps(steps).await;
    prop_assert!(
        block.acks.iter().all(|a| a == SUCCESS),
        "{op:?}: {:?}",
        block.acks
    );
    Ok(())
}

/// The consumer's stake with each validator equals the provider's total there.
async fn books_agree(chain: &TestChain, books: &ProviderBooks) -> Result<(), TestCaseError> {
    let snapshot = chain.storage.latest_snapshot();
    for v in 0..3 {
        let operator = Address::from_bech32_any_prefix(&chain.accounts[v].address)
            .unwrap()
            .1;
        let provider_total: u128 = books
            .iter()
            .filter(|((_, w), _)| *w == v)
            .map(|(_, s)| s)
            .sum();
        let staked = snapshot.staked(PROVIDER, &operator).await.unwrap();
        prop_assert_eq!(staked, provider_total, "validator {}", v);
        let positions: u128 = snapshot
            .positions_with(PROVIDER, &operator)
            .await
            .unwrap()
            .values()
            .sum();
        let unattributed = snapshot
            .unattributed_burn(PROVIDER, &operator)
            .await
            .unwrap();
        prop_assert_eq!(positions, staked + unattributed);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// Against a model of the provider's books: after every stake, unstake, burn (one packet per
    /// validator, as our provider sends them, attributed to nobody) and reported slash, the
    /// consumer's stake with each validator equals the provider's, so virtual stake never
    /// outlives its collateral; and once every provider stake is withdrawn, every position is
    /// zero.
    #[test]
    fn the_consumers_books_follow_the_providers_to_the_unit_and_empty_with_them(
        ops in prop::collection::vec(book_op(), 1..25),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut chain = mesh_chain(3, |_| {}).await;
            chain.steps(vec![Step::OpenChannel(PROVIDER.into(), "channel-0".into())]).await;
            let mut books = ProviderBooks::new();
            for op in &ops {
                apply(&mut chain, &mut books, op).await?;
                books_agree(&chain, &books).await?;
            }
            let withdrawals: Vec<BookOp> = books
                .iter()
                .filter(|(_, s)| **s > 0)
                .map(|((d, v), _)| BookOp::Unstake(*d, *v, 100))
                .collect();
            for op in &withdrawals {
                apply(&mut chain, &mut books, op).await?;
                books_agree(&chain, &books).await?;
            }
            let snapshot = chain.storage.latest_snapshot();
            let positions = snapshot.positions_of(PROVIDER).await.unwrap();
            prop_assert!(positions.values().all(|p| *p == 0), "{positions:?}");
            let unattributed = snapshot.unattributed_burns_of(PROVIDER).await.unwrap();
            prop_assert!(unattributed.is_empty(), "{unattributed:?}");
            Ok(())
        })?;
    }
}
