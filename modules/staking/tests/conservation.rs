//! Property: whatever sequence of delegations, unbondings, redelegations and slashes happens,
//! the pools hold exactly the validators' tokens plus the unbonding balances, delegations are
//! never worth more than their validator, and a repeated end of block changes nothing.

use cnidarium::{StateDelta, TempStorage};
use proptest::prelude::*;
use rmesh_bank::{BankRead, BankWrite};
use rmesh_core::{Address, BlockContext, BlockContextWriteExt, Coin, Coins, Decimal};
use rmesh_staking::{
    Commission, Description, NoHooks, Params, Staking, StakingRead, StakingWrite, Validator,
    BONDED_POOL, NOT_BONDED_POOL,
};

const DENOM: &str = "urmesh";

#[derive(Debug, Clone)]
enum Op {
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
    Redelegate {
        delegator: u8,
        from: u8,
        to: u8,
        amount: u128,
    },
    Slash {
        validator: u8,
        percent: u8,
    },
    EndBlock,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3, 0u8..3, 1u128..5_000_000).prop_map(|(d, v, a)| Op::Delegate {
            delegator: d,
            validator: v,
            amount: a
        }),
        (0u8..3, 0u8..3, 1u128..5_000_000).prop_map(|(d, v, a)| Op::Undelegate {
            delegator: d,
            validator: v,
            amount: a
        }),
        (0u8..3, 0u8..3, 0u8..3, 1u128..5_000_000).prop_map(|(d, f, t, a)| Op::Redelegate {
            delegator: d,
            from: f,
            to: t,
            amount: a
        }),
        (0u8..3, 1u8..30).prop_map(|(v, p)| Op::Slash {
            validator: v,
            percent: p
        }),
        Just(Op::EndBlock),
    ]
}

fn delegator(index: u8) -> Address {
    Address([100 + index; 20])
}

fn operator(index: u8) -> Address {
    Address([index + 1; 20])
}

fn coins(amount: u128) -> Coins {
    let mut set = Coins::new();
    set.add(&Coin::new(amount, DENOM)).unwrap();
    set
}

async fn setup(state: &mut StateDelta<cnidarium::Snapshot>) {
    state
        .put_staking_params(&Params {
            unbonding_time_seconds: 30,
            ..Params::default()
        })
        .unwrap();
    for index in 0..3u8 {
        state
            .mint(&delegator(index), &coins(100_000_000))
            .await
            .unwrap();
        state
            .mint(&operator(index), &coins(100_000_000))
            .await
            .unwrap();
        let mut key = [0u8; 32];
        key[0] = index + 1;
        let validator = Validator::new(
            operator(index),
            key,
            Description::default(),
            Commission {
                rate: Decimal::ZERO,
                max_rate: Decimal::ONE,
                max_change_rate: Decimal::ONE,
                update_time_nanos: 0,
            },
            1,
        );
        state
            .create_validator::<NoHooks>(validator, 10_000_000)
            .await
            .unwrap();
    }
}

async fn check_invariants(state: &StateDelta<cnidarium::Snapshot>) -> Result<(), TestCaseError> {
    let pools = state
        .balance(&Address::module(BONDED_POOL), DENOM)
        .await
        .unwrap()
        + state
            .balance(&Address::module(NOT_BONDED_POOL), DENOM)
            .await
            .unwrap();
    let mut expected = 0u128;
    for validator in state.all_validators().await.unwrap() {
        expected += validator.tokens;
        let mut worth = 0u128;
        let mut shares = Decimal::ZERO;
        for (_, held) in state.delegators_of(&validator.operator).await.unwrap() {
            worth += validator.tokens_for_shares(held).unwrap();
            shares = shares.checked_add(held).unwrap();
        }
        prop_assert!(
            worth <= validator.tokens,
            "delegations worth more than their validator"
        );
        prop_assert_eq!(shares, validator.delegator_shares, "shares must add up");
    }
    for index in 0..3u8 {
        for (_, entries) in state.unbondings_of(&delegator(index)).await.unwrap() {
            expected += entries.iter().map(|e| e.balance).sum::<u128>();
        }
        for (_, entries) in state.unbondings_of(&operator(index)).await.unwrap() {
            expected += entries.iter().map(|e| e.balance).sum::<u128>();
        }
    }
    prop_assert_eq!(
        pools,
        expected,
        "pools must hold validator tokens plus unbonding balances"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn stake_is_conserved_across_any_sequence_of_operations(ops in prop::collection::vec(op(), 1..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let storage = TempStorage::new().await.unwrap();
            let mut state = StateDelta::new(storage.latest_snapshot());
            let mut height = 1u64;
            let context = |height: u64| BlockContext {
                chain_id: "prop".into(),
                height,
                time_seconds: 1_700_000_000 + height as i64 * 5,
                time_nanos: 0,
            };
            state.put_block_context(context(height));
            setup(&mut state).await;
            Staking::end_block::<_, NoHooks>(&mut state).await.unwrap();
            for op in ops {
                // Refusals are fine; a refused operation must leave no trace (checked below).
                let mut attempt = StateDelta::new(&mut state);
                let result = match op {
                    Op::Delegate { delegator: d, validator: v, amount } =>
                        attempt.delegate::<NoHooks>(&delegator(d), &operator(v), amount).await.map(|_| ()),
                    Op::Undelegate { delegator: d, validator: v, amount } =>
                        attempt.undelegate::<NoHooks>(&delegator(d), &operator(v), amount).await.map(|_| ()),
                    Op::Redelegate { delegator: d, from, to, amount } =>
                        attempt.redelegate::<NoHooks>(&delegator(d), &operator(from), &operator(to), amount).await.map(|_| ()),
                    Op::Slash { validator, percent } => {
                        let fraction = Decimal::from_atomics(u128::from(percent) * 10_000_000_000_000_000);
                        let power = attempt.validator(&operator(validator)).await.unwrap().unwrap().power(1_000_000);
                        attempt.slash_validator::<NoHooks>(&operator(validator), height.saturating_sub(1), 0, power, fraction)
                            .await
                            .map(|_| ())
                    }
                    Op::EndBlock => {
                        height += 1;
                        attempt.put_block_context(context(height));
                        Staking::end_block::<_, NoHooks>(&mut attempt).await.map(|_| ())
                    }
                };
                if result.is_ok() {
                    attempt.apply();
                } else {
                    drop(attempt);
                }
                check_invariants(&state).await?;
            }
            let repeat = Staking::end_block::<_, NoHooks>(&mut state).await.unwrap();
            let again = Staking::end_block::<_, NoHooks>(&mut state).await.unwrap();
            prop_assert!(again.is_empty(), "a second end of block with no change reported {:?} (first {:?})", again, repeat);
            Ok(())
        })?;
    }
}
