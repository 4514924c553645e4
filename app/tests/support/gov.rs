//! Governance helpers: a chain whose proposals are decided within a few blocks, and the
//! proposal, deposit and vote steps the gov and upgrade scenarios share.

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::gov::v1::{
    MsgSubmitProposal, MsgVote, Proposal, ProposalStatus, VoteOption,
};
use cosmos_sdk_proto::Any;
use rmesh_core::{Address, Coin};
use rmesh_gov::GovRead;
use rmesh_proto::virtualstaking::v1::MsgUpdateParams;

use super::staking::{staked_chain_with, FEE, GAS};
use super::{packed, Account, TestChain, DENOM};

/// Deposits of 1 000 000 start the vote; 20 s (four blocks) of voting, 10 s for deposits.
pub const MIN_DEPOSIT: u128 = 1_000_000;

pub fn short_gov(genesis: &mut rmeshd::genesis::AppState) {
    let params = &mut genesis.gov.params;
    params.min_deposit = vec![Coin::new(MIN_DEPOSIT, DENOM)];
    params.expedited_min_deposit = vec![Coin::new(5 * MIN_DEPOSIT, DENOM)];
    params.voting_period = 20;
    params.expedited_voting_period = 10;
    params.max_deposit_period = 10;
}

/// Two validators (accounts 0 and 1) and two plain accounts; nobody is the mesh authority, so
/// the gov account is.
pub async fn gov_chain() -> TestChain {
    let accounts = (0..4).map(Account::random).collect();
    staked_chain_with(accounts, 2, 10, short_gov).await.0
}

pub fn gov_address(chain: &TestChain) -> String {
    let prefix = chain.accounts[0]
        .address
        .split('1')
        .next()
        .unwrap()
        .to_string();
    Address::module("gov").to_bech32(&prefix)
}

pub fn deposit(amount: u128) -> Vec<ProtoCoin> {
    vec![ProtoCoin {
        denom: DENOM.into(),
        amount: amount.to_string(),
    }]
}

/// The virtual-staking params with `epoch_length`, signed by the gov account.
pub fn epoch_length_update(chain: &TestChain, epoch_length: u64) -> Any {
    let params = rmesh_virtual_staking::Params {
        epoch_length,
        ..Default::default()
    };
    packed(MsgUpdateParams {
        authority: gov_address(chain),
        params: Some(params.to_proto()),
    })
}

/// Account `by` submits `messages` with `initial` deposited; returns the block's code and log.
pub async fn submit(
    chain: &mut TestChain,
    by: usize,
    messages: Vec<Any>,
    initial: u128,
) -> (u32, String) {
    let msg = MsgSubmitProposal {
        messages,
        initial_deposit: if initial == 0 {
            vec![]
        } else {
            deposit(initial)
        },
        proposer: chain.accounts[by].address.clone(),
        metadata: String::new(),
        title: "Longer epochs".into(),
        summary: "Re-price virtual stake less often.".into(),
        expedited: false,
    };
    let tx = chain.accounts[by].sign(vec![packed(msg)], FEE, GAS);
    let block = chain.block(vec![tx]).await;
    (
        block.tx_results[0].code.value(),
        block.tx_results[0].log.clone(),
    )
}

pub async fn vote(chain: &mut TestChain, by: usize, id: u64, option: VoteOption) {
    let msg = MsgVote {
        proposal_id: id,
        voter: chain.accounts[by].address.clone(),
        option: option as i32,
        metadata: String::new(),
    };
    let tx = chain.accounts[by].sign(vec![packed(msg)], FEE, GAS);
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        0,
        "{}",
        block.tx_results[0].log
    );
}

pub async fn proposal(chain: &TestChain, id: u64) -> Option<Proposal> {
    chain.storage.latest_snapshot().proposal(id).await.unwrap()
}

/// Runs empty blocks until proposal `id`'s voting period is over.
pub async fn until_decided(chain: &mut TestChain, id: u64) -> Proposal {
    for _ in 0..8 {
        chain.block(vec![]).await;
        let current = proposal(chain, id).await.expect("the proposal exists");
        if current.status != ProposalStatus::VotingPeriod as i32 {
            return current;
        }
    }
    panic!("proposal {id} is still being voted on");
}

/// The virtual-staking epoch length the chain has committed.
pub async fn epoch_length(chain: &TestChain) -> u64 {
    use rmesh_virtual_staking::VirtualStakingRead;
    let snapshot = chain.storage.latest_snapshot();
    snapshot
        .virtual_staking_params()
        .await
        .unwrap()
        .epoch_length
}
