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
