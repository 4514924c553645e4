//! Software upgrades under the scripted consensus: governance schedules a plan; at its height a
//! binary without the plan's migration stops with the SDK's message and writes
//! `upgrade-info.json`; the binary that carries it runs the migration once and goes on.

mod support;

use cosmos_sdk_proto::cosmos::gov::v1::{ProposalStatus, VoteOption};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1::{MsgCancelUpgrade, MsgSoftwareUpgrade, Plan};
use futures::FutureExt;
use rmesh_upgrade::UpgradeRead;
use rmesh_virtual_staking::{VirtualStakingRead, VirtualStakingWrite};
use rmeshd::upgrades::{Migration, Upgrades};
use support::gov::*;
use support::{packed, TestChain};

const PLAN: &str = "v2";

/// The migration of the test's new binary: it lengthens epochs to 9 blocks.
fn lengthen_epochs() -> Migration {
    Migration {
        name: PLAN,
        migrate: |state| {
            async move {
                let mut params = state.virtual_staking_params().await?;
                params.epoch_length = 9;
                state.put_virtual_staking_params(&params)
            }
            .boxed()
        },
    }
}

fn new_binary(chain: &TestChain) -> Upgrades {
    Upgrades::new(vec![lengthen_epochs()], Some(chain.home().join("data")))
}

/// The binary the chain started with: it carries no migration.
fn old_binary(chain: &TestChain) -> Upgrades {
    Upgrades::new(vec![], Some(chain.home().join("data")))
}

/// Governance passes a plan for `PLAN` at `height`; returns the block after the vote.
async fn schedule(chain: &mut TestChain, height: i64) {
    let plan = packed(MsgSoftwareUpgrade {
        authority: gov_address(chain),
        plan: Some(Plan {
            name: PLAN.into(),
            height,
            info: "{\"binaries\":{}}".into(),
            ..Default::default()
        }),
    });
    let (code, log) = submit(chain, 2, vec![plan], MIN_DEPOSIT).await;
    assert_eq!(code, 0, "{log}");
    vote(chain, 0, 1, VoteOption::Yes).await;
    vote(chain, 1, 1, VoteOption::Yes).await;
    let decided = until_decided(chain, 1).await;
    assert_eq!(
        decided.status,
        ProposalStatus::Passed as i32,
        "{}",
        decided.failed_reason
    );
}

#[tokio::test]
async fn at_the_plan_height_the_old_binary_stops_and_the_new_one_migrates_once() {
    let mut chain = gov_chain().await;
    let due = chain.height + 12;
    schedule(&mut chain, due as i64).await;
    while chain.height + 1 < due {
        chain.block(vec![]).await;
    }
    let upgrades = old_binary(&chain);
    let mut chain = chain.restart_with(upgrades).await;

    // The old binary refuses the block at the plan's height and tells Cosmovisor which plan.
    let stop = chain.try_block(vec![]).await.unwrap_err();
    assert!(
        stop.contains(&format!("UPGRADE \"{PLAN}\" NEEDED at height: {due}")),
        "{stop}"
    );
    let info = std::fs::read_to_string(chain.home().join("data/upgrade-info.json")).unwrap();
    let info: serde_json::Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["name"], PLAN);
    assert_eq!(info["height"], due);
    assert_eq!(chain.height, due - 1, "the block was not taken");
    assert_eq!(epoch_length(&chain).await, 10);

    // Restarted on the old binary, it refuses to start at all.
    let stop = old_binary(&chain)
        .check_at_start(&chain.storage.latest_snapshot())
        .await
        .unwrap_err();
    assert!(stop.to_string().contains("NEEDED"), "{stop}");

    // The new binary runs the migration at the plan's height, once.
    let upgrades = new_binary(&chain);
    upgrades
        .check_at_start(&chain.storage.latest_snapshot())
        .await
        .unwrap();
    let mut chain = chain.restart_with(upgrades).await;
    let block = chain.block(vec![]).await;
    assert!(
        block.events.iter().any(|e| e.kind == "upgrade"),
        "{:?}",
        block.events
    );
    assert_eq!(epoch_length(&chain).await, 9);
    {
        // Dropped before the restart: a snapshot keeps the database open.
        let snapshot = chain.storage.latest_snapshot();
        assert_eq!(snapshot.applied_at(PLAN).await.unwrap(), Some(due));
        assert!(snapshot.upgrade_plan().await.unwrap().is_none());
    }

    // Governance sets the param back; the migration never runs again, also not after a
    // restart of the new binary.
    let back = epoch_length_update(&chain, 10);
    let (code, log) = submit(&mut chain, 3, vec![back], MIN_DEPOSIT).await;
    assert_eq!(code, 0, "{log}");
    vote(&mut chain, 0, 2, VoteOption::Yes).await;
    vote(&mut chain, 1, 2, VoteOption::Yes).await;
    until_decided(&mut chain, 2).await;
    assert_eq!(epoch_length(&chain).await, 10);
    let upgrades = new_binary(&chain);
    let mut chain = chain.restart_with(upgrades).await;
    for _ in 0..3 {
        chain.block(vec![]).await;
    }
    assert_eq!(epoch_length(&chain).await, 10);
    assert_eq!(
        chain
            .storage
            .latest_snapshot()
            .applied_at(PLAN)
            .await
            .unwrap(),
        Some(due),
        "applied once, at its height"
    );
}

#[tokio::test]
async fn a_binary_that_carries_a_plan_before_its_height_stops() {
    let mut chain = gov_chain().await;
    let due = chain.height + 30;
    schedule(&mut chain, due as i64).await;
    let upgrades = new_binary(&chain);
    let mut chain = chain.restart_with(upgrades).await;
    let stop = chain.try_block(vec![]).await.unwrap_err();
    assert!(stop.contains("BINARY UPDATED BEFORE TRIGGER"), "{stop}");
}

#[tokio::test]
async fn a_cancelled_plan_stops_nobody_and_a_plan_needs_the_gov_account() {
    let mut chain = gov_chain().await;
    let due = chain.height + 14;
    schedule(&mut chain, due as i64).await;
    let cancel = packed(MsgCancelUpgrade {
        authority: gov_address(&chain),
    });
    let (code, log) = submit(&mut chain, 3, vec![cancel], MIN_DEPOSIT).await;
    assert_eq!(code, 0, "{log}");
    vote(&mut chain, 0, 2, VoteOption::Yes).await;
    vote(&mut chain, 1, 2, VoteOption::Yes).await;
    until_decided(&mut chain, 2).await;
    assert!(chain
        .storage
        .latest_snapshot()
        .upgrade_plan()
        .await
        .unwrap()
        .is_none());
    while chain.height <= due {
        chain.block(vec![]).await;
    }

    // Scheduled by a user rather than through a proposal: refused.
    let user = chain.accounts[2].address.clone();
    let by_hand = packed(MsgSoftwareUpgrade {
        authority: user,
        plan: Some(Plan {
            name: "v3".into(),
            height: (chain.height + 5) as i64,
            ..Default::default()
        }),
    });
    let tx = chain.accounts[2].sign(vec![by_hand], support::staking::FEE, support::staking::GAS);
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        1,
        "{}",
        block.tx_results[0].log
    );
    assert_eq!(block.tx_results[0].codespace, "upgrade");
}
