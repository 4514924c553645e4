//! Proof-of-stake scenarios under a scripted consensus: the validator set CometBFT receives
//! follows stake exactly, and unbonding takes its time.

mod support;

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::staking::v1beta1::{MsgDelegate, MsgUndelegate};
use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_core::Address;
use rmesh_staking::genesis::GenesisValidator;
use support::{TestChain, DENOM, GENESIS_FUNDS};
use tendermint::validator::Update;

const GAS: u64 = 300_000;
const FEE: u128 = 750;
const SELF_BOND: u128 = 10_000_000;
/// Blocks are 5 s apart in the scripted consensus; unbonding takes 4 blocks.
const UNBONDING_SECONDS: u64 = 20;

fn consensus_key(index: usize) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[0] = index as u8 + 1;
    key[31] = 7;
    key
}

fn valoper(address: &str) -> String {
    let (_, bytes) = Address::from_bech32_any_prefix(address).unwrap();
    bytes.to_bech32("rmeshvaloper")
}

/// `validators` of the `accounts` run validators with a 10-token self-bond.
async fn staked_chain(
    accounts: usize,
    validators: usize,
    max_validators: u32,
) -> (TestChain, Vec<Update>) {
    TestChain::start_with(accounts, |genesis| {
        genesis.staking.params.unbonding_time_seconds = UNBONDING_SECONDS;
        genesis.staking.params.max_validators = max_validators;
        let addresses: Vec<String> = genesis
            .auth
            .accounts
            .iter()
            .map(|a| a.address.clone())
            .collect();
        for (index, operator) in addresses.iter().take(validators).enumerate() {
            use base64::Engine;
            genesis.staking.validators.push(GenesisValidator {
                operator: operator.clone(),
                consensus_pubkey: base64::engine::general_purpose::STANDARD
                    .encode(consensus_key(index)),
                moniker: format!("validator-{index}"),
                self_bond: SELF_BOND + index as u128 * 1_000_000,
                commission_rate: "0.1".parse().unwrap(),
                commission_max_rate: "0.2".parse().unwrap(),
                commission_max_change_rate: "0.01".parse().unwrap(),
                min_self_delegation: 1,
            });
        }
    })
    .await
}

fn power_of(updates: &[Update], index: usize) -> Option<u64> {
    let key = tendermint::PublicKey::from_raw_ed25519(&consensus_key(index)).unwrap();
    updates
        .iter()
        .find(|u| u.pub_key == key)
        .map(|u| u.power.value())
}

fn coin(amount: u128) -> Option<ProtoCoin> {
    Some(ProtoCoin {
        denom: DENOM.into(),
        amount: amount.to_string(),
    })
}

fn delegate_msg(delegator: &str, operator: &str, amount: u128) -> Any {
    let msg = MsgDelegate {
        delegator_address: delegator.into(),
        validator_address: valoper(operator),
        amount: coin(amount),
    };
    Any {
        type_url: MsgDelegate::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn undelegate_msg(delegator: &str, operator: &str, amount: u128) -> Any {
    let msg = MsgUndelegate {
        delegator_address: delegator.into(),
        validator_address: valoper(operator),
        amount: coin(amount),
    };
    Any {
        type_url: MsgUndelegate::type_url(),
        value: msg.encode_to_vec(),
    }
}

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
