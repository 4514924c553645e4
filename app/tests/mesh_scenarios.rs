//! The mesh-security consumer in a whole app: provider packets arrive in blocks, epochs move
//! virtual stake, and what CometBFT and providers are told is checked with the reference's
//! numbers (PROTOCOL.md) and with our improvements on it.

mod support;

use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_bank::BankRead;
use rmesh_converter::ConverterRead;
use rmesh_core::Address;
use rmesh_proto::converter::v1::{MsgSetPrice, MsgUpdateProvider};
use rmesh_staking::StakingRead;
use rmesh_virtual_staking::VirtualStakingRead;
use support::mesh::*;
use support::staking::{consensus_address, consensus_key, vote, FEE, GAS};
use support::TestChain;
use tendermint::abci::types::{Misbehavior, MisbehaviorKind};

const ALICE: &str = "osmo1alice";
const BOB: &str = "osmo1bob";

fn operator(chain: &TestChain, index: usize) -> Address {
    Address::from_bech32_any_prefix(&chain.accounts[index].address)
        .unwrap()
        .1
}

async fn tokens(chain: &TestChain, index: usize) -> u128 {
    let snapshot = chain.storage.latest_snapshot();
    let validator = snapshot.validator(&operator(chain, index)).await.unwrap();
    validator.unwrap().tokens
}

async fn virtual_stake(chain: &TestChain, provider: &str, index: usize) -> u128 {
    let snapshot = chain.storage.latest_snapshot();
    snapshot
        .virtual_stake(provider, &operator(chain, index))
        .await
        .unwrap()
}

async fn position(chain: &TestChain, delegator: &str, index: usize) -> u128 {
    let snapshot = chain.storage.latest_snapshot();
    snapshot
        .position(PROVIDER, &operator(chain, index), delegator)
        .await
        .unwrap()
}

fn power_in(block: &MeshBlock, index: usize) -> Option<u64> {
    block
        .updates
        .iter()
        .find(|u| u.consensus_pubkey == consensus_key(index))
        .map(|u| u.power)
}

fn packed<M: Name>(msg: M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn authority_tx<M: Name>(chain: &mut TestChain, msg: M) -> Vec<u8> {
    chain.accounts[0].sign(vec![packed(msg)], FEE, GAS)
}

fn update_provider(chain: &TestChain, cap: &str) -> MsgUpdateProvider {
    MsgUpdateProvider {
        authority: chain.accounts[0].address.clone(),
        id: PROVIDER.into(),
        cap: cap.into(),
        ..MsgUpdateProvider::default()
    }
}

fn set_price(chain: &TestChain, price: &str) -> MsgSetPrice {
    MsgSetPrice {
        sender: chain.accounts[0].address.clone(),
        id: PROVIDER.into(),
        price: price.into(),
    }
}

/// Stake packets from `osmo` in one block (each acknowledged), then blocks to the epoch's end.
async fn stake_through_epoch(chain: &mut TestChain, stakes: &[(&str, usize, u128)]) -> MeshBlock {
    let steps = stakes
        .iter()
        .map(|(delegator, index, amount)| {
            packet(
                PROVIDER,
                stake(delegator, &valoper_of(chain, *index), *amount),
            )
        })
        .collect();
    let block = chain.steps(steps).await;
    assert!(block.acks.iter().all(|a| a == SUCCESS), "{:?}", block.acks);
    chain.until_epoch_end().await
}

fn open_channel() -> Step {
    Step::OpenChannel(PROVIDER.into(), "channel-0".into())
}

/// The JSON of the provider's queued packets, oldest first.
async fn queued(chain: &TestChain) -> Vec<String> {
    let snapshot = chain.storage.latest_snapshot();
    let outbox = snapshot.outbox(PROVIDER).await.unwrap();
    outbox.into_iter().map(|p| p.data).collect()
}

fn evidence(index: usize, height: u32, power: u32) -> Misbehavior {
    Misbehavior {
        kind: MisbehaviorKind::DuplicateVote,
        validator: tendermint::abci::types::Validator {
            address: consensus_address(index),
            power: power.into(),
        },
        height: height.into(),
        time: TestChain::time_of(height.into()),
        total_voting_power: 100u32.into(),
    }
}

#[tokio::test]
async fn eighty_million_at_half_price_and_a_tenth_discount_is_thirty_six_million_after_the_epoch() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let v0 = valoper_of(&chain, 0);
    let block = chain
        .steps(vec![
            open_channel(),
            packet(PROVIDER, stake(ALICE, &v0, 80_000_000)),
        ])
        .await;
    assert_eq!(block.acks, vec![SUCCESS]);
    assert_eq!(
        tokens(&chain, 0).await,
        10_000_000,
        "nothing moves before the epoch"
    );

    let epoch = chain.until_epoch_end().await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 36_000_000);
    assert_eq!(tokens(&chain, 0).await, 46_000_000);
    assert_eq!(power_in(&epoch, 0), Some(46), "CometBFT gets the new power");

    chain
        .steps(vec![packet(PROVIDER, unstake(ALICE, &v0, 30_000_000))])
        .await;
    let epoch = chain.until_epoch_end().await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 22_500_000);
    assert_eq!(power_in(&epoch, 0), Some(32));
    let snapshot = chain.storage.latest_snapshot();
    assert_eq!(snapshot.virtual_minted().await.unwrap(), 36_000_000);
    assert_eq!(snapshot.virtual_burned().await.unwrap(), 13_500_000);
    assert_eq!(
        snapshot.virtual_supply_of("urmesh").await.unwrap(),
        22_500_000,
        "virtual tokens are reported apart from the supply"
    );
}

#[tokio::test]
async fn virtual_tokens_stay_out_of_the_bank_supply() {
    let mut chain = mesh_chain(2, |genesis| {
        genesis.distribution.params.block_provision = 0;
    })
    .await;
    let supply_before = chain
        .storage
        .latest_snapshot()
        .supply_of("urmesh")
        .await
        .unwrap();
    stake_through_epoch(&mut chain, &[(ALICE, 0, 80_000_000)]).await;
    let snapshot = chain.storage.latest_snapshot();
    assert_eq!(snapshot.supply_of("urmesh").await.unwrap(), supply_before);
    assert_eq!(
        snapshot.virtual_supply_of("urmesh").await.unwrap(),
        36_000_000
    );
}

#[tokio::test]
async fn requests_over_a_providers_cap_are_scaled_like_the_reference_ten_and_forty_to_one_and_four()
{
    let mut chain = mesh_chain(2, |genesis| {
        genesis.converter.providers = vec![provider(PROVIDER, "1", "0", 5)];
    })
    .await;
    stake_through_epoch(&mut chain, &[(ALICE, 0, 10), (BOB, 1, 40)]).await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 1);
    assert_eq!(virtual_stake(&chain, PROVIDER, 1).await, 4);
}

#[tokio::test]
async fn a_burn_of_one_hundred_over_one_two_three_hundred_takes_thirty_four_thirty_three_thirty_three(
) {
    let mut chain = mesh_chain(3, |_| {}).await;
    let validators: Vec<String> = (0..3).map(|i| valoper_of(&chain, i)).collect();
    chain
        .steps(vec![
            packet(PROVIDER, stake(ALICE, &validators[0], 100)),
            packet(PROVIDER, stake(ALICE, &validators[1], 200)),
            packet(PROVIDER, stake(ALICE, &validators[2], 300)),
        ])
        .await;
    let block = chain
        .steps(vec![packet(PROVIDER, burn(&validators, 100))])
        .await;
    assert_eq!(block.acks, vec![SUCCESS]);
    assert_eq!(position(&chain, ALICE, 0).await, 66);
    assert_eq!(position(&chain, ALICE, 1).await, 167);
    assert_eq!(position(&chain, ALICE, 2).await, 267);

    let too_much = chain
        .steps(vec![packet(PROVIDER, burn(&validators[..1], 67))])
        .await;
    assert!(
        too_much.acks[0].starts_with(r#"{"error":"cannot burn 67"#),
        "{}",
        too_much.acks[0]
    );
    assert_eq!(
        position(&chain, ALICE, 0).await,
        66,
        "a refused burn changes nothing"
    );
}

/// The reference provider burns 101 of one owner's 100 and 1 as 50 + 1 + 50 and lists the
/// first validator again for the remainder; a validator listed twice anywhere else is refused.
#[tokio::test]
async fn a_reference_burn_naming_a_validator_again_takes_the_remainder_there() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let (v0, v1) = (valoper_of(&chain, 0), valoper_of(&chain, 1));
    chain
        .steps(vec![
            packet(PROVIDER, stake(ALICE, &v0, 100)),
            packet(PROVIDER, stake(ALICE, &v1, 1)),
            packet(PROVIDER, stake(BOB, &v0, 200)),
        ])
        .await;
    let twice = [v0.clone(), v0.clone(), v1.clone()];
    let block = chain
        .steps(vec![
            packet(PROVIDER, burn(&twice, 3)),
            packet(PROVIDER, burn(&[v0.clone(), v1.clone(), v0.clone()], 101)),
        ])
        .await;
    assert!(
        block.acks[0].contains("names a validator twice"),
        "{}",
        block.acks[0]
    );
    assert_eq!(block.acks[1], SUCCESS);
    let snapshot = chain.storage.latest_snapshot();
    let (o0, o1) = (operator(&chain, 0), operator(&chain, 1));
    assert_eq!(
        snapshot.staked(PROVIDER, &o0).await.unwrap(),
        200,
        "100 burned there"
    );
    assert_eq!(
        snapshot.staked(PROVIDER, &o1).await.unwrap(),
        0,
        "1 burned there"
    );
    assert_eq!(
        position(&chain, ALICE, 1).await,
        0,
        "alice alone held it: hers"
    );
    assert_eq!(
        position(&chain, BOB, 0).await,
        200,
        "not attributed while two hold it"
    );
}

#[tokio::test]
async fn a_zero_cap_sends_one_internal_unstake_per_position_with_the_exact_provider_amount() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let (v0, v1) = (valoper_of(&chain, 0), valoper_of(&chain, 1));
    chain
        .steps(vec![
            open_channel(),
            packet(PROVIDER, stake(ALICE, &v0, 50_000_000)),
            packet(PROVIDER, stake(BOB, &v1, 80_000_000)),
        ])
        .await;
    chain.until_epoch_end().await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 22_500_000);

    let msg = update_provider(&chain, "0");
    let tx = authority_tx(&mut chain, msg);
    let block = chain.mesh_block(vec![tx], vec![], vec![], vec![]).await;
    assert_eq!(block.tx_codes, vec![0], "{:?}", block.tx_logs);
    let epoch = chain.until_epoch_end().await;
    let packets = queued(&chain).await;
    let v0_text = v0.clone();
    assert!(packets.contains(&format!(
        r#"{{"internal_unstake":{{"delegator":"{ALICE}","validator":"{v0_text}","normalize_amount":{{"denom":"urmesh","amount":"22500000"}},"inverted_amount":{{"denom":"uosmo","amount":"50000000"}}}}}}"#
    )), "{packets:#?}");
    assert_eq!(
        packets
            .iter()
            .filter(|p| p.contains("internal_unstake"))
            .count(),
        2,
        "one per position"
    );
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 0);
    assert_eq!(virtual_stake(&chain, PROVIDER, 1).await, 0);
    assert_eq!(power_in(&epoch, 0), Some(10));
    assert_eq!(position(&chain, ALICE, 0).await, 0);
    let snapshot = chain.storage.latest_snapshot();
    assert_eq!(snapshot.virtual_supply_of("urmesh").await.unwrap(), 0);
}

#[tokio::test]
async fn a_price_that_doubles_then_halves_reprices_stake_and_a_full_unstake_still_leaves_nothing() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let v0 = valoper_of(&chain, 0);
    stake_through_epoch(&mut chain, &[(ALICE, 0, 80_000_000)]).await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 36_000_000);

    let msg = set_price(&chain, "1");
    let tx = authority_tx(&mut chain, msg);
    chain.mesh_block(vec![tx], vec![], vec![], vec![]).await;
    chain.until_epoch_end().await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 72_000_000);

    let msg = set_price(&chain, "0.5");
    let tx = authority_tx(&mut chain, msg);
    chain.mesh_block(vec![tx], vec![], vec![], vec![]).await;
    chain.until_epoch_end().await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 36_000_000);

    let block = chain
        .steps(vec![packet(PROVIDER, unstake(ALICE, &v0, 80_000_000))])
        .await;
    assert_eq!(
        block.acks,
        vec![SUCCESS],
        "unstake never fails because the price moved"
    );
    chain.until_epoch_end().await;
    let snapshot = chain.storage.latest_snapshot();
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 0);
    assert_eq!(
        snapshot.virtual_minted().await.unwrap(),
        snapshot.virtual_burned().await.unwrap()
    );
    assert_eq!(tokens(&chain, 0).await, 10_000_000);
}

#[tokio::test]
async fn at_the_total_cap_stake_moving_between_validators_unbonds_before_it_bonds() {
    let mut chain = mesh_chain(2, |genesis| {
        genesis.virtual_staking.params.total_cap = Some(36_000_000);
    })
    .await;
    let (v0, v1) = (valoper_of(&chain, 0), valoper_of(&chain, 1));
    stake_through_epoch(&mut chain, &[(ALICE, 0, 80_000_000)]).await;
    chain
        .steps(vec![
            packet(PROVIDER, unstake(ALICE, &v0, 80_000_000)),
            packet(PROVIDER, stake(ALICE, &v1, 80_000_000)),
        ])
        .await;
    let epoch = chain.until_epoch_end().await;
    let moves: Vec<&str> = epoch
        .events
        .iter()
        .filter(|e| e.kind.starts_with("virtual_"))
        .map(|e| e.kind.as_str())
        .filter(|kind| *kind != "virtual_staking_epoch")
        .collect();
    assert_eq!(moves, vec!["virtual_unbond", "virtual_bond"]);
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 0);
    assert_eq!(virtual_stake(&chain, PROVIDER, 1).await, 36_000_000);
}

#[tokio::test]
async fn virtual_stake_never_exceeds_the_maximum_remote_share_of_bonded_stake() {
    let mut chain = mesh_chain(2, |genesis| {
        genesis.virtual_staking.params.max_remote_share = "0.5".parse().unwrap();
    })
    .await;
    stake_through_epoch(&mut chain, &[(ALICE, 0, 80_000_000)]).await;
    // Local stake is 10 + 11 tokens: at most half of the bonded stake may be virtual.
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 21_000_000);
}

#[tokio::test]
async fn a_validator_receives_no_more_virtual_stake_than_the_per_validator_cap() {
    let mut chain = mesh_chain(2, |genesis| {
        genesis
            .virtual_staking
            .params
            .max_virtual_stake_per_validator = Some(5_000_000);
    })
    .await;
    stake_through_epoch(&mut chain, &[(ALICE, 0, 80_000_000), (ALICE, 1, 4_000_000)]).await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 5_000_000);
    assert_eq!(virtual_stake(&chain, PROVIDER, 1).await, 1_800_000);
}

#[tokio::test]
async fn a_double_sign_reports_the_true_height_time_power_and_provider_denom_amount() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let v0 = valoper_of(&chain, 0);
    chain
        .steps(vec![
            open_channel(),
            packet(PROVIDER, stake(ALICE, &v0, 80_000_000)),
        ])
        .await;
    chain.until_epoch_end().await; // height 5: validator 0 has 46 tokens
    chain.steps(vec![]).await; // height 6: the infraction
    let before = queued(&chain).await.len();
    chain
        .mesh_block(vec![], vec![], vec![evidence(0, 6, 46)], vec![])
        .await;
    let packets = queued(&chain).await;
    assert_eq!(packets.len(), before + 1, "one valset_update for the block");
    let update: serde_json::Value = serde_json::from_str(packets.last().unwrap()).unwrap();
    let update = &update["valset_update"];
    assert_eq!(update["height"], 7);
    assert_eq!(update["jailed"], serde_json::json!([v0.clone()]));
    assert_eq!(update["tombstoned"], serde_json::json!([v0.clone()]));
    assert_eq!(update["removals"], serde_json::json!([v0.clone()]));
    // 5% of the 80M uosmo position, exactly what the position lost (converting the 1.8M of
    // virtual stake back would say 3,999,999).
    assert_eq!(
        update["slashed"],
        serde_json::json!([{
            "address": v0,
            "infraction_height": 6,
            "infraction_time": 1_700_000_030u64,
            "power": 46,
            "slash_amount": {"denom": "uosmo", "amount": "4000000"},
            "slash_ratio": "0.050000000000000000",
        }])
    );
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 34_200_000);
    assert_eq!(
        position(&chain, ALICE, 0).await,
        76_000_000,
        "positions shrink by the ratio"
    );
}

#[tokio::test]
async fn a_tombstoned_validator_refuses_stake_still_allows_unstake_and_loses_its_virtual_stake() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let v0 = valoper_of(&chain, 0);
    stake_through_epoch(&mut chain, &[(ALICE, 0, 80_000_000)]).await; // height 5
    chain
        .steps(vec![
            packet(PROVIDER, stake(BOB, &v0, 20_000_000)),
            packet(PROVIDER, unstake(ALICE, &v0, 10_000_000)),
        ])
        .await; // height 6: a pending bond and a pending unbond
    chain
        .mesh_block(vec![], vec![], vec![evidence(0, 6, 46)], vec![])
        .await; // height 7
    let block = chain
        .steps(vec![
            packet(PROVIDER, stake(BOB, &v0, 1)),
            packet(PROVIDER, unstake(BOB, &v0, 20_000_000)),
        ])
        .await;
    assert!(block.acks[0].contains("tombstoned"), "{}", block.acks[0]);
    assert_eq!(block.acks[1], SUCCESS);
    chain.until_epoch_end().await; // height 10
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 0);
    let snapshot = chain.storage.latest_snapshot();
    let delegated: u128 = snapshot.all_virtual_stakes().await.unwrap().values().sum();
    assert_eq!(
        snapshot.virtual_minted().await.unwrap() - snapshot.virtual_burned().await.unwrap(),
        delegated
    );
}

#[tokio::test]
async fn a_jailed_validator_keeps_its_virtual_stake_but_refuses_more() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let v1 = valoper_of(&chain, 1);
    stake_through_epoch(&mut chain, &[(ALICE, 1, 80_000_000)]).await; // height 5: validator 1 has 11 + 36 tokens
    let mut jailed = false;
    for _ in 0..12 {
        let votes = vec![vote(0, 10, true), vote(1, 47, false)];
        let block = chain.mesh_block(vec![], votes, vec![], vec![]).await;
        jailed |= power_in(&block, 1) == Some(0);
        if jailed {
            break;
        }
    }
    assert!(jailed, "validator 1 is jailed for downtime");
    let kept = virtual_stake(&chain, PROVIDER, 1).await;
    let block = chain
        .steps(vec![packet(PROVIDER, stake(BOB, &v1, 1_000_000))])
        .await;
    assert!(block.acks[0].contains("jailed"), "{}", block.acks[0]);
    let msg = set_price(&chain, "1");
    let tx = authority_tx(&mut chain, msg);
    chain.mesh_block(vec![tx], vec![], vec![], vec![]).await;
    chain.until_epoch_end().await;
    assert_eq!(
        virtual_stake(&chain, PROVIDER, 1).await,
        kept,
        "a higher price adds nothing to a jailed validator"
    );
}

#[tokio::test]
async fn rewards_survive_error_acks_and_timeouts_and_are_paid_out_on_request() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let v0 = valoper_of(&chain, 0);
    chain
        .steps(vec![
            open_channel(),
            packet(PROVIDER, stake(ALICE, &v0, 80_000_000)),
        ])
        .await;
    chain.until_epoch_end().await;
    for _ in 0..5 {
        let votes = vec![vote(0, 46, true), vote(1, 11, true)];
        chain.mesh_block(vec![], votes, vec![], vec![]).await;
    }
    assert_eq!(chain.height, 10);
    let snapshot = chain.storage.latest_snapshot();
    let held = snapshot.held_rewards(PROVIDER).await.unwrap();
    assert!(held > 0, "the epoch collected the virtual stake's rewards");
    let batch = snapshot
        .outbox(PROVIDER)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.data.contains("distribute_batch"))
        .unwrap();
    assert!(batch
        .data
        .contains(&format!(r#"{{"validator":"{v0}","reward":"{held}"}}"#)));

    let sent = chain
        .steps(vec![Step::TakeUnsent(PROVIDER.into())])
        .await
        .sent;
    assert!(sent.iter().any(|p| p.id == batch.id));
    chain
        .steps(vec![Step::Ack(
            PROVIDER.into(),
            batch.id,
            r#"{"error":"busy"}"#.into(),
        )])
        .await;
    let resent = chain
        .steps(vec![Step::TakeUnsent(PROVIDER.into())])
        .await
        .sent;
    assert_eq!(
        resent.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![batch.id]
    );
    assert_eq!(resent[0].attempts, 1);
    chain
        .steps(vec![Step::Timeout(PROVIDER.into(), batch.id)])
        .await;
    let again = chain
        .steps(vec![Step::TakeUnsent(PROVIDER.into())])
        .await
        .sent;
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].data, batch.data, "the same rewards, resent");
    chain
        .steps(vec![Step::Ack(PROVIDER.into(), batch.id, SUCCESS.into())])
        .await;
    assert!(!queued(&chain)
        .await
        .iter()
        .any(|p| p.contains("distribute_batch")));

    let recipient = chain.accounts[3].address.clone();
    let before = chain.balance(&recipient).await;
    let block = chain
        .steps(vec![
            packet(PROVIDER, transfer_rewards(&recipient, held)),
            packet(PROVIDER, transfer_rewards(&recipient, 1)),
        ])
        .await;
    assert_eq!(block.acks[0], SUCCESS);
    assert!(block.acks[1].contains("holds 0"), "{}", block.acks[1]);
    assert_eq!(chain.balance(&recipient).await, before + held);
}

#[tokio::test]
async fn an_opened_channel_gets_the_full_bonded_set_and_a_second_channel_is_refused() {
    let mut chain = mesh_chain(3, |_| {}).await;
    chain.steps(vec![open_channel()]).await;
    let packets = queued(&chain).await;
    let update: serde_json::Value = serde_json::from_str(&packets[0]).unwrap();
    let additions = update["valset_update"]["additions"].as_array().unwrap();
    assert_eq!(additions.len(), 3);
    use base64::Engine;
    let key0 = base64::engine::general_purpose::STANDARD.encode(consensus_key(0));
    assert!(additions
        .iter()
        .any(|a| a["valoper"] == valoper_of(&chain, 0) && a["pub_key"] == key0));

    let mut state = cnidarium::StateDelta::new(chain.storage.latest_snapshot());
    let again =
        rmesh_converter::Converter::on_channel_open(&mut state, PROVIDER, "channel-1").await;
    assert!(again
        .unwrap_err()
        .to_string()
        .contains("already has channel channel-0"));
}

#[tokio::test]
async fn malformed_unknown_or_unauthorized_packets_get_error_acks_and_change_nothing() {
    let chain = mesh_chain(2, |_| {}).await;
    let v0 = valoper_of(&chain, 0);
    let snapshot = chain.storage.latest_snapshot();
    let root = snapshot.root_hash().await.unwrap();
    let mut state = cnidarium::StateDelta::new(snapshot);
    let bad = [
        (PROVIDER, "not json".to_string()),
        (PROVIDER, r#"{"stake":{"delegator":"a"}}"#.to_string()),
        ("stranger", stake(ALICE, &v0, 1)),
        (
            PROVIDER,
            stake(
                ALICE,
                "rmeshvaloper1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a",
                1,
            ),
        ),
        (PROVIDER, stake(ALICE, &v0, 0)),
        (PROVIDER, stake(ALICE, &v0, 1).replace("uosmo", "uatom")),
        (PROVIDER, unstake(ALICE, &v0, 1)),
        (PROVIDER, transfer_rewards(&chain.accounts[1].address, 5)),
    ];
    for (provider, data) in bad {
        let ack =
            rmesh_converter::Converter::on_recv_packet(&mut state, provider, data.as_bytes()).await;
        let ack: serde_json::Value = serde_json::from_slice(&ack).unwrap();
        assert!(ack["error"].is_string(), "{data} -> {ack}");
    }
    let staged = chain.storage.prepare_commit(state).await.unwrap();
    assert_eq!(*staged.root_hash(), root, "no packet left a trace");
}

#[tokio::test]
async fn only_the_authority_manages_providers_and_params() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let mut msg = update_provider(&chain, "7");
    msg.authority = chain.accounts[1].address.clone();
    let any = Any {
        type_url: MsgUpdateProvider::type_url(),
        value: msg.encode_to_vec(),
    };
    let tx = chain.accounts[1].sign(vec![any], FEE, GAS);
    let block = chain.mesh_block(vec![tx], vec![], vec![], vec![]).await;
    assert_ne!(block.tx_codes[0], 0);
    assert!(
        block.tx_logs[0].contains("only the mesh authority"),
        "{}",
        block.tx_logs[0]
    );
    let provider = chain
        .storage
        .latest_snapshot()
        .existing_provider(PROVIDER)
        .await
        .unwrap();
    assert_eq!(provider.cap, NO_CAP);
}

#[tokio::test]
async fn two_providers_over_several_epochs_give_cometbft_exactly_the_virtual_powers() {
    let mut chain = mesh_chain(4, |genesis| {
        genesis
            .converter
            .providers
            .push(provider("juno", "2", "0.5", NO_CAP));
    })
    .await;
    let validators: Vec<String> = (0..4).map(|i| valoper_of(&chain, i)).collect();
    let rounds = [
        vec![
            packet(PROVIDER, stake(ALICE, &validators[0], 20_000_000)),
            packet("juno", stake("juno1carol", &validators[1], 3_000_000)),
        ],
        vec![
            packet(PROVIDER, stake(BOB, &validators[2], 7_000_000)),
            packet("juno", stake("juno1carol", &validators[0], 5_000_000)),
        ],
        vec![
            packet(PROVIDER, unstake(ALICE, &validators[0], 20_000_000)),
            packet("juno", unstake("juno1carol", &validators[1], 1_000_000)),
        ],
    ];
    for steps in rounds {
        let block = chain.steps(steps).await;
        assert!(block.acks.iter().all(|a| a == SUCCESS), "{:?}", block.acks);
        chain.until_epoch_end().await;
        for index in 0..4 {
            let virtual_total = virtual_stake(&chain, PROVIDER, index).await
                + virtual_stake(&chain, "juno", index).await;
            let self_bond = 10_000_000 + index as u128 * 1_000_000;
            assert_eq!(tokens(&chain, index).await, self_bond + virtual_total);
        }
    }
    // osmo: 7M at 0.45 on validator 2; juno: 5M and 2M at 1.0 on validators 0 and 1.
    assert_eq!(virtual_stake(&chain, PROVIDER, 2).await, 3_150_000);
    assert_eq!(virtual_stake(&chain, "juno", 0).await, 5_000_000);
    assert_eq!(virtual_stake(&chain, "juno", 1).await, 2_000_000);
    let snapshot = chain.storage.latest_snapshot();
    let powers = snapshot.last_powers().await.unwrap();
    assert_eq!(powers[&operator(&chain, 0)], 15);
    assert_eq!(powers[&operator(&chain, 1)], 13);
    assert_eq!(powers[&operator(&chain, 2)], 15);
    assert_eq!(powers[&operator(&chain, 3)], 13);
}

#[tokio::test]
async fn a_paused_provider_refuses_new_stake_but_its_stakers_can_still_leave() {
    let mut chain = mesh_chain(2, |_| {}).await;
    stake_through_epoch(&mut chain, &[(ALICE, 0, 80_000_000)]).await;
    let mut msg = update_provider(&chain, "");
    msg.status = "paused".into();
    let tx = authority_tx(&mut chain, msg);
    let v0 = valoper_of(&chain, 0);
    let block = chain
        .mesh_block(
            vec![tx],
            vec![],
            vec![],
            vec![
                packet(PROVIDER, stake(BOB, &v0, 1_000_000)),
                packet(PROVIDER, unstake(ALICE, &v0, 80_000_000)),
            ],
        )
        .await;
    assert_eq!(block.tx_codes, vec![0], "{:?}", block.tx_logs);
    assert!(
        block.acks[0].contains("not accepting stake"),
        "{}",
        block.acks[0]
    );
    assert_eq!(block.acks[1], SUCCESS);
    chain.until_epoch_end().await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 0);
}

#[tokio::test]
async fn a_removed_provider_is_wound_down_and_deleted_once_its_packets_are_delivered() {
    let mut chain = mesh_chain(2, |_| {}).await;
    let v0 = valoper_of(&chain, 0);
    chain
        .steps(vec![
            open_channel(),
            packet(PROVIDER, stake(ALICE, &v0, 50_000_000)),
        ])
        .await;
    chain.until_epoch_end().await;
    let msg = rmesh_proto::converter::v1::MsgRemoveProvider {
        authority: chain.accounts[0].address.clone(),
        id: PROVIDER.into(),
    };
    let tx = authority_tx(&mut chain, msg);
    let block = chain
        .mesh_block(
            vec![tx],
            vec![],
            vec![],
            vec![packet(PROVIDER, stake(BOB, &v0, 1))],
        )
        .await;
    assert!(
        block.acks[0].contains("not accepting stake"),
        "{}",
        block.acks[0]
    );
    chain.until_epoch_end().await;
    assert_eq!(virtual_stake(&chain, PROVIDER, 0).await, 0);
    assert!(queued(&chain)
        .await
        .iter()
        .any(|p| p.contains("internal_unstake")));
    let snapshot = chain.storage.latest_snapshot();
    assert!(
        snapshot.provider(PROVIDER).await.unwrap().is_some(),
        "kept while packets wait"
    );

    let sent = chain
        .steps(vec![Step::TakeUnsent(PROVIDER.into())])
        .await
        .sent;
    let acks = sent
        .iter()
        .map(|p| Step::Ack(PROVIDER.into(), p.id, SUCCESS.into()))
        .collect();
    chain.steps(acks).await;
    chain.until_epoch_end().await;
    let snapshot = chain.storage.latest_snapshot();
    assert!(snapshot.provider(PROVIDER).await.unwrap().is_none());
    assert!(snapshot
        .provider_of_channel("channel-0")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn the_mesh_security_handshake_is_opened_by_us_on_the_providers_connection_only() {
    use ibc::core::channel::types::channel::{Counterparty, Order};
    use ibc::core::channel::types::Version;
    use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
    use ibc::core::router::module::Module;
    use rmesh_converter::{ConverterModule, PORT};
    use rmesh_mesh_wire::{check_version, VERSION};

    let chain = mesh_chain(2, |genesis| {
        genesis.converter.providers[0].connection_id = Some("connection-0".into());
    })
    .await;
    let mut state = cnidarium::StateDelta::new(chain.storage.latest_snapshot());
    let store = rmesh_ibc::TxStore::new(&mut state);
    let mut module = ConverterModule::new(store);
    let port = PortId::new(PORT.into()).unwrap();
    let channel = ChannelId::new(0);
    let counterparty = Counterparty::new(PortId::new("provider".into()).unwrap(), None);
    let ours = [ConnectionId::new(0)];
    let empty = Version::new(String::new());
    let init = |module: &ConverterModule<_>, order, hops: &[ConnectionId]| {
        module.on_chan_open_init_validate(order, hops, &port, &channel, &counterparty, &empty)
    };

    assert_eq!(
        init(&module, Order::Unordered, &ours).unwrap().as_str(),
        VERSION
    );
    assert!(
        init(&module, Order::Ordered, &ours).is_err(),
        "unordered only"
    );
    assert!(
        init(&module, Order::Unordered, &[ConnectionId::new(9)]).is_err(),
        "unknown connection"
    );
    assert!(module
        .on_chan_open_try_validate(
            Order::Unordered,
            &ours,
            &port,
            &channel,
            &counterparty,
            &empty
        )
        .unwrap_err()
        .to_string()
        .contains("OpenTry is refused"));

    module
        .on_chan_open_init_execute(
            Order::Unordered,
            &ours,
            &port,
            &channel,
            &counterparty,
            &empty,
        )
        .unwrap();
    let answer = Version::new(r#"{"protocol":"mesh-security","version":"0.11.0"}"#.into());
    module
        .on_chan_open_ack_validate(&port, &channel, &answer)
        .unwrap();
    module
        .on_chan_open_ack_execute(&port, &channel, &answer)
        .unwrap();
    assert!(
        init(&module, Order::Unordered, &ours)
            .unwrap_err()
            .to_string()
            .contains("already has channel channel-0"),
        "one channel per provider"
    );
    assert!(
        module.on_chan_close_init_validate(&port, &channel).is_err(),
        "only the authority closes"
    );
    drop(module);
    assert_eq!(
        state
            .provider(PROVIDER)
            .await
            .unwrap()
            .unwrap()
            .channel_id
            .as_deref(),
        Some("channel-0")
    );
    let queued = state.outbox(PROVIDER).await.unwrap();
    assert!(
        queued[0].data.starts_with(r#"{"valset_update":"#),
        "the full set goes first"
    );

    for (text, ok) in [
        (r#"{"protocol":"mesh-security","version":"0.11.0"}"#, true),
        (r#"{"protocol":"mesh-security","version":"0.12.3"}"#, true),
        (r#"{"protocol":"mesh-security","version":"0.10.9"}"#, false),
        (r#"{"protocol":"mesh-security","version":"1.0.0"}"#, false),
        (r#"{"protocol":"ics20-1","version":"0.11.0"}"#, false),
        ("ics20-1", false),
    ] {
        assert_eq!(check_version(text).is_ok(), ok, "{text}");
    }
}

#[tokio::test]
async fn a_provider_is_registered_only_on_an_ibc_connection_id_that_exists() {
    use rmesh_proto::converter::v1::MsgAddProvider;
    let mut chain = mesh_chain(1, |_| {}).await;
    let authority = chain.accounts[0].address.clone();
    for (connection, refusal) in [
        ("connection-localhost", "is not an IBC connection id"),
        ("connection-", "is not an IBC connection id"),
        (
            "connection-7",
            "connection connection-7 does not exist on this chain",
        ),
    ] {
        let add = MsgAddProvider {
            authority: authority.clone(),
            id: "juno".into(),
            remote_denom: "ujuno".into(),
            price: "1".into(),
            cap: "1000".into(),
            connection_id: connection.into(),
            ..MsgAddProvider::default()
        };
        let mut update = update_provider(&chain, "");
        update.connection_id = connection.into();
        for msg in [packed(add), packed(update)] {
            // A refused tx may not consume the sequence: sign with the one on chain.
            let snapshot = chain.storage.latest_snapshot();
            let authority = operator(&chain, 0);
            let account = rmesh_auth::AccountRead::account(&snapshot, &authority).await;
            chain.accounts[0].sequence = account.unwrap().unwrap().sequence;
            let tx = chain.accounts[0].sign(vec![msg], FEE, GAS);
            let block = chain.mesh_block(vec![tx], vec![], vec![], vec![]).await;
            assert_ne!(block.tx_codes[0], 0, "{connection}");
            assert!(block.tx_logs[0].contains(refusal), "{}", block.tx_logs[0]);
        }
    }
    let snapshot = chain.storage.latest_snapshot();
    assert!(snapshot.provider("juno").await.unwrap().is_none());
    let osmo = snapshot.existing_provider(PROVIDER).await.unwrap();
    assert_eq!(osmo.connection_id, None);
}
