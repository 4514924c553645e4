//! Four validators, each a CometBFT node plus its own rmeshd, like the localnet.

use rmesh_e2e::client::{msg_send, TxParams, Wallet};
use rmesh_e2e::{TestNet, ALICE, DENOM, FEE, GENESIS_COINS, WAIT};
use serde_json::Value;

#[test]
fn four_validators_produce_blocks_and_agree_on_the_app_hash() -> anyhow::Result<()> {
    let net = TestNet::start(4)?;
    // CometBFT stores block h before its app commits it: at height 5 every app has committed 4.
    net.wait_all_for_height(5, WAIT)?;
    let validators = net.rpc(0, "validators", serde_json::json!({}))?;
    assert_eq!(validators["total"].as_str(), Some("4"), "{validators}");
    // Each node's own app (through ABCI Info) has the app hash the chain records for its height.
    for i in 0..4 {
        let (height, app_hash) = net.app_info(i)?;
        assert!(height >= 4, "node{i}'s app is at height {height}");
        net.wait_for_height(0, height + 1, WAIT)?;
        assert_eq!(
            app_hash,
            net.app_hash_in_header(0, height + 1)?,
            "node{i}'s app hash after block {height}"
        );
    }
    Ok(())
}

#[test]
fn a_cli_bank_send_shows_up_on_every_validator() -> anyhow::Result<()> {
    let net = TestNet::start(4)?;
    let (alice, carol) = (net.address("alice"), net.address("carol"));
    // Sent through node 2; read back from all four.
    let res = net.cli_send(2, "alice", &carol, &format!("777{DENOM}"))?;
    assert_eq!(
        res.get("code").and_then(Value::as_u64).unwrap_or(0),
        0,
        "send failed: {res}"
    );
    for i in 0..4 {
        net.wait_for_balance(i, &carol, 777)?;
        assert_eq!(
            net.balance(i, &alice)?,
            GENESIS_COINS - 777 - FEE,
            "alice on node{i}"
        );
    }
    Ok(())
}

#[test]
fn a_cosmrs_bank_send_shows_up_on_every_validator() -> anyhow::Result<()> {
    let net = TestNet::start(4)?;
    let alice = Wallet::from_mnemonic(ALICE)?;
    assert_eq!(
        alice.address.to_string(),
        net.address("alice"),
        "cosmrs and the CLI derive different addresses"
    );
    let to = Wallet::random()?;

    let (number, sequence) = net.account(1, alice.address.as_ref())?;
    let tx = alice.sign(
        vec![msg_send(&alice.address, &to.address, 4242)?],
        &TxParams::new(&net.chain_id, number, sequence),
    )?;
    let res = net.broadcast(1, &tx)?;
    assert_eq!(res.code, 0, "CheckTx refused the tx: {}", res.log);
    let committed = net.wait_for_tx(1, &res.hash, WAIT)?;
    assert_eq!(
        rmesh_e2e::rpc::u32_field(&committed["tx_result"], "code"),
        0,
        "{committed}"
    );

    let to = to.address.to_string();
    for i in 0..4 {
        rmesh_e2e::wait_until(&format!("node{i} to show the transfer"), WAIT, || {
            Ok(net.balance_abci(i, &to)? == 4242)
        })?;
        assert_eq!(
            net.balance_abci(i, alice.address.as_ref())?,
            GENESIS_COINS - 4242 - FEE,
            "alice on node{i}"
        );
        assert_eq!(
            net.account(i, alice.address.as_ref())?.1,
            sequence + 1,
            "alice's sequence on node{i}"
        );
    }
    Ok(())
}
