//! A validator whose rmeshd dies by SIGKILL comes back with the chain's state, via CometBFT's
//! handshake (Info, then replay of the blocks the app had not committed).

use rmesh_e2e::{copy_dir, TestNet, DENOM, WAIT};
use std::fs;

#[test]
fn a_validator_killed_with_sigkill_restarts_with_the_same_app_hash_and_keeps_committed_txs(
) -> anyhow::Result<()> {
    let mut net = TestNet::start(4)?;
    let carol = net.address("carol");
    let victim = 3;
    let victim_validator = net.validator_address(victim)?;
    let mut expected = 0u128;

    // Three crashes at different moments: right after a tx is committed, and while txs flow.
    for round in 1..=3u128 {
        net.cli_send(0, "alice", &carol, &format!("{round}000{DENOM}"))?;
        expected += round * 1000;
        for i in 0..4 {
            net.wait_for_balance(i, &carol, expected)?;
        }
        if round == 3 {
            // Kill while a tx is on its way into a block.
            let args = net.send_args(0, "bob", &carol, &format!("1{DENOM}"), false);
            net.cli_ok(&rmesh_e2e::strs(&args))?;
            expected += 1;
        }
        net.kill_rmeshd(victim); // SIGKILL: nothing gets flushed on the way out
        net.kill_cometbft(victim);

        // The other three hold more than 2/3 of the power and go on, with a tx the victim misses.
        net.cli_send(1, "alice", &carol, &format!("5{DENOM}"))?;
        expected += 5;
        net.wait_for_balance(0, &carol, expected)?;
        let h = net.wait_blocks(0, 2)?;

        net.start_node(victim)?;
        net.wait_for_height(victim, h + 1, WAIT)?;

        // The victim's app (not just its block store) has the same state as the chain: the app
        // hash its rmeshd reports is the one the next block header, made by the others, records.
        let (app_height, app_hash) = net.app_info(victim)?;
        net.wait_for_height(0, app_height + 1, WAIT)?;
        assert_eq!(
            app_hash,
            net.app_hash_in_header(0, app_height + 1)?,
            "round {round}: app hash after block {app_height}"
        );
        // No committed tx is lost, including the one committed while it was down.
        net.wait_for_balance(victim, &carol, expected)?;
    }

    // It is a working validator again: it signs blocks and takes txs.
    let h = net.height(victim)?;
    rmesh_e2e::wait_until("the restarted validator to sign a block", WAIT, || {
        let top = net.height(0)?;
        Ok((h..top).any(|x| net.signed_commit(0, x, &victim_validator).unwrap_or(false)))
    })?;
    net.cli_send(victim, "alice", &carol, &format!("7{DENOM}"))?;
    for i in 0..4 {
        net.wait_for_balance(i, &carol, expected + 7)?;
    }
    Ok(())
}

#[test]
fn a_chain_stopped_with_sigterm_resumes_where_it_left_off() -> anyhow::Result<()> {
    let mut net = TestNet::start(1)?;
    let carol = net.address("carol");
    net.cli_send(0, "alice", &carol, &format!("99{DENOM}"))?;
    let h = net.wait_blocks(0, 2)?;
    let (app_height, app_hash) = net.app_info(0)?;

    net.stop_node(0); // what `localnet/stop.sh` does
    net.start_node(0)?;

    // The app comes back at the height it had, not from genesis, and the chain goes on.
    let (resumed_height, resumed_hash) = net.app_info(0)?;
    assert!(
        resumed_height >= app_height,
        "app restarted at height {resumed_height}, it had {app_height}"
    );
    if resumed_height == app_height {
        assert_eq!(resumed_hash, app_hash);
    }
    net.wait_for_height(0, h + 2, WAIT)?;
    assert_eq!(net.balance(0, &carol)?, 99);
    Ok(())
}

#[test]
fn a_validator_whose_app_is_behind_its_block_store_replays_the_missing_blocks() -> anyhow::Result<()>
{
    let mut net = TestNet::start(4)?;
    let carol = net.address("carol");
    let victim = 2;
    net.cli_send(0, "alice", &carol, &format!("1000{DENOM}"))?;
    net.wait_for_balance(victim, &carol, 1000)?;

    // Keep a copy of the victim's app state as a crash would leave it...
    net.kill_node(victim);
    let backup = net.root.join("rmesh.db.at-crash");
    copy_dir(&net.nodes[victim].app_db(), &backup)?;
    // ...let it commit more blocks, one with a tx, then put the old app state back: CometBFT's
    // block store is now ahead of the app, as after a crash between saving a block and the app's
    // commit, but by several blocks.
    net.start_node(victim)?;
    net.cli_send(1, "bob", &carol, &format!("20{DENOM}"))?;
    net.wait_for_balance(victim, &carol, 1020)?;
    let h = net.wait_blocks(victim, 3)?;
    net.kill_node(victim);
    let db = net.nodes[victim].app_db();
    fs::remove_dir_all(&db)?;
    copy_dir(&backup, &db)?;
    net.start_node(victim)?;

    // The handshake replayed the gap through the app (CometBFT logs the heights it found).
    let log = fs::read_to_string(net.nodes[victim].cometbft_log())?;
    let last = log
        .lines()
        .rev()
        .find(|l| l.contains("ABCI Replay Blocks"))
        .unwrap_or_default();
    let field = |k: &str| -> u64 {
        last.split_whitespace()
            .find_map(|w| w.strip_prefix(k))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    assert!(
        field("appHeight=") < field("storeHeight="),
        "no replay happened: {last}"
    );

    // Its app ends where the chain is, with the chain's app hash and the tx it had lost.
    let (app_height, app_hash) = net.app_info(victim)?;
    assert!(
        app_height >= h,
        "app at height {app_height}, blocks went to {h}"
    );
    net.wait_for_height(0, app_height + 1, WAIT)?;
    assert_eq!(app_hash, net.app_hash_in_header(0, app_height + 1)?);
    net.wait_for_balance(victim, &carol, 1020)?;
    Ok(())
}
