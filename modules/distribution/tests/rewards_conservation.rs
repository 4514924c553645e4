//! Property: across any mix of blocks, delegations, unbondings, withdrawals and slashes, rewards
//! paid out never exceed what was minted plus fees, and every withdrawal is covered.

mod common;

use cnidarium::{StateDelta, TempStorage};
use common::votes;
use proptest::prelude::*;
use rmesh_bank::{BankRead, BankWrite, FEE_COLLECTOR};
use rmesh_core::{Address, BlockContext, BlockContextWriteExt, Coin, Coins, Component, Decimal};
use rmesh_distribution::{
    Distribution, DistributionHooks, DistributionRead, DistributionWrite, DISTRIBUTION_ACCOUNT,
};
use rmesh_staking::{Commission, Description, Params, StakingRead, StakingWrite, Validator};

const DENOM: &str = "urmesh";
type Hooks = DistributionHooks;

#[derive(Debug, Clone)]
enum Op {
    Block {
        fees: u128,
    },
    Delegate {
        delegator: u8,
        validator: u8,
        amount: u128,
    },
    Undelegate {
        delegator: u8,
        validator: u8,
        amount: u128,
    },
    Withdraw {
        delegator: u8,
        validator: u8,
    },
    Slash {
        validator: u8,
        percent: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u128..50_000).prop_map(|fees| Op::Block { fees }),
        (0u8..3, 0u8..2, 1u128..5_000_000).prop_map(|(d, v, a)| Op::Delegate {
            delegator: d,
            validator: v,
            amount: a
        }),
        (0u8..3, 0u8..2, 1u128..5_000_000).prop_map(|(d, v, a)| Op::Undelegate {
            delegator: d,
            validator: v,
            amount: a
        }),
        (0u8..3, 0u8..2).prop_map(|(d, v)| Op::Withdraw {
            delegator: d,
            validator: v
        }),
        (0u8..2, 1u8..20).prop_map(|(v, p)| Op::Slash {
            validator: v,
            percent: p
        }),
    ]
}

fn delegator(index: u8) -> Address {
    Address([50 + index; 20])
}

fn operator(index: u8) -> Address {
    Address([index + 1; 20])
}

fn coins(amount: u128) -> Coins {
    let mut set = Coins::new();
    set.add(&Coin::new(amount, DENOM)).unwrap();
    set
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn rewards_paid_never_exceed_rewards_minted_plus_fees(ops in prop::collection::vec(op(), 1..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let storage = TempStorage::new().await.unwrap();
            let mut state = StateDelta::new(storage.latest_snapshot());
            let mut height = 1u64;
            let context = |height: u64| BlockContext { chain_id: "prop".into(), height, time_seconds: 1_700_000_000 + height as i64 * 5, time_nanos: 0 };
            state.put_block_context(context(height));
            state.put_staking_params(&Params { unbonding_time_seconds: 30, ..Params::default() }).unwrap();
            <Distribution as Component<()>>::init_chain(&mut state, Default::default()).await.unwrap();
            let provision = 1_000_000u128;
            let (mut minted, mut paid_in_fees) = (0u128, 0u128);
            for index in 0..3u8 {
                state.mint(&delegator(index), &coins(100_000_000)).await.unwrap();
            }
            for index in 0..2u8 {
                state.mint(&operator(index), &coins(100_000_000)).await.unwrap();
                let mut key = [0u8; 32];
                key[0] = index + 1;
                let validator = Validator::new(
            operator(index),
            key,
            Description::default(),
            Commission { rate: "0.1".parse().unwrap(), max_rate: Decimal::ONE, max_change_rate: Decimal::ONE, update_time_nanos: 0 },
            1,
        );
                state.create_validator::<Hooks>(validator, 10_000_000).await.unwrap();
            }
            for op in ops {
                let mut attempt = StateDelta::new(&mut state);
                let result = match op {
                    Op::Block { fees } => {
                        height += 1;
                        attempt.put_block_context(context(height));
                        attempt.mint(&Address::module(FEE_COLLECTOR), &coins(fees.max(1))).await.unwrap();
                        let validators = attempt.all_validators().await.unwrap();
                        let commit = votes(&validators);
                        minted += provision;
                        paid_in_fees += fees.max(1);
                        Distribution::begin_block(&mut attempt, &commit).await
                    }
                    Op::Delegate { delegator: d, validator: v, amount } =>
                        attempt.delegate::<Hooks>(&delegator(d), &operator(v), amount).await.map(|_| ()),
                    Op::Undelegate { delegator: d, validator: v, amount } =>
                        attempt.undelegate::<Hooks>(&delegator(d), &operator(v), amount).await.map(|_| ()),
                    Op::Withdraw { delegator: d, validator: v } =>
                        attempt.withdraw_delegation_rewards(&delegator(d), &operator(v)).await.map(|_| ()),
                    Op::Slash { validator, percent } => {
                        let fraction = Decimal::from_atomics(u128::from(percent) * 10_000_000_000_000_000);
                        let power = attempt.validator(&operator(validator)).await.unwrap().unwrap().power(1_000_000);
                        attempt.slash_validator::<Hooks>(&operator(validator), height, 0, power, fraction).await.map(|_| ())
                    }
                };
                let block_failed = matches!(op, Op::Block { .. }) && result.is_err();
                prop_assert!(!block_failed, "allocation failed: {:?}", result);
                let uncovered = matches!(result, Err(rmesh_core::SdkError::InsufficientFunds(_)));
                prop_assert!(!uncovered || !matches!(op, Op::Withdraw { .. }), "a reward payout was not covered: {:?}", result);
                if result.is_ok() {
                    attempt.apply();
                } else if let Op::Block { fees } = op {
                    minted -= provision;
                    paid_in_fees -= fees.max(1);
                }
            }
            // Only payouts take tokens out of the distribution account, so what it still holds
            // bounds what was paid: paid = allocated - held, and the pool is always covered.
            let held = state.balance(&Address::module(DISTRIBUTION_ACCOUNT), DENOM).await.unwrap();
            prop_assert!(held <= minted + paid_in_fees, "the account holds more than was allocated");
            let pool = state.community_pool().await.unwrap();
            prop_assert!(Decimal::from_integer(held).unwrap() >= pool, "the module account must cover the community pool");
            Ok(())
        })?;
    }
}
