//! Both ends of mesh security in one process: an rmesh consumer and an rmesh provider joined by
//! a mesh-security channel (see `support::pair`), each test asserting the consumer's books and
//! the provider's books to the unit.

mod support;

use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_bank::BankRead;
use rmesh_converter::ConverterRead;
use rmesh_core::Address;
use rmesh_distribution::view::DistributionRead;
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
