//! Governance in a whole app under the scripted consensus (blocks 5 s apart): proposals pass,
//! fail, get rejected or dropped as the SDK decides, passed ones run their messages as the gov
//! account, and virtual stake takes no part in the tally.

mod support;

use cosmos_sdk_proto::cosmos::gov::v1::{
    MsgDeposit, MsgVoteWeighted, ProposalStatus, VoteOption, WeightedVoteOption,
};
use rmesh_core::Address;
use rmesh_virtual_staking::VirtualStakingRead;
use support::gov::*;
use support::mesh::{mesh_chain, packet, stake, valoper_of, Step, PROVIDER};
use support::staking::{delegate_msg, FEE, GAS, SELF_BOND};
use support::{packed, send_msg, GENESIS_FUNDS};

#[tokio::test]
async fn a_passed_proposal_runs_its_message_as_the_gov_account_and_refunds_the_deposit() {
    let mut chain = gov_chain().await;
    assert_eq!(
        chain
            .storage
            .latest_snapshot()
            .mesh_authority()
            .await
            .unwrap(),
        gov_address(&chain),
        "with no authority in genesis, governance is the mesh authority"
    );
    let update = epoch_length_update(&chain, 7);
    let (code, log) = submit(&mut chain, 2, vec![update], MIN_DEPOSIT).await;
    assert_eq!(code, 0, "{log}");
    let submitted = proposal(&chain, 1).await.unwrap();
    assert_eq!(
        submitted.status,
        ProposalStatus::VotingPeriod as i32,
        "the deposit was enough"
    );
    vote(&mut chain, 0, 1, VoteOption::Yes).await;
    vote(&mut chain, 1, 1, VoteOption::Yes).await;

    let decided = until_decided(&mut chain, 1).await;
    assert_eq!(
        decided.status,
        ProposalStatus::Passed as i32,
        "{}",
        decided.failed_reason
    );
    assert_eq!(epoch_length(&chain).await, 7);
    let tally = decided.final_tally_result.unwrap();
    assert_eq!(tally.yes_count, (2 * SELF_BOND + 1_000_000).to_string());
    let proposer = chain.accounts[2].address.clone();
    assert_eq!(
        chain.balance(&proposer).await,
        GENESIS_FUNDS - FEE,
        "the deposit came back"
    );
}

#[tokio::test]
async fn a_proposal_whose_message_fails_is_recorded_failed_and_none_of_its_messages_apply() {
    let mut chain = gov_chain().await;
    // The gov account holds nothing once the deposit is refunded, so the send fails after the
    // params update ran: neither may stay.
    let gov = gov_address(&chain);
    let receiver = chain.accounts[3].address.clone();
    let messages = vec![epoch_length_update(&chain, 7), send_msg(&gov, &receiver, 1)];
    let (code, log) = submit(&mut chain, 2, messages, MIN_DEPOSIT).await;
    assert_eq!(code, 0, "{log}");
    vote(&mut chain, 0, 1, VoteOption::Yes).await;
    let decided = until_decided(&mut chain, 1).await;
    assert_eq!(decided.status, ProposalStatus::Failed as i32);
    assert!(
        decided
            .failed_reason
            .contains("message 1 (/cosmos.bank.v1beta1.MsgSend)")
            && decided.failed_reason.contains("insufficient funds"),
        "{}",
        decided.failed_reason
    );
    assert_eq!(
        epoch_length(&chain).await,
        10,
        "the first message was rolled back"
    );
}

#[tokio::test]
async fn a_message_not_signed_by_the_gov_account_is_refused_at_submission() {
    let mut chain = gov_chain().await;
    let (from, to) = (
        chain.accounts[2].address.clone(),
        chain.accounts[3].address.clone(),
    );
    let (code, log) = submit(&mut chain, 2, vec![send_msg(&from, &to, 1)], MIN_DEPOSIT).await;
    assert_eq!(code, 13, "{log}");
    assert!(log.contains("expected gov account as only signer"), "{log}");
    assert!(proposal(&chain, 1).await.is_none());
}

#[tokio::test]
async fn a_proposal_short_of_its_deposit_is_dropped_and_its_deposit_refunded() {
    let mut chain = gov_chain().await;
    let update = epoch_length_update(&chain, 7);
    let (code, log) = submit(&mut chain, 2, vec![update], MIN_DEPOSIT / 2).await;
    assert_eq!(code, 0, "{log}");
    let waiting = proposal(&chain, 1).await.unwrap();
    assert_eq!(waiting.status, ProposalStatus::DepositPeriod as i32);
    // A deposit below the per-deposit minimum (1% of the minimum) is refused.
    let tiny = MsgDeposit {
        proposal_id: 1,
        depositor: chain.accounts[3].address.clone(),
        amount: deposit(10),
    };
    let tx = chain.accounts[3].sign(vec![packed(tiny)], FEE, GAS);
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        16,
        "{}",
        block.tx_results[0].log
    );

    for _ in 0..3 {
        chain.block(vec![]).await;
    }
    assert!(
        proposal(&chain, 1).await.is_none(),
        "dropped after its deposit period"
    );
    let proposer = chain.accounts[2].address.clone();
    assert_eq!(chain.balance(&proposer).await, GENESIS_FUNDS - FEE);
}

#[tokio::test]
async fn a_late_deposit_starts_the_vote_and_without_quorum_the_proposal_is_rejected() {
    let mut chain = gov_chain().await;
    let update = epoch_length_update(&chain, 7);
    submit(&mut chain, 2, vec![update], MIN_DEPOSIT / 2).await;
    let top_up = MsgDeposit {
        proposal_id: 1,
        depositor: chain.accounts[3].address.clone(),
        amount: deposit(MIN_DEPOSIT / 2),
    };
    let tx = chain.accounts[3].sign(vec![packed(top_up)], FEE, GAS);
    chain.block(vec![tx]).await;
    assert_eq!(
        proposal(&chain, 1).await.unwrap().status,
        ProposalStatus::VotingPeriod as i32
    );
    // Only account 3, who holds no stake, votes: nothing of the bonded stake voted.
    vote(&mut chain, 3, 1, VoteOption::Yes).await;
    let decided = until_decided(&mut chain, 1).await;
    assert_eq!(decided.status, ProposalStatus::Rejected as i32);
    assert_eq!(epoch_length(&chain).await, 10);
    let depositor = chain.accounts[3].address.clone();
    assert_eq!(
        chain.balance(&depositor).await,
        GENESIS_FUNDS - 2 * FEE,
        "refunded: burn_vote_quorum is off"
    );
}

#[tokio::test]
async fn a_delegators_vote_overrides_the_vote_its_validator_casts_for_it() {
    let mut chain = gov_chain().await;
    let (delegator, operator) = (
        chain.accounts[2].address.clone(),
        chain.accounts[0].address.clone(),
    );
    let tx = chain.accounts[2].sign(
        vec![delegate_msg(&delegator, &operator, 10_000_000)],
        FEE,
        GAS,
    );
    chain.block(vec![tx]).await;
    let update = epoch_length_update(&chain, 7);
    submit(&mut chain, 3, vec![update], MIN_DEPOSIT).await;
    // Validator 0 (10M own + 10M delegated) votes yes; its delegator votes no, as does
    // validator 1 (11M): 10M yes against 21M no.
    vote(&mut chain, 0, 1, VoteOption::Yes).await;
    vote(&mut chain, 2, 1, VoteOption::No).await;
    vote(&mut chain, 1, 1, VoteOption::No).await;
    let decided = until_decided(&mut chain, 1).await;
    let tally = decided.final_tally_result.unwrap();
    assert_eq!(tally.yes_count, "10000000");
    assert_eq!(tally.no_count, "21000000");
    assert_eq!(decided.status, ProposalStatus::Rejected as i32);
}

#[tokio::test]
async fn a_weighted_vote_splits_the_voters_stake_across_options() {
    let mut chain = gov_chain().await;
    let update = epoch_length_update(&chain, 7);
    submit(&mut chain, 2, vec![update], MIN_DEPOSIT).await;
    let split = MsgVoteWeighted {
        proposal_id: 1,
        voter: chain.accounts[1].address.clone(),
        options: vec![
            WeightedVoteOption {
                option: VoteOption::Yes as i32,
                weight: "0.7".into(),
            },
            WeightedVoteOption {
                option: VoteOption::NoWithVeto as i32,
                weight: "0.3".into(),
            },
        ],
        metadata: String::new(),
    };
    let tx = chain.accounts[1].sign(vec![packed(split)], FEE, GAS);
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        0,
        "{}",
        block.tx_results[0].log
    );
    vote(&mut chain, 0, 1, VoteOption::Yes).await;
    let decided = until_decided(&mut chain, 1).await;
    let tally = decided.final_tally_result.unwrap();
    assert_eq!(tally.yes_count, (10_000_000 + 7_700_000).to_string());
    assert_eq!(tally.no_with_veto_count, "3300000");
    assert_eq!(
        decided.status,
        ProposalStatus::Passed as i32,
        "a veto of 16% is under 1/3"
    );
}

#[tokio::test]
async fn virtual_stake_neither_votes_nor_counts_toward_the_quorum() {
    let mut chain = mesh_chain(2, |genesis| {
        short_gov(genesis);
        genesis.virtual_staking.authority = String::new();
    })
    .await;
    let v0 = valoper_of(&chain, 0);
    chain
        .steps(vec![
            Step::OpenChannel(PROVIDER.into(), "channel-0".into()),
            packet(PROVIDER, stake("osmo1alice", &v0, 80_000_000)),
        ])
        .await;
    chain.until_epoch_end().await;
    let snapshot = chain.storage.latest_snapshot();
    let operator = Address::from_bech32_any_prefix(&chain.accounts[0].address)
        .unwrap()
        .1;
    assert_eq!(
        snapshot.virtual_stake(PROVIDER, &operator).await.unwrap(),
        36_000_000
    );

    // Validator 0 holds 10M of its own and 36M virtual; it votes yes, validator 1 (11M) no.
    // Counting virtual stake, yes would win 46M to 11M; without it, 10M to 11M loses.
    let update = epoch_length_update(&chain, 7);
    let (code, log) = submit(&mut chain, 2, vec![update], MIN_DEPOSIT).await;
    assert_eq!(code, 0, "{log}");
    vote(&mut chain, 0, 1, VoteOption::Yes).await;
    vote(&mut chain, 1, 1, VoteOption::No).await;
    let decided = until_decided(&mut chain, 1).await;
    let tally = decided.final_tally_result.unwrap();
    assert_eq!(tally.yes_count, "10000000");
    assert_eq!(tally.no_count, "11000000");
    assert_eq!(decided.status, ProposalStatus::Rejected as i32);
}
