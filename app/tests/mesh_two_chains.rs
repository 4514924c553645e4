//! Both ends of mesh security in one process: an rmesh consumer and an rmesh provider joined by
//! a mesh-security channel (see `support::pair`), each test asserting the consumer's books and
//! the provider's books to the unit.

mod support;

use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_bank::BankRead;
use rmesh_converter::ConverterRead;
use rmesh_core::Address;
use rmesh_distribution::DistributionRead;
use rmesh_external_staking::ExternalStakingRead;
use rmesh_proto::converter::v1::{MsgCloseChannel, MsgUpdateProvider};
use rmesh_proto::externalstaking::v1::MsgWithdrawRewards;
use rmesh_proto::vault::v1::{MsgBond, MsgStakeRemote};
use rmesh_vault::VaultRead;
use rmesh_virtual_staking::VirtualStakingRead;
use support::mesh::{valoper_of, PROVIDER};
use support::pair::{confirm_close_on_provider, MeshPair, ProviderTerms, CHANNEL, CONSUMER};
use support::staking::{FEE, GAS};

const HOLDER: &str = "external/consumer-1";

fn packed<M: Message + Name>(message: M) -> Any {
    Any {
        type_url: M::type_url(),
        value: message.encode_to_vec(),
    }
}

fn address(text: &str) -> Address {
    Address::from_bech32_any_prefix(text).unwrap().1
}

/// Staker `index` of the provider bonds `collateral` and cross-stakes `amount` with the
/// consumer's validator `validator`.
fn stake_remote_tx(
    pair: &mut MeshPair,
    index: usize,
    validator: usize,
    collateral: u128,
    amount: u128,
) -> Vec<u8> {
    let owner = pair.staker(index);
    let valoper = valoper_of(&pair.consumer, validator);
    let messages = vec![
        packed(MsgBond {
            owner: owner.clone(),
            amount: collateral.to_string(),
        }),
        packed(MsgStakeRemote {
            owner,
            consumer_id: CONSUMER.into(),
            validator: valoper,
            amount: amount.to_string(),
        }),
    ];
    pair.provider_account(index).sign(messages, FEE, GAS)
}

fn authority_tx<M: Name>(pair: &mut MeshPair, msg: M) -> Vec<u8> {
    pair.consumer.accounts[0].sign(vec![packed(msg)], FEE, GAS)
}

/// The provider's record of a staker's cross-stake with consumer validator `validator`.
async fn provider_stake(pair: &MeshPair, index: usize, validator: usize) -> u128 {
    let snapshot = pair.provider.storage.latest_snapshot();
    let valoper = valoper_of(&pair.consumer, validator);
    let record = snapshot
        .stake(CONSUMER, &valoper, &address(&pair.staker(index)))
        .await
        .unwrap();
    record.amount
}

async fn lien(pair: &MeshPair, index: usize) -> u128 {
    let snapshot = pair.provider.storage.latest_snapshot();
    let liens = snapshot.liens(&address(&pair.staker(index))).await.unwrap();
    liens.get(HOLDER).map_or(0, |lien| lien.amount)
}

/// The consumer's position for a provider staker with validator `validator`.
async fn position(pair: &MeshPair, index: usize, validator: usize) -> u128 {
    let snapshot = pair.consumer.storage.latest_snapshot();
    let operator = address(&pair.consumer.accounts[validator].address);
    snapshot
        .position(PROVIDER, &operator, &pair.staker(index))
        .await
        .unwrap()
}

async fn virtual_stake(pair: &MeshPair, validator: usize) -> u128 {
    let snapshot = pair.consumer.storage.latest_snapshot();
    let operator = address(&pair.consumer.accounts[validator].address);
    snapshot.virtual_stake(PROVIDER, &operator).await.unwrap()
}

/// Rewards the provider credits staker `index` with at validator `validator`.
async fn provider_rewards(pair: &MeshPair, index: usize, validator: usize) -> u128 {
    let snapshot = pair.provider.storage.latest_snapshot();
    let valoper = valoper_of(&pair.consumer, validator);
    let pool = snapshot.pool(CONSUMER, &valoper).await.unwrap();
    let mut record = snapshot
        .stake(CONSUMER, &valoper, &address(&pair.staker(index)))
        .await
        .unwrap();
    record.settle(&pool);
    record.rewards
}

#[tokio::test]
async fn a_zero_cap_unstakes_each_position_on_the_provider_to_the_last_unit() {
    let mut pair = MeshPair::start(1, ProviderTerms::default()).await;
    let tx = stake_remote_tx(&mut pair, 1, 0, 100_000_000, 50_000_000);
    pair.provider_txs(vec![tx]).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;
    assert_eq!(virtual_stake(&pair, 0).await, 22_500_000);

    let msg = MsgUpdateProvider {
        authority: pair.consumer.accounts[0].address.clone(),
        id: PROVIDER.into(),
        cap: "0".into(),
        ..MsgUpdateProvider::default()
    };
    let tx = authority_tx(&mut pair, msg);
    let block = pair.consumer_block(vec![tx]).await;
    assert_eq!(block.tx_codes, vec![0], "{:?}", block.tx_logs);
    pair.relay().await;
    pair.until_consumer_epoch().await;
    let unstakes = pair.delivered_of("internal_unstake");
    assert_eq!(unstakes.len(), 1);
    assert_eq!(
        unstakes[0]["inverted_amount"]["amount"], "50000000",
        "exactly what is held"
    );
    assert_eq!(unstakes[0]["normalize_amount"]["amount"], "22500000");
    assert_eq!(position(&pair, 1, 0).await, 0);
    assert_eq!(virtual_stake(&pair, 0).await, 0);
    assert_eq!(
        provider_stake(&pair, 1, 0).await,
        0,
        "not one unit left staked"
    );
    assert_eq!(lien(&pair, 1).await, 0, "the whole lien is released");
}

/// The reference provider refuses a close the consumer starts, so the authority's close must
/// release everything over the open channel before it closes anything.
#[tokio::test]
async fn the_authoritys_close_releases_every_stake_and_reward_before_the_channel_closes() {
    let terms = ProviderTerms {
        refuse_close_confirm: true,
    };
    let mut pair = MeshPair::start(1, terms).await;
    let stakes = vec![
        stake_remote_tx(&mut pair, 1, 0, 100_000_000, 50_000_000),
        stake_remote_tx(&mut pair, 2, 0, 40_000_000, 30_000_000),
    ];
    pair.provider_txs(stakes).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;
    // An epoch of rewards for the virtual stake, announced to the provider at its end.
    pair.until_consumer_epoch().await;
    assert!(provider_rewards(&pair, 1, 0).await > 0);

    let grace = 30;
    let msg = MsgCloseChannel {
        authority: pair.consumer.accounts[0].address.clone(),
        id: PROVIDER.into(),
        grace_period_seconds: grace,
    };
    let tx = authority_tx(&mut pair, msg);
    let block = pair.consumer_block(vec![tx]).await;
    assert_eq!(block.tx_codes, vec![0], "{:?}", block.tx_logs);
    pair.relay().await;
    pair.until_consumer_epoch().await;

    // Released over the open channel: every position unstaked on the provider, exactly.
    for index in [1, 2] {
        assert_eq!(position(&pair, index, 0).await, 0);
        assert_eq!(provider_stake(&pair, index, 0).await, 0);
        assert_eq!(lien(&pair, index).await, 0);
    }
    assert_eq!(virtual_stake(&pair, 0).await, 0);
    let snapshot = pair.consumer.storage.latest_snapshot();
    let provider = snapshot.existing_provider(PROVIDER).await.unwrap();
    assert_eq!(
        provider.channel_id.as_deref(),
        Some(CHANNEL),
        "still open for rewards"
    );
    let close = provider.channel_close.clone().unwrap();
    let ends_at = close.grace_ends_at.expect("the grace period runs");
    let held = snapshot.held_rewards(PROVIDER).await.unwrap();
    let (first, second) = (
        provider_rewards(&pair, 1, 0).await,
        provider_rewards(&pair, 2, 0).await,
    );
    assert!(
        held >= first + second && first > 0 && second > 0,
        "{held} {first} {second}"
    );

    // Staker 1 withdraws in the grace period; staker 2 does not.
    let recipient = pair.consumer.accounts[1].address.clone();
    let before = pair.consumer.balance(&recipient).await;
    let withdraw = packed(MsgWithdrawRewards {
        owner: pair.staker(1),
        consumer_id: CONSUMER.into(),
        validator: valoper_of(&pair.consumer, 0),
        recipient: recipient.clone(),
    });
    let tx = pair.provider_account(1).sign(vec![withdraw], FEE, GAS);
    pair.provider_txs(vec![tx]).await;
    pair.relay().await;
    assert_eq!(pair.consumer.balance(&recipient).await, before + first);

    let pool_before = pair
        .consumer
        .storage
        .latest_snapshot()
        .community_pool()
        .await
        .unwrap();
    let mut closed = None;
    for _ in 0..(grace / 5 + 3) {
        let block = pair.consumer_block(vec![]).await;
        if !block.events_of("channel_close_init").is_empty() {
            closed = Some(block);
            break;
        }
    }
    let closed = closed.expect("the channel closes once the grace period is over");
    let close_time = support::TestChain::time_of(pair.consumer.height).unix_timestamp() as u64;
    assert!(close_time >= ends_at, "not before the grace period ended");
    let snapshot = pair.consumer.storage.latest_snapshot();
    assert!(
        snapshot.provider(PROVIDER).await.unwrap().is_none(),
        "removed"
    );
    let leftover = held - first;
    let handed_over = closed.events_of("converter_rewards_to_community_pool");
    assert_eq!(handed_over.len(), 1);
    let amount = handed_over[0]
        .attributes
        .iter()
        .find(|a| a.key_bytes() == b"amount")
        .and_then(|a| a.value_str().ok())
        .unwrap();
    assert_eq!(amount, leftover.to_string(), "what nobody withdrew");
    let pool = snapshot.community_pool().await.unwrap();
    let leftover_in_pool = rmesh_core::Decimal::from_integer(leftover).unwrap();
    assert!(
        pool.saturating_sub(pool_before) >= leftover_in_pool,
        "went to the community pool"
    );
    let converter = Address::module(rmesh_converter::CONVERTER_ACCOUNT);
    assert_eq!(
        snapshot.balance(&converter, "urmesh").await.unwrap(),
        0,
        "nothing stranded"
    );

    // The relayer's ChanCloseConfirm: the provider refuses as the reference does; its end stays
    // open, with nothing left on it.
    let mut state = cnidarium::StateDelta::new(pair.provider.storage.latest_snapshot());
    let refusal = confirm_close_on_provider(&mut state).unwrap_err();
    assert!(
        refusal.contains("You must start the channel close on this side"),
        "{refusal}"
    );
    let snapshot = pair.provider.storage.latest_snapshot();
    let consumer = snapshot.existing_consumer(CONSUMER).await.unwrap();
    assert_eq!(consumer.channel_id.as_deref(), Some(CHANNEL));
    for index in [1, 2] {
        assert_eq!(lien(&pair, index).await, 0);
    }
}

/// Staker `index` bonds `collateral` and stakes `local` with the provider's own validator.
fn stake_local_tx(pair: &mut MeshPair, index: usize, collateral: u128, local: u128) -> Vec<u8> {
    use rmesh_proto::vault::v1::MsgStakeLocal;
    let owner = pair.staker(index);
    let validator = support::staking::valoper(&pair.provider.accounts[0].address);
    let messages = vec![
        packed(MsgBond {
            owner: owner.clone(),
            amount: collateral.to_string(),
        }),
        packed(MsgStakeLocal {
            owner,
            validator,
            amount: local.to_string(),
        }),
    ];
    pair.provider_account(index).sign(messages, FEE, GAS)
}

/// Staker `index` cross-stakes `amount` more with consumer validator `validator` (its
/// collateral is already bonded).
fn cross_stake_tx(pair: &mut MeshPair, index: usize, validator: usize, amount: u128) -> Vec<u8> {
    let message = packed(MsgStakeRemote {
        owner: pair.staker(index),
        consumer_id: CONSUMER.into(),
        validator: valoper_of(&pair.consumer, validator),
        amount: amount.to_string(),
    });
    pair.provider_account(index).sign(vec![message], FEE, GAS)
}

fn unstake_tx(pair: &mut MeshPair, index: usize, validator: usize, amount: u128) -> Vec<u8> {
    use rmesh_proto::externalstaking::v1::MsgUnstake;
    let message = packed(MsgUnstake {
        owner: pair.staker(index),
        consumer_id: CONSUMER.into(),
        validator: valoper_of(&pair.consumer, validator),
        amount: amount.to_string(),
    });
    pair.provider_account(index).sign(vec![message], FEE, GAS)
}

/// Staker 1 bonds collateral, stakes locally on the provider and cross-stakes with the
/// consumer's first validator (`first`: collateral, local, cross); staker 2 bonds and
/// cross-stakes `second` there. Relayed and counted at the consumer's next epoch.
async fn two_stakers_at_the_first_validator(
    pair: &mut MeshPair,
    first: (u128, u128, u128),
    second: u128,
) {
    let (collateral, local, cross) = first;
    let txs = vec![
        stake_local_tx(pair, 1, collateral, local),
        stake_remote_tx(pair, 2, 0, second, second),
    ];
    pair.provider_txs(txs).await;
    let tx = cross_stake_tx(pair, 1, 0, cross);
    pair.provider_txs(vec![tx]).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;
}

/// Both books agree for staker `index` at `validator`: the consumer's position and the
/// provider's stake are `expected`.
async fn assert_books(pair: &MeshPair, index: usize, validator: usize, expected: u128) {
    assert_eq!(
        (
            position(pair, index, validator).await,
            provider_stake(pair, index, validator).await
        ),
        (expected, expected),
        "staker {index} at validator {validator}: (consumer position, provider stake)"
    );
}

/// The consumer's stake with `validator` equals the provider's total there.
async fn assert_totals(pair: &MeshPair, validator: usize, stakers: &[usize]) {
    let mut provider_total = 0;
    for index in stakers {
        provider_total += provider_stake(pair, *index, validator).await;
    }
    let snapshot = pair.consumer.storage.latest_snapshot();
    let operator = address(&pair.consumer.accounts[validator].address);
    let staked = snapshot.staked(PROVIDER, &operator).await.unwrap();
    assert_eq!(
        staked, provider_total,
        "validator {validator}: consumer vs provider"
    );
}

/// The slashes the provider was sent for `validator`, as (slash_amount, slash_ratio).
fn reported_slashes(pair: &MeshPair, validator: &str) -> Vec<(String, String)> {
    pair.delivered_of("valset_update")
        .iter()
        .flat_map(|update| update["slashed"].as_array().cloned().unwrap_or_default())
        .filter(|slash| slash["address"] == validator)
        .map(|slash| {
            (
                slash["slash_amount"]["amount"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                slash["slash_ratio"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The reference suite's tombstone, with our 5% double-sign: 100M and 50M cross-staked with one
/// validator (the first staker's collateral also backing 190M of local stake). Each position
/// loses exactly 5%, and the provider is told exactly their sum.
#[tokio::test]
async fn a_tombstone_cuts_each_position_and_the_providers_stake_by_the_same_reported_amount() {
    let mut pair = MeshPair::start(2, ProviderTerms::default()).await;
    two_stakers_at_the_first_validator(
        &mut pair,
        (200_000_000, 190_000_000, 100_000_000),
        50_000_000,
    )
    .await;
    assert_eq!(virtual_stake(&pair, 0).await, 67_500_000);

    let height = pair.consumer.height;
    let evidence = support::pair::double_sign(0, height, 77);
    pair.consumer_block_full(vec![], vec![evidence], vec![])
        .await;
    pair.relay().await;
    let valoper = valoper_of(&pair.consumer, 0);
    assert_eq!(
        reported_slashes(&pair, &valoper),
        vec![("7500000".into(), "0.050000000000000000".into())]
    );
    assert_books(&pair, 1, 0, 95_000_000).await;
    assert_books(&pair, 2, 0, 47_500_000).await;
    assert_totals(&pair, 0, &[1, 2]).await;
}

/// Downtime (1%) on the validator two stakers hold about 100M and 50M with: each position
/// loses 1% of itself, floored (1,000,000 and 499,999, so 1,499,999 reported rather than 1% of
/// their sum), the same as each stake on the provider. Its unjail is reported in `unjailed` and
/// in `additions`, which is what reactivates it on the reference provider (and on ours).
#[tokio::test]
async fn downtime_cuts_both_books_alike_and_an_unjail_is_reported_as_an_addition_too() {
    use rmesh_external_staking::ValidatorStatus;
    use support::staking::{unjail_msg, vote, JAIL_SECONDS};
    let mut pair = MeshPair::start(2, ProviderTerms::default()).await;
    let stakes = vec![
        stake_remote_tx(&mut pair, 1, 1, 100_000_033, 100_000_033),
        stake_remote_tx(&mut pair, 2, 1, 49_999_967, 49_999_967),
    ];
    pair.provider_txs(stakes).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;

    pair.consumer_votes = vec![vote(0, 10, true), vote(1, 78, false)];
    let valoper = valoper_of(&pair.consumer, 1);
    for _ in 0..12 {
        pair.consumer_block(vec![]).await;
        pair.relay().await;
        if !reported_slashes(&pair, &valoper).is_empty() {
            break;
        }
    }
    assert_eq!(
        reported_slashes(&pair, &valoper),
        vec![("1499999".into(), "0.010000000000000000".into())]
    );
    assert_books(&pair, 1, 1, 99_000_033).await;
    assert_books(&pair, 2, 1, 49_499_968).await;
    let status = |pair: &MeshPair| {
        let snapshot = pair.provider.storage.latest_snapshot();
        let valoper = valoper.clone();
        async move {
            let record = snapshot
                .reported_validator(CONSUMER, &valoper)
                .await
                .unwrap();
            record.map(|r| r.status)
        }
    };
    assert_eq!(status(&pair).await, Some(ValidatorStatus::Jailed));

    pair.consumer_votes = vec![vote(0, 10, true), vote(1, 78, true)];
    for _ in 0..=(JAIL_SECONDS / 5) {
        pair.consumer_block(vec![]).await;
    }
    let operator = pair.consumer.accounts[1].address.clone();
    let tx = pair.consumer.accounts[1].sign(vec![unjail_msg(&operator)], FEE, GAS);
    let block = pair.consumer_block(vec![tx]).await;
    assert_eq!(block.tx_codes, vec![0], "{:?}", block.tx_logs);
    pair.relay().await;
    let update = pair
        .delivered_of("valset_update")
        .into_iter()
        .find(|update| update["unjailed"].as_array().is_some_and(|u| !u.is_empty()))
        .expect("a valset_update reports the unjail");
    assert_eq!(update["unjailed"], serde_json::json!([valoper.clone()]));
    let additions: Vec<&str> = update["additions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["valoper"].as_str())
        .collect();
    assert_eq!(
        additions,
        vec![valoper.as_str()],
        "the reference reactivates on additions only"
    );
    assert_eq!(status(&pair).await, Some(ValidatorStatus::Active));
    assert_totals(&pair, 1, &[1, 2]).await;
}

/// The provider's own validator double-signs: the first staker's vault cut burns 5M of its
/// cross-stake on the consumer, in a packet that does not say whose. The second staker then
/// unstakes all of its 50M: both books end with the first staker's 95M, and the virtual stake
/// is what 95M is worth, never more.
#[tokio::test]
async fn a_burn_then_a_full_unstake_by_another_staker_leaves_both_books_equal() {
    let mut pair = MeshPair::start(1, ProviderTerms::default()).await;
    two_stakers_at_the_first_validator(
        &mut pair,
        (100_000_000, 100_000_000, 100_000_000),
        50_000_000,
    )
    .await;

    let height = pair.provider.height;
    let evidence = support::pair::double_sign(0, height, 110);
    pair.provider_block_full(vec![], vec![evidence], vec![])
        .await;
    pair.relay().await;
    let burns = pair.delivered_of("burn");
    assert_eq!(burns.len(), 1);
    assert_eq!(burns[0]["burn"]["amount"], "5000000");
    assert_eq!(provider_stake(&pair, 1, 0).await, 95_000_000);
    assert_totals(&pair, 0, &[1, 2]).await;
    assert_books(&pair, 2, 0, 50_000_000).await;

    let tx = unstake_tx(&mut pair, 2, 0, 50_000_000);
    pair.provider_txs(vec![tx]).await;
    pair.relay().await;
    assert_books(&pair, 2, 0, 0).await;
    assert_books(&pair, 1, 0, 95_000_000).await;
    assert_totals(&pair, 0, &[1, 2]).await;
    pair.until_consumer_epoch().await;
    assert_eq!(virtual_stake(&pair, 0).await, 42_750_000);
}

/// A vault cut over three validators of unequal stake (1M, 200M and 399M of the first staker;
/// the second holds 100M with the first validator): the provider splits 30M evenly, what the
/// 1M cannot take passed on to the first of the others with room (1M, then 19M and 10M), and
/// sends one burn per validator, so the consumer's stake with each validator drops by exactly
/// the provider's share.
#[tokio::test]
async fn a_burn_over_three_validators_of_unequal_stake_matches_the_providers_split() {
    let mut pair = MeshPair::start(3, ProviderTerms::default()).await;
    let txs = vec![
        stake_local_tx(&mut pair, 1, 600_000_000, 600_000_000),
        stake_remote_tx(&mut pair, 2, 0, 100_000_000, 100_000_000),
    ];
    pair.provider_txs(txs).await;
    let txs = vec![
        cross_stake_tx(&mut pair, 1, 0, 1_000_000),
        cross_stake_tx(&mut pair, 1, 1, 200_000_000),
        cross_stake_tx(&mut pair, 1, 2, 399_000_000),
    ];
    for tx in txs {
        pair.provider_txs(vec![tx]).await;
    }
    pair.relay().await;

    let height = pair.provider.height;
    let evidence = support::pair::double_sign(0, height, 610);
    pair.provider_block_full(vec![], vec![evidence], vec![])
        .await;
    pair.relay().await;
    let burned: Vec<(String, u128)> = pair
        .delivered_of("burn")
        .iter()
        .map(|b| {
            let listed = b["validators"].as_array().unwrap();
            assert_eq!(listed.len(), 1, "one validator per burn");
            let amount = b["burn"]["amount"].as_str().unwrap().parse().unwrap();
            (listed[0].as_str().unwrap().to_string(), amount)
        })
        .collect();
    let burned_at = |v: usize| {
        let valoper = valoper_of(&pair.consumer, v);
        burned
            .iter()
            .find(|(b, _)| *b == valoper)
            .map_or(0, |(_, a)| *a)
    };
    assert_eq!(burned_at(0), 1_000_000, "all the 1M can take");
    let mut rest = [burned_at(1), burned_at(2)];
    rest.sort();
    assert_eq!(
        rest,
        [10_000_000, 19_000_000],
        "10M each, the 9M left to the first with room"
    );
    for validator in 0..3 {
        assert_totals(&pair, validator, &[1, 2]).await;
    }
    for validator in [1, 2] {
        let expected = provider_stake(&pair, 1, validator).await;
        assert_books(&pair, 1, validator, expected).await;
    }
    assert_eq!(
        provider_stake(&pair, 1, 1).await + provider_stake(&pair, 1, 2).await,
        570_000_000
    );
    assert_books(&pair, 2, 0, 100_000_000).await;
    assert_eq!(provider_stake(&pair, 1, 0).await, 0);
    pair.until_consumer_epoch().await;
    for validator in 0..3 {
        let mut provider_total = 0;
        for staker in [1, 2] {
            provider_total += provider_stake(&pair, staker, validator).await;
        }
        assert_eq!(
            virtual_stake(&pair, validator).await,
            provider_total * 45 / 100
        );
    }
}
