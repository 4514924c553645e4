//! One validator made with `rmeshd init`: blocks, genesis accounts, the CLI's tx and queries.

use rmesh_e2e::{find_key, rpc, TestNet, DENOM, FEE, GENESIS_COINS, WAIT};
use serde_json::Value;

#[test]
fn a_single_node_chain_produces_blocks() -> anyhow::Result<()> {
    let net = TestNet::start(1)?;
    let h = net.wait_for_height(0, 3, WAIT)?;
    assert!(h >= 3);
    // The node serves its app's identity through CometBFT's handshake.
    let info = net.rpc(0, "abci_info", serde_json::json!({}))?;
    let last = rpc::u64_field(&info["response"], "last_block_height");
    assert!(
        last >= 2,
        "abci_info reports last_block_height {last}: {info}"
    );
    Ok(())
}

#[test]
fn rmeshd_status_reports_the_latest_height_and_app_hash() -> anyhow::Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let status = net.cli_json(&["status", "--node", &net.nodes[0].rpc_url()])?;
    let height = find_key(&status, "latest_block_height").and_then(rmesh_e2e::as_u128);
    assert!(
        matches!(height, Some(h) if h >= 2),
        "no latest_block_height >= 2 in {status}"
    );
    let app_hash = find_key(&status, "latest_app_hash")
        .and_then(Value::as_str)
        .unwrap_or_default();
    assert!(!app_hash.is_empty(), "no latest_app_hash in {status}");
    Ok(())
}

#[test]
fn genesis_accounts_have_their_coins_and_an_account_number() -> anyhow::Result<()> {
    let net = TestNet::start(1)?;
    let alice = net.address("alice");
    assert_eq!(net.balance(0, &alice)?, GENESIS_COINS);
    assert_eq!(net.balance_abci(0, &alice)?, GENESIS_COINS);
    // An address the chain has never seen has no coins.
    assert_eq!(net.balance(0, &net.address("carol"))?, 0);

    let (_number, sequence) = net.account(0, &alice)?;
    assert_eq!(sequence, 0);
    let cli = net.cli_json(&[
        "query",
        "account",
        &alice,
        "--node",
        &net.nodes[0].rpc_url(),
    ])?;
    assert!(
        cli.to_string().contains(&alice),
        "query account does not show the address: {cli}"
    );
    Ok(())
}

#[test]
fn a_cli_bank_send_moves_coins_and_charges_the_fee() -> anyhow::Result<()> {
    let net = TestNet::start(1)?;
    let (alice, carol) = (net.address("alice"), net.address("carol"));
    let res = net.cli_send(0, "alice", &carol, &format!("12345{DENOM}"))?;
    assert_eq!(
        res.get("code").and_then(Value::as_u64).unwrap_or(0),
        0,
        "send failed: {res}"
    );
    let hash = res
        .get("txhash")
        .and_then(Value::as_str)
        .expect("txhash in the send output")
        .to_string();

    net.wait_for_balance(0, &carol, 12345)?;
    assert_eq!(net.balance(0, &alice)?, GENESIS_COINS - 12345 - FEE);
    assert_eq!(
        net.account(0, &alice)?.1,
        1,
        "the sender's sequence moves on by one"
    );

    // Both CometBFT's index and `rmeshd query tx` know the tx.
    let indexed = net.wait_for_tx(0, &hash, WAIT)?;
    assert_eq!(
        rpc::u32_field(&indexed["tx_result"], "code"),
        0,
        "{indexed}"
    );
    let q = net.cli_json(&["query", "tx", &hash, "--node", &net.nodes[0].rpc_url()])?;
    let shown = find_key(&q, "txhash")
        .and_then(Value::as_str)
        .unwrap_or_default();
    assert!(
        shown.eq_ignore_ascii_case(&hash),
        "query tx shows {shown:?}, not {hash}: {q}"
    );
    Ok(())
}

#[test]
fn a_cli_send_of_more_than_the_balance_exits_non_zero_and_moves_nothing() -> anyhow::Result<()> {
    let net = TestNet::start(1)?;
    let (alice, carol) = (net.address("alice"), net.address("carol"));
    let args = net.send_args(
        0,
        "alice",
        &carol,
        &format!("{}{DENOM}", GENESIS_COINS * 2),
        true,
    );
    let out = net.cli(&rmesh_e2e::strs(&args))?;
    assert!(
        !out.success(),
        "the CLI exited 0 for a failing send: {}",
        out.stdout
    );
    net.wait_blocks(0, 2)?;
    assert_eq!(net.balance(0, &carol)?, 0);
    assert_eq!(net.balance(0, &alice)?, GENESIS_COINS);
    Ok(())
}
