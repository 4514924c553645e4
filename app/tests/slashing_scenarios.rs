//! Slashing under a scripted consensus: downtime jails and slashes, unjailing after the jail
//! time, and double signing slashes stake as it was at the infraction height.

mod support;

use rmesh_core::Address;
use rmesh_staking::StakingRead;
use support::staking::*;
use support::TestChain;
use tendermint::abci::types::{Misbehavior, MisbehaviorKind};

fn operator(chain: &TestChain, index: usize) -> Address {
    Address::from_bech32(&chain.accounts[index].address, "rmesh").unwrap()
}

#[tokio::test]
async fn a_validator_missing_blocks_is_jailed_slashed_and_may_return_after_the_jail_time() {
    let (mut chain, _) = staked_chain(3, 3, 10).await;
    let mut jailed_at = None;
    for _ in 0..(SIGNED_BLOCKS_WINDOW + 8) {
        let votes = vec![vote(0, 10, true), vote(1, 11, true), vote(2, 12, false)];
        let block = chain.block_with(vec![], votes, vec![]).await;
        if power_of(&block.validator_updates, 2) == Some(0) {
            jailed_at = Some(chain.height);
            break;
        }
    }
    let jailed_at = jailed_at.expect("the absent validator was never removed from the set");
    assert!(
        jailed_at > SIGNED_BLOCKS_WINDOW,
        "no jailing before the window has passed"
    );
    let snapshot = chain.storage.latest_snapshot();
    let validator = snapshot
        .validator(&operator(&chain, 2))
        .await
        .unwrap()
        .unwrap();
    assert!(validator.jailed);
    assert_eq!(
        validator.tokens,
        12_000_000 - 120_000,
        "1% of its 12 tokens of power is burned"
    );

    let operator_address = chain.accounts[2].address.clone();
    let early = chain.accounts[2].sign_at(0, vec![unjail_msg(&operator_address)], FEE, GAS);
    let block = chain.block(vec![early]).await;
    assert_ne!(
        block.tx_results[0].code.value(),
        0,
        "unjailing before the jail time ends is refused"
    );
    chain.block(vec![]).await;
    let tx = chain.accounts[2].sign_at(1, vec![unjail_msg(&operator_address)], FEE, GAS);
    let admitted = chain.check_tx(tx.clone()).await;
    assert_eq!(
        admitted.code.value(),
        0,
        "the mempool sees the last block's time: {}",
        admitted.log
    );
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        0,
        "{}",
        block.tx_results[0].log
    );
    assert_eq!(
        power_of(&block.validator_updates, 2),
        Some(11),
        "back in the set with its slashed power"
    );
}

#[tokio::test]
async fn a_double_sign_slashes_stake_as_of_the_infraction_and_tombstones() {
    let (mut chain, _) = staked_chain(4, 2, 10).await;
    let (first, second) = (
        chain.accounts[2].address.clone(),
        chain.accounts[3].address.clone(),
    );
    let validator = chain.accounts[0].address.clone();
    let txs = vec![
        chain.accounts[2].sign(vec![delegate_msg(&first, &validator, 4_000_000)], FEE, GAS),
        chain.accounts[3].sign(vec![delegate_msg(&second, &validator, 4_000_000)], FEE, GAS),
    ];
    chain.block(txs).await; // height 1: validator 0 has 18 tokens
    let before = chain.accounts[2].sign(
        vec![undelegate_msg(&first, &validator, 2_000_000)],
        FEE,
        GAS,
    );
    chain.block(vec![before]).await; // height 2: an unbonding that began before the infraction
    chain.block(vec![]).await; // height 3: the infraction, with 16 tokens of power
    let after = chain.accounts[3].sign(
        vec![undelegate_msg(&second, &validator, 2_000_000)],
        FEE,
        GAS,
    );
    chain.block(vec![after]).await; // height 4: an unbonding that began after it
    let evidence = Misbehavior {
        kind: MisbehaviorKind::DuplicateVote,
        validator: tendermint::abci::types::Validator {
            address: consensus_address(0),
            power: 16u32.into(),
        },
        height: 3u32.into(),
        time: TestChain::time_of(3),
        total_voting_power: 27u32.into(),
    };
    let block = chain
        .block_with(vec![], vec![], vec![evidence.clone()])
        .await;
    assert_eq!(
        power_of(&block.validator_updates, 0),
        Some(0),
        "a tombstoned validator leaves the set"
    );

    let snapshot = chain.storage.latest_snapshot();
    let (first_address, second_address) = (operator(&chain, 2), operator(&chain, 3));
    let op = operator(&chain, 0);
    let kept = snapshot.unbonding(&first_address, &op).await.unwrap();
    let cut = snapshot.unbonding(&second_address, &op).await.unwrap();
    assert_eq!(
        kept[0].balance, 2_000_000,
        "stake that left before the infraction is not slashed"
    );
    assert_eq!(
        cut[0].balance, 1_900_000,
        "stake that left after it loses 5%"
    );
    let slashed = snapshot.validator(&op).await.unwrap().unwrap();
    // 5% of 16 tokens of power = 800,000: 100,000 from the unbonding, 700,000 from the validator.
    assert_eq!(slashed.tokens, 14_000_000 - 700_000);
    assert!(slashed.jailed);

    let again = chain.block_with(vec![], vec![], vec![evidence]).await;
    assert!(again.validator_updates.is_empty());
    let operator_address = chain.accounts[0].address.clone();
    for _ in 0..3 {
        chain.block(vec![]).await;
    }
    let tx = chain.accounts[0].sign_at(0, vec![unjail_msg(&operator_address)], FEE, GAS);
    let block = chain.block(vec![tx]).await;
    assert!(
        block.tx_results[0].log.contains("tombstoned"),
        "{}",
        block.tx_results[0].log
    );
    let tokens = chain
        .storage
        .latest_snapshot()
        .validator(&op)
        .await
        .unwrap()
        .unwrap()
        .tokens;
    assert_eq!(
        tokens,
        14_000_000 - 700_000,
        "the same evidence never slashes twice"
    );
}
