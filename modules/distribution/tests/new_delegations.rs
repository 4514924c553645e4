//! A delegation earns only from the block it starts: rewards its validator accumulated before it
//! existed stay with the delegations that were there (the SDK's BeforeDelegationCreated closes
//! the validator's period first).

mod common;

use std::collections::BTreeMap;

use cnidarium::{StateDelta, StateWrite, TempStorage};
use common::votes;
use proptest::prelude::*;
use rmesh_bank::{BankRead, BankWrite};
use rmesh_core::{Address, BlockContext, BlockContextWriteExt, Coin, Coins, Component, Decimal};
use rmesh_distribution::{Distribution, DistributionHooks, DistributionRead};
use rmesh_staking::{Commission, Description, Params, StakingRead, StakingWrite, Validator};

const DENOM: &str = "urmesh";
const SELF_BOND: u128 = 10_000_000;
type Hooks = DistributionHooks;

fn operator(index: u8) -> Address {
    Address([index + 1; 20])
}

fn delegator(index: u8) -> Address {
    Address([50 + index; 20])
}

fn coins(amount: u128) -> Coins {
    let mut set = Coins::new();
    set.add(&Coin::new(amount, DENOM)).unwrap();
    set
}

fn context(height: u64) -> BlockContext {
    BlockContext {
        chain_id: "new-delegations".into(),
        height,
        time_seconds: 1_700_000_000 + height as i64 * 5,
        time_nanos: 0,
    }
}

/// A chain state with `validators` validators (10-token self-bonds, 10% commission) and three
/// funded delegators.
async fn chain(storage: &TempStorage, validators: u8) -> StateDelta<cnidarium::Snapshot> {
    let mut state = StateDelta::new(storage.latest_snapshot());
    state.put_block_context(context(1));
    state
        .put_staking_params(&Params {
            unbonding_time_seconds: 30,
            ..Params::default()
        })
        .unwrap();
    <Distribution as Component<()>>::init_chain(&mut state, Default::default())
        .await
        .unwrap();
    for index in 0..3 {
        state
            .mint(&delegator(index), &coins(1_000_000_000))
            .await
            .unwrap();
    }
    for index in 0..validators {
        state
            .mint(&operator(index), &coins(SELF_BOND))
            .await
            .unwrap();
        let mut key = [0u8; 32];
        key[0] = index + 1;
        let commission = Commission {
            rate: "0.1".parse().unwrap(),
            max_rate: Decimal::ONE,
            max_change_rate: Decimal::ONE,
            update_time_nanos: 0,
        };
        let validator = Validator::new(operator(index), key, Description::default(), commission, 1);
        state
            .create_validator::<Hooks>(validator, SELF_BOND)
            .await
            .unwrap();
    }
    state
}

/// One block whose last commit has every validator signing with its power; returns what each
/// validator's delegators received (the allocation after commission).
async fn block<S: StateWrite>(state: &mut S, height: u64) -> BTreeMap<Address, Decimal> {
    state.put_block_context(context(height));
    let validators = state.all_validators().await.unwrap();
    let mut before = BTreeMap::new();
    for v in &validators {
        let outstanding = state.outstanding_rewards(&v.operator).await.unwrap();
        let commission = state.accumulated_commission(&v.operator).await.unwrap();
        before.insert(v.operator, (outstanding, commission));
    }
    Distribution::begin_block(state, &votes(&validators))
        .await
        .unwrap();
    let mut allocated = BTreeMap::new();
    for v in &validators {
        let (outstanding, commission) = before[&v.operator];
        let received = state
            .outstanding_rewards(&v.operator)
            .await
            .unwrap()
            .saturating_sub(outstanding);
        let commission = state
            .accumulated_commission(&v.operator)
            .await
            .unwrap()
            .saturating_sub(commission);
        allocated.insert(v.operator, received.saturating_sub(commission));
    }
    allocated
}

/// What the delegation has earned so far, as the rewards query computes it.
async fn pending<S: StateWrite>(state: &mut S, delegator: &Address, operator: &Address) -> Decimal {
    state.pending_rewards(delegator, operator).await.unwrap()
}

fn one_unit() -> Decimal {
    Decimal::from_integer(1).unwrap()
}

fn distance(a: Decimal, b: Decimal) -> Decimal {
    a.saturating_sub(b)
        .checked_add(b.saturating_sub(a))
        .unwrap()
}

#[tokio::test]
async fn the_blocks_before_a_second_delegator_joins_pay_only_the_first_to_the_unit() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage, 1).await;
    let validator = operator(0);
    let mut earned_alone = Decimal::ZERO;
    for height in 2..=6 {
        let allocated = block(&mut state, height).await;
        earned_alone = earned_alone.checked_add(allocated[&validator]).unwrap();
    }
    assert!(earned_alone > Decimal::from_integer(4_000_000).unwrap());

    let newcomer = delegator(0);
    state
        .delegate::<Hooks>(&newcomer, &validator, 30_000_000)
        .await
        .unwrap();
    let first = pending(&mut state, &validator, &validator).await;
    assert!(
        distance(first, earned_alone) < one_unit(),
        "the self-delegation earned {earned_alone} alone, is credited {first}"
    );
    assert!(
        pending(&mut state, &newcomer, &validator).await < one_unit(),
        "the newcomer takes nothing of the earlier blocks"
    );

    // From now on they share by stake: 1 to 3.
    let shared = block(&mut state, 7).await[&validator];
    let newcomer_share = shared.checked_mul_int(3).unwrap().div_int(4).unwrap();
    let theirs = pending(&mut state, &newcomer, &validator).await;
    assert!(
        distance(theirs, newcomer_share) < one_unit(),
        "{theirs} vs {newcomer_share}"
    );
}

#[derive(Debug, Clone)]
enum Op {
    Blocks(u8),
    Delegate {
        delegator: u8,
        validator: u8,
        amount: u128,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u8..4).prop_map(Op::Blocks),
        (0u8..3, 0u8..2, 1u128..50_000_000).prop_map(|(d, v, amount)| Op::Delegate {
            delegator: d,
            validator: v,
            amount
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Each delegation's rewards (paid out when it grew, plus pending) are the sum over blocks
    /// of its stake's share of what its validator's delegators received in that block, within
    /// a unit per period.
    #[test]
    fn every_delegation_earns_its_share_of_each_block_since_it_started(
        ops in prop::collection::vec(op(), 1..30)
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let storage = TempStorage::new().await.unwrap();
            let mut state = chain(&storage, 2).await;
            // (delegator, validator) -> stake; validator -> tokens; what the model expects.
            let mut stakes: BTreeMap<(Address, Address), u128> = (0..2)
                .map(|v| ((operator(v), operator(v)), SELF_BOND))
                .collect();
            let mut expected: BTreeMap<(Address, Address), Decimal> = BTreeMap::new();
            let mut periods: BTreeMap<Address, u128> = BTreeMap::new();
            let mut paid: BTreeMap<(Address, Address), Decimal> = BTreeMap::new();
            let mut height = 1;
            for op in ops {
                match op {
                    Op::Blocks(count) => {
                        for _ in 0..count {
                            height += 1;
                            let allocated = block(&mut state, height).await;
                            for ((who, validator), stake) in &stakes {
                                let tokens: u128 = stakes
                                    .iter()
                                    .filter(|((_, v), _)| v == validator)
                                    .map(|(_, s)| s)
                                    .sum();
                                let share = allocated[validator]
                                    .checked_mul_int(*stake)
                                    .unwrap()
                                    .div_int(tokens)
                                    .unwrap();
                                let entry = expected.entry((*who, *validator)).or_default();
                                *entry = entry.checked_add(share).unwrap();
                            }
                        }
                    }
                    Op::Delegate { delegator: d, validator: v, amount } => {
                        // Adding to a delegation pays out what it earned so far.
                        let before = state.balance(&delegator(d), DENOM).await.unwrap();
                        state.delegate::<Hooks>(&delegator(d), &operator(v), amount)
                            .await
                            .unwrap();
                        let after = state.balance(&delegator(d), DENOM).await.unwrap();
                        let payout = Decimal::from_integer(after + amount - before).unwrap();
                        let entry = paid.entry((delegator(d), operator(v))).or_default();
                        *entry = entry.checked_add(payout).unwrap();
                        *stakes.entry((delegator(d), operator(v))).or_default() += amount;
                        *periods.entry(operator(v)).or_default() += 1;
                    }
                }
            }
            for (who, validator) in stakes.keys() {
                let earned = expected.get(&(*who, *validator)).copied().unwrap_or_default();
                let settled = pending(&mut state, who, validator)
                    .await
                    .checked_add(paid.get(&(*who, *validator)).copied().unwrap_or_default())
                    .unwrap();
                // Every delegation change closes a period and floors a payout.
                let tolerance = Decimal::from_integer(1 + periods.get(validator).copied().unwrap_or(0)).unwrap();
                prop_assert!(
                    distance(settled, earned) <= tolerance,
                    "{who:?} at {validator:?}: credited {settled}, earned {earned}"
                );
            }
            Ok(())
        })?;
    }
}
