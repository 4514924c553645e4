//! Rewards under a scripted consensus: the block provision goes to the validators of the last
//! commit by power, after the community tax; commission to the operator; the rest pro rata.

mod support;

use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
    MsgWithdrawDelegatorReward, MsgWithdrawValidatorCommission, QueryCommunityPoolRequest,
    QueryCommunityPoolResponse, QueryDelegationRewardsRequest, QueryDelegationRewardsResponse,
};
use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use support::staking::*;
use support::GENESIS_FUNDS;

fn packed<M: Message + Name>(message: M) -> Any {
    Any {
        type_url: M::type_url(),
        value: message.encode_to_vec(),
    }
}

/// The SDK's DecCoin amount (18-decimal atomics) as whole tokens.
fn whole(amount: &str) -> u128 {
    amount.parse::<u128>().unwrap() / 1_000_000_000_000_000_000
}

#[tokio::test]
async fn a_delegator_earns_its_share_and_the_operator_its_commission() {
    let (mut chain, _) = staked_chain(3, 1, 10).await;
    let (operator, delegator) = (
        chain.accounts[0].address.clone(),
        chain.accounts[2].address.clone(),
    );
    // Block 1: a delegation equal to the self-bond; no votes, so that block's rewards are taxed away.
    let tx = chain.accounts[2].sign(
        vec![delegate_msg(&delegator, &operator, SELF_BOND)],
        FEE,
        GAS,
    );
    chain.block(vec![tx]).await;
    // Blocks 2-5: the validator signs alone with all the power.
    for _ in 0..4 {
        chain
            .block_with(vec![], vec![vote(0, 20, true)], vec![])
            .await;
    }
    // Each block: 1,000,000 minted, 2% tax, 10% commission, then 882,000 split 50/50; block 2
    // also distributes block 1's fee (750: 2% tax, 10% commission, 330.75 to each half).
    let request = QueryDelegationRewardsRequest {
        delegator_address: delegator.clone(),
        validator_address: valoper(&operator),
    };
    let response = chain
        .abci_query(
            "/cosmos.distribution.v1beta1.Query/DelegationRewards",
            request.encode_to_vec(),
            0,
            false,
        )
        .await;
    let pending = QueryDelegationRewardsResponse::decode(response.value.as_ref()).unwrap();
    assert_eq!(whole(&pending.rewards[0].amount), 4 * 441_000 + 330);

    let before = chain.balance(&delegator).await;
    let withdraw = packed(MsgWithdrawDelegatorReward {
        delegator_address: delegator.clone(),
        validator_address: valoper(&operator),
    });
    let commission = packed(MsgWithdrawValidatorCommission {
        validator_address: valoper(&operator),
    });
    let txs = vec![
        chain.accounts[2].sign(vec![withdraw], FEE, GAS),
        chain.accounts[0].sign(vec![commission], FEE, GAS),
    ];
    let operator_before = chain.balance(&operator).await;
    let block = chain.block(txs).await;
    for result in &block.tx_results {
        assert_eq!(result.code.value(), 0, "{}", result.log);
    }
    assert_eq!(
        chain.balance(&delegator).await,
        before + 4 * 441_000 + 330 - FEE
    );
    assert_eq!(
        chain.balance(&operator).await,
        operator_before + 4 * 98_000 + 73 - FEE
    );
    assert!(
        chain.balance(&delegator).await < GENESIS_FUNDS,
        "the delegation itself stays bonded"
    );

    let response = chain
        .abci_query(
            "/cosmos.distribution.v1beta1.Query/CommunityPool",
            QueryCommunityPoolRequest {}.encode_to_vec(),
            0,
            false,
        )
        .await;
    let pool = QueryCommunityPoolResponse::decode(response.value.as_ref()).unwrap();
    // Blocks 1 and 6 had no votes (all to the pool, fees included), blocks 2-5 paid 2% tax.
    assert!(whole(&pool.pool[0].amount) >= 2 * 1_000_000 + 4 * 20_000);
}

/// A query's DecCoin amount in 18-decimal atomics (0 when empty).
fn atomics(coins: &[cosmos_sdk_proto::cosmos::base::v1beta1::DecCoin]) -> u128 {
    coins.first().map_or(0, |coin| coin.amount.parse().unwrap())
}

/// A distribution query through `abci_query`, as clients send it.
async fn query<Q: Message, R: Message + Default>(
    chain: &mut support::TestChain,
    method: &str,
    request: Q,
) -> R {
    let path = format!("/cosmos.distribution.v1beta1.Query/{method}");
    let response = chain
        .abci_query(&path, request.encode_to_vec(), 0, false)
        .await;
    assert!(response.code.is_ok(), "{path}: {}", response.log);
    R::decode(response.value.as_ref()).unwrap()
}

/// A delegator's pending rewards with a validator, in atomics.
async fn pending_rewards(chain: &mut support::TestChain, delegator: &str, valoper: &str) -> u128 {
    let response: QueryDelegationRewardsResponse = query(
        chain,
        "DelegationRewards",
        QueryDelegationRewardsRequest {
            delegator_address: delegator.into(),
            validator_address: valoper.into(),
        },
    )
    .await;
    atomics(&response.rewards)
}

/// What a validator's delegators have been allocated and not yet withdrawn: its outstanding
/// rewards less its commission, in atomics.
async fn delegators_outstanding(chain: &mut support::TestChain, valoper: &str) -> u128 {
    use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
        QueryValidatorCommissionRequest, QueryValidatorCommissionResponse,
        QueryValidatorOutstandingRewardsRequest, QueryValidatorOutstandingRewardsResponse,
    };
    let outstanding: QueryValidatorOutstandingRewardsResponse = query(
        chain,
        "ValidatorOutstandingRewards",
        QueryValidatorOutstandingRewardsRequest {
            validator_address: valoper.into(),
        },
    )
    .await;
    let commission: QueryValidatorCommissionResponse = query(
        chain,
        "ValidatorCommission",
        QueryValidatorCommissionRequest {
            validator_address: valoper.into(),
        },
    )
    .await;
    atomics(&outstanding.rewards.unwrap().rewards)
        - atomics(&commission.commission.unwrap().commission)
}

const ONE_TOKEN_UNIT: u128 = 1_000_000_000_000_000_000;

/// Right after `newcomer` started delegating to validator 0 (the operator's self-delegation
/// being its only delegation until then), every reward validator 0's delegators were allocated
/// is the operator's to the unit and none is the newcomer's.
async fn assert_earlier_rewards_stay_with_the_operator(
    chain: &mut support::TestChain,
    newcomer: &str,
) {
    let operator = chain.accounts[0].address.clone();
    let validator = valoper(&operator);
    let allocated = delegators_outstanding(chain, &validator).await;
    assert!(
        allocated > 1_000_000 * ONE_TOKEN_UNIT,
        "the validator earned before"
    );
    let operators = pending_rewards(chain, &operator, &validator).await;
    assert!(
        allocated - operators < ONE_TOKEN_UNIT,
        "allocated {allocated}, the operator is credited {operators}"
    );
    assert!(pending_rewards(chain, newcomer, &validator).await < ONE_TOKEN_UNIT);
}

/// Blocks in which the first `validators` validators sign.
async fn earning_blocks(chain: &mut support::TestChain, count: usize, validators: usize) {
    for _ in 0..count {
        chain.block_with(vec![], signing(validators), vec![]).await;
    }
}

fn signing(validators: usize) -> Vec<tendermint::abci::types::VoteInfo> {
    (0..validators)
        .map(|i| vote(i, 10 + i as u64, true))
        .collect()
}

/// Account 2 sends `messages` in a block the first `validators` validators sign; it must
/// succeed.
async fn newcomer_tx(chain: &mut support::TestChain, messages: Vec<Any>, validators: usize) {
    let tx = chain.accounts[2].sign(messages, FEE, GAS);
    let block = chain
        .block_with(vec![tx], signing(validators), vec![])
        .await;
    let result = &block.tx_results[0];
    assert_eq!(result.code.value(), 0, "{}", result.log);
}

#[tokio::test]
async fn a_new_delegation_shares_none_of_what_its_validator_earned_before_it() {
    let (mut chain, _) = staked_chain(3, 1, 10).await;
    earning_blocks(&mut chain, 4, 1).await;
    let (operator, newcomer) = (
        chain.accounts[0].address.clone(),
        chain.accounts[2].address.clone(),
    );
    let delegate = delegate_msg(&newcomer, &operator, 30_000_000);
    newcomer_tx(&mut chain, vec![delegate], 1).await;
    assert_earlier_rewards_stay_with_the_operator(&mut chain, &newcomer).await;
}

#[tokio::test]
async fn a_redelegation_into_a_validator_shares_none_of_what_it_earned_before() {
    use cosmos_sdk_proto::cosmos::staking::v1beta1::MsgBeginRedelegate;
    let (mut chain, _) = staked_chain(3, 2, 10).await;
    let newcomer = chain.accounts[2].address.clone();
    let elsewhere = chain.accounts[1].address.clone();
    let delegate = delegate_msg(&newcomer, &elsewhere, 30_000_000);
    newcomer_tx(&mut chain, vec![delegate], 0).await;
    earning_blocks(&mut chain, 4, 2).await;
    let redelegate = packed(MsgBeginRedelegate {
        delegator_address: newcomer.clone(),
        validator_src_address: valoper(&elsewhere),
        validator_dst_address: valoper(&chain.accounts[0].address),
        amount: coin(30_000_000),
    });
    newcomer_tx(&mut chain, vec![redelegate], 2).await;
    assert_earlier_rewards_stay_with_the_operator(&mut chain, &newcomer).await;
}

#[tokio::test]
async fn a_cancelled_unbonding_shares_none_of_what_the_validator_earned_meanwhile() {
    use cosmos_sdk_proto::cosmos::staking::v1beta1::MsgCancelUnbondingDelegation;
    let (mut chain, _) = staked_chain(3, 1, 10).await;
    let (operator, newcomer) = (
        chain.accounts[0].address.clone(),
        chain.accounts[2].address.clone(),
    );
    let delegate = delegate_msg(&newcomer, &operator, 30_000_000);
    newcomer_tx(&mut chain, vec![delegate], 0).await;
    let undelegate = undelegate_msg(&newcomer, &operator, 30_000_000);
    newcomer_tx(&mut chain, vec![undelegate], 0).await;
    let unbonding_height = chain.height;
    // The newcomer left with its rewards; the operator earns alone from here.
    let tx = chain.accounts[0].sign(
        vec![packed(MsgWithdrawDelegatorReward {
            delegator_address: operator.clone(),
            validator_address: valoper(&operator),
        })],
        FEE,
        GAS,
    );
    chain.block(vec![tx]).await;
    earning_blocks(&mut chain, 2, 1).await;
    let cancel = packed(MsgCancelUnbondingDelegation {
        delegator_address: newcomer.clone(),
        validator_address: valoper(&operator),
        amount: coin(30_000_000),
        creation_height: unbonding_height as i64,
    });
    newcomer_tx(&mut chain, vec![cancel], 1).await;
    assert_earlier_rewards_stay_with_the_operator(&mut chain, &newcomer).await;
}

#[tokio::test]
async fn local_stake_through_the_vault_shares_none_of_what_the_validator_earned_before() {
    use rmesh_proto::vault::v1::{MsgBond, MsgStakeLocal};
    let (mut chain, _) = staked_chain(3, 1, 10).await;
    earning_blocks(&mut chain, 4, 1).await;
    let owner = chain.accounts[2].address.clone();
    let messages = vec![
        packed(MsgBond {
            owner: owner.clone(),
            amount: "30000000".into(),
        }),
        packed(MsgStakeLocal {
            owner: owner.clone(),
            validator: valoper(&chain.accounts[0].address),
            amount: "30000000".into(),
        }),
    ];
    newcomer_tx(&mut chain, messages, 1).await;
    let (_, owner_bytes) = rmesh_core::Address::from_bech32_any_prefix(&owner).unwrap();
    let proxy = rmesh_vault::local_proxy(&owner_bytes).to_bech32("rmesh");
    assert_earlier_rewards_stay_with_the_operator(&mut chain, &proxy).await;
}

#[tokio::test]
async fn virtual_stake_shares_none_of_what_the_validator_earned_before_the_epoch_bonded_it() {
    use support::mesh::{mesh_chain, packet, stake, valoper_of, EPOCH, PROVIDER};
    let mut chain = mesh_chain(1, |_| {}).await;
    let validator = valoper_of(&chain, 0);
    let stake = packet(PROVIDER, stake("osmo1alice", &validator, 80_000_000));
    chain
        .mesh_block(vec![], signing(1), vec![], vec![stake])
        .await;
    while !chain.height.is_multiple_of(EPOCH) {
        chain.mesh_block(vec![], signing(1), vec![], vec![]).await;
    }
    let delegator = rmesh_virtual_staking::provider_delegator(PROVIDER).to_bech32("rmesh");
    assert_earlier_rewards_stay_with_the_operator(&mut chain, &delegator).await;
}
