//! Proof-of-stake scenarios under a scripted consensus: the validator set CometBFT receives
//! follows stake exactly, and unbonding takes its time.

mod support;

use support::GENESIS_FUNDS;

use support::staking::*;

#[tokio::test]
async fn genesis_validators_reach_cometbft_with_power_from_their_self_bond() {
    let (_chain, updates) = staked_chain(3, 3, 10).await;
    assert_eq!(updates.len(), 3);
    for index in 0..3 {
        assert_eq!(power_of(&updates, index), Some(10 + index as u64));
    }
}

#[tokio::test]
async fn a_delegation_changes_only_that_validators_power() {
    let (mut chain, _) = staked_chain(3, 2, 10).await;
    let (delegator, operator) = (
        chain.accounts[2].address.clone(),
        chain.accounts[0].address.clone(),
    );
    let tx = chain.accounts[2].sign(
        vec![delegate_msg(&delegator, &operator, 5_000_000)],
        FEE,
        GAS,
    );
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        0,
        "{}",
        block.tx_results[0].log
    );
    assert_eq!(
        block.validator_updates.len(),
        1,
        "{:?}",
        block.validator_updates
    );
    assert_eq!(power_of(&block.validator_updates, 0), Some(15));
    assert_eq!(
        chain.balance(&delegator).await,
        GENESIS_FUNDS - 5_000_000 - FEE
    );
    assert!(
        chain.block(vec![]).await.validator_updates.is_empty(),
        "no update for unchanged powers"
    );
}

#[tokio::test]
async fn undelegated_tokens_return_only_after_the_unbonding_time() {
    let (mut chain, _) = staked_chain(3, 1, 10).await;
    let (delegator, operator) = (
        chain.accounts[1].address.clone(),
        chain.accounts[0].address.clone(),
    );
    let tx = chain.accounts[1].sign(
        vec![delegate_msg(&delegator, &operator, 3_000_000)],
        FEE,
        GAS,
    );
    chain.block(vec![tx]).await;
    let tx = chain.accounts[1].sign(
        vec![undelegate_msg(&delegator, &operator, 2_000_000)],
        FEE,
        GAS,
    );
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        0,
        "{}",
        block.tx_results[0].log
    );
    assert_eq!(power_of(&block.validator_updates, 0), Some(11));
    let after_unbond = GENESIS_FUNDS - 3_000_000 - 2 * FEE;
    for _ in 0..3 {
        chain.block(vec![]).await;
        assert_eq!(
            chain.balance(&delegator).await,
            after_unbond,
            "paid out before maturity"
        );
    }
    chain.block(vec![]).await;
    assert_eq!(chain.balance(&delegator).await, after_unbond + 2_000_000);
}

#[tokio::test]
async fn only_the_top_validators_by_power_are_bonded() {
    let (mut chain, updates) = staked_chain(4, 3, 2).await;
    assert_eq!(
        power_of(&updates, 0),
        None,
        "the weakest genesis validator waits outside the set"
    );
    assert_eq!(
        (power_of(&updates, 1), power_of(&updates, 2)),
        (Some(11), Some(12))
    );
    let (delegator, weakest) = (
        chain.accounts[3].address.clone(),
        chain.accounts[0].address.clone(),
    );
    let tx = chain.accounts[3].sign(
        vec![delegate_msg(&delegator, &weakest, 5_000_000)],
        FEE,
        GAS,
    );
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        power_of(&block.validator_updates, 0),
        Some(15),
        "{:?}",
        block.validator_updates
    );
    assert_eq!(
        power_of(&block.validator_updates, 1),
        Some(0),
        "the displaced validator is removed"
    );
    assert_eq!(block.validator_updates.len(), 2);
}

#[tokio::test]
async fn undelegating_more_than_the_delegation_is_refused_and_changes_nothing() {
    let (mut chain, _) = staked_chain(2, 1, 10).await;
    let (delegator, operator) = (
        chain.accounts[1].address.clone(),
        chain.accounts[0].address.clone(),
    );
    let tx = chain.accounts[1].sign(
        vec![delegate_msg(&delegator, &operator, 1_000_000)],
        FEE,
        GAS,
    );
    chain.block(vec![tx]).await;
    let tx = chain.accounts[1].sign(
        vec![undelegate_msg(&delegator, &operator, 1_000_001)],
        FEE,
        GAS,
    );
    let block = chain.block(vec![tx]).await;
    assert_ne!(block.tx_results[0].code.value(), 0);
    assert!(block.validator_updates.is_empty());
}

#[tokio::test]
async fn cancelling_part_of_an_unbonding_rebonds_it_and_pays_out_only_the_rest() {
    use cosmos_sdk_proto::cosmos::staking::v1beta1::MsgCancelUnbondingDelegation;
    use prost::{Message, Name};
    let (mut chain, _) = staked_chain(3, 1, 10).await;
    let (delegator, operator) = (
        chain.accounts[1].address.clone(),
        chain.accounts[0].address.clone(),
    );
    let tx = chain.accounts[1].sign(
        vec![delegate_msg(&delegator, &operator, 3_000_000)],
        FEE,
        GAS,
    );
    chain.block(vec![tx]).await;
    let tx = chain.accounts[1].sign(
        vec![undelegate_msg(&delegator, &operator, 2_000_000)],
        FEE,
        GAS,
    );
    chain.block(vec![tx]).await;
    let cancel = MsgCancelUnbondingDelegation {
        delegator_address: delegator.clone(),
        validator_address: valoper(&operator),
        amount: coin(1_000_000),
        creation_height: chain.height as i64,
    };
    let any = cosmos_sdk_proto::Any {
        type_url: MsgCancelUnbondingDelegation::type_url(),
        value: cancel.encode_to_vec(),
    };
    let tx = chain.accounts[1].sign(vec![any], FEE, GAS);
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        0,
        "{}",
        block.tx_results[0].log
    );
    assert_eq!(power_of(&block.validator_updates, 0), Some(12));
    let after_cancel = chain.balance(&delegator).await;
    for _ in 0..4 {
        chain.block(vec![]).await;
    }
    assert_eq!(chain.balance(&delegator).await, after_cancel + 1_000_000);
}
