//! The REST (LCD) API as wallets, explorers and scripts use it: every GET route of the node's
//! gRPC services answers with the JSON of the gRPC answer, txs are simulated, broadcast and found
//! over HTTP, and bad requests get the gateway's errors without changing anything.

use anyhow::{Context, Result};
use base64::{engine::general_purpose::STANDARD as B64, Engine as _};
use rmesh_e2e::client::{ey, msg_send, TxParams, Wallet};
use rmesh_e2e::rpc::{http, HttpAnswer};
use std::collections::BTreeSet;

use rmesh_e2e::walk::{
    http_rule, needs_a_counterparty, rest_shape, single_chain_fixture, SingleChain, Walk,
};
use rmesh_e2e::{wait_until, TestNet, ALICE, DENOM, WAIT};
use serde_json::{json, Value};

/// Answers that change between two asks at the same pinned height: the latest block and
/// validator set, and the node's status (its latest height and time).
const VOLATILE: [&str; 3] = [
    "cosmos.base.tendermint.v1beta1.Service.GetLatestBlock",
    "cosmos.base.tendermint.v1beta1.Service.GetLatestValidatorSet",
    "cosmos.base.node.v1beta1.Service.Status",
];

#[test]
fn every_get_route_answers_with_the_json_of_its_grpc_answer() -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let SingleChain { inputs, .. } = single_chain_fixture(&net)?;
    let single_chain = |service: &str| !needs_a_counterparty(service);
    tokio::runtime::Runtime::new()?.block_on(async {
        let walk = Walk::connect(&net.nodes[0].grpc_addr()).await?;
        let walked = walk
            .walk_rest(
                net.nodes[0].api_addr(),
                single_chain,
                &inputs,
                &[],
                &VOLATILE,
            )
            .await?;
        let routed: BTreeSet<String> = walk
            .methods(single_chain)?
            .into_iter()
            .filter_map(|method| http_rule(&method))
            .filter(|(verb, _, _)| verb == "get")
            .map(|(_, template, _)| rest_shape(&template))
            .collect();
        assert_eq!(walked.len(), routed.len());
        assert!(walked.len() >= 70, "only {} GET routes", walked.len());
        // rmesh's own single-chain services are among them, under /rmesh/<module>/v1.
        assert!(walked.contains("rmesh.virtualstaking.v1.Query.EpochInfo"));
        assert!(walked.contains("rmesh.vault.v1.Query.Account"));
        Ok(())
    })
}

fn get(net: &TestNet, target: &str) -> Result<HttpAnswer> {
    http(net.nodes[0].api_addr(), "GET", target, &[], b"")
}

fn post(net: &TestNet, target: &str, body: &Value) -> Result<HttpAnswer> {
    let body = body.to_string();
    http(
        net.nodes[0].api_addr(),
        "POST",
        target,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

/// The JSON of a 200 answer.
fn ok_json(answer: HttpAnswer) -> Result<Value> {
    let body = answer.json()?;
    anyhow::ensure!(answer.status == 200, "HTTP {}: {body}", answer.status);
    Ok(body)
}

fn rest_balance(net: &TestNet, address: &str) -> Result<u128> {
    let body = ok_json(get(
        net,
        &format!("/cosmos/bank/v1beta1/balances/{address}/by_denom?denom={DENOM}"),
    )?)?;
    body["balance"]["amount"]
        .as_str()
        .context("no balance amount")?
        .parse()
        .context("the amount is not an integer")
}

#[test]
fn txs_are_simulated_broadcast_and_found_over_rest() -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let alice = Wallet::from_mnemonic(ALICE)?;
    let carol = net.address("carol");
    let carol_id: cosmrs::AccountId = ey(carol.parse())?;
    let before = rest_balance(&net, &carol)?;
    assert_eq!(before, net.balance(0, &carol)?, "REST and the CLI agree");

    // The account as Keplr reads it, then a send simulated and broadcast in sync mode.
    let account = ok_json(get(
        &net,
        &format!("/cosmos/auth/v1beta1/accounts/{}", alice.address),
    )?)?;
    assert_eq!(
        account["account"]["@type"],
        "/cosmos.auth.v1beta1.BaseAccount"
    );
    let number: u64 = account["account"]["account_number"]
        .as_str()
        .context("account_number is a string")?
        .parse()?;
    let sequence: u64 = account["account"]["sequence"]
        .as_str()
        .context("sequence is a string")?
        .parse()?;
    let send = |amount: u128, sequence: u64| -> Result<String> {
        let tx = alice.sign(
            vec![msg_send(&alice.address, &carol_id, amount)?],
            &TxParams::new(&net.chain_id, number, sequence),
        )?;
        Ok(B64.encode(tx))
    };
    let first = send(700, sequence)?;
    let simulated = ok_json(post(
        &net,
        "/cosmos/tx/v1beta1/simulate",
        &json!({ "tx_bytes": first }),
    )?)?;
    let gas_used: u64 = simulated["gas_info"]["gas_used"]
        .as_str()
        .context("gas_used is a string")?
        .parse()?;
    assert!(gas_used > 0, "{simulated}");
    let sync = ok_json(post(
        &net,
        "/cosmos/tx/v1beta1/txs",
        &json!({ "tx_bytes": first, "mode": "BROADCAST_MODE_SYNC" }),
    )?)?;
    assert_eq!(sync["tx_response"]["code"], 0, "{sync}");
    let hash = sync["tx_response"]["txhash"]
        .as_str()
        .context("no txhash")?
        .to_string();
    // The next one in async mode: accepted without waiting for CheckTx's answer.
    let second = send(300, sequence + 1)?;
    let async_answer = ok_json(post(
        &net,
        "/cosmos/tx/v1beta1/txs",
        &json!({ "tx_bytes": second, "mode": "BROADCAST_MODE_ASYNC" }),
    )?)?;
    assert_eq!(
        async_answer["tx_response"]["txhash"].as_str().map(str::len),
        Some(64)
    );
    wait_until("both sends land", WAIT, || {
        Ok(rest_balance(&net, &carol)? == before + 1000)
    })?;

    // Found by hash and by the SDK's event search, in both its forms.
    let found = ok_json(get(&net, &format!("/cosmos/tx/v1beta1/txs/{hash}"))?)?;
    assert_eq!(found["tx_response"]["txhash"], hash.as_str());
    assert_eq!(
        found["tx"]["body"]["messages"][0]["@type"],
        "/cosmos.bank.v1beta1.MsgSend"
    );
    let height = found["tx_response"]["height"]
        .as_str()
        .context("height is a string")?
        .to_string();
    let by_events = ok_json(get(
        &net,
        &format!(
            "/cosmos/tx/v1beta1/txs?events=message.sender%3D%27{}%27&events=tx.height%3D{height}",
            alice.address
        ),
    )?)?;
    let found_hashes: Vec<&str> = by_events["tx_responses"]
        .as_array()
        .context("no tx_responses")?
        .iter()
        .filter_map(|tx| tx["txhash"].as_str())
        .collect();
    assert!(found_hashes.contains(&hash.as_str()), "{by_events}");
    let by_query = ok_json(get(
        &net,
        &format!("/cosmos/tx/v1beta1/txs?query=tx.height%3D{height}"),
    )?)?;
    assert_eq!(by_query["total"], by_events["total"], "{by_query}");

    // Lists page as the SDK's do: a limit, the next_key to follow, a total on the first page,
    // reverse order, and a limit above the maximum clamped rather than refused.
    let owners = |query: &str| -> Result<Value> {
        ok_json(get(
            &net,
            &format!("/cosmos/bank/v1beta1/denom_owners/{DENOM}?{query}"),
        )?)
    };
    let everyone = owners("pagination.limit=1000000&pagination.count_total=true")?;
    let all: Vec<Value> = everyone["denom_owners"]
        .as_array()
        .context("no denom_owners")?
        .clone();
    assert!(all.len() >= 3, "{everyone}");
    assert_eq!(everyone["pagination"]["total"], all.len().to_string());
    assert_eq!(everyone["pagination"]["next_key"], serde_json::Value::Null);
    let first = owners("pagination.limit=2&pagination.count_total=true")?;
    assert_eq!(first["denom_owners"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["pagination"]["total"], all.len().to_string());
    let key = first["pagination"]["next_key"]
        .as_str()
        .context("no next_key")?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("pagination.key", key);
    query.append_pair("pagination.limit", "2");
    let second = owners(&query.finish())?;
    assert_eq!(second["denom_owners"][0], all[2], "{second}");
    let reversed = owners("pagination.limit=1&pagination.reverse=true")?;
    assert_eq!(reversed["denom_owners"][0], all[all.len() - 1]);

    // The node and block routes explorers start from.
    let latest = ok_json(get(&net, "/cosmos/base/tendermint/v1beta1/blocks/latest")?)?;
    assert!(latest["block"]["header"]["height"].as_str().is_some());
    let block = ok_json(get(
        &net,
        &format!("/cosmos/base/tendermint/v1beta1/blocks/{height}"),
    )?)?;
    assert_eq!(block["block"]["header"]["height"], height.as_str());
    let info = ok_json(get(&net, "/cosmos/base/tendermint/v1beta1/node_info")?)?;
    assert_eq!(info["default_node_info"]["network"], net.chain_id.as_str());
    let syncing = ok_json(get(&net, "/cosmos/base/tendermint/v1beta1/syncing")?)?;
    assert_eq!(syncing["syncing"], false);
    let validators = ok_json(get(
        &net,
        "/cosmos/base/tendermint/v1beta1/validatorsets/latest",
    )?)?;
    assert_eq!(validators["validators"].as_array().map(Vec::len), Some(1));
    Ok(())
}

#[test]
fn bad_requests_get_the_gateways_errors_and_change_nothing() -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let carol = net.address("carol");
    let before = rest_balance(&net, &carol)?;
    let error = |answer: HttpAnswer, status: u16, code: i64| -> Result<String> {
        let body = answer.json()?;
        assert_eq!(answer.status, status, "{body}");
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["details"], json!([]), "{body}");
        Ok(body["message"].as_str().unwrap_or_default().to_string())
    };

    let bad_address = error(
        get(&net, "/cosmos/bank/v1beta1/balances/rmesh1notanaddress")?,
        400,
        3,
    )?;
    assert!(bad_address.contains("rmesh1notanaddress"), "{bad_address}");
    let unknown = error(get(&net, "/cosmos/bank/v1beta1/nothing")?, 404, 5)?;
    assert!(unknown.contains("no REST route"), "{unknown}");
    let wrong_verb = error(get(&net, "/cosmos/tx/v1beta1/simulate")?, 405, 12)?;
    assert!(wrong_verb.contains("GET"), "{wrong_verb}");
    let bad_param = error(
        get(
            &net,
            &format!("/cosmos/bank/v1beta1/balances/{carol}?pagination.limit=lots"),
        )?,
        400,
        3,
    )?;
    assert!(bad_param.contains("pagination.limit"), "{bad_param}");
    let bad_height = error(
        http(
            net.nodes[0].api_addr(),
            "GET",
            "/cosmos/bank/v1beta1/params",
            &[("x-cosmos-block-height", "tomorrow")],
            b"",
        )?,
        400,
        3,
    )?;
    assert!(bad_height.contains("x-cosmos-block-height"), "{bad_height}");

    // Txs that cannot be read change nothing: JSON that is not a request, then bytes that are
    // not a tx.
    let height = net.height(0)?;
    let malformed = http(
        net.nodes[0].api_addr(),
        "POST",
        "/cosmos/tx/v1beta1/txs",
        &[("Content-Type", "application/json")],
        b"{\"tx_bytes\": [1, 2",
    )?;
    let reason = error(malformed, 400, 3)?;
    assert!(reason.contains("not valid JSON"), "{reason}");
    let garbage = post(
        &net,
        "/cosmos/tx/v1beta1/txs",
        &json!({ "tx_bytes": B64.encode(b"not a tx"), "mode": "BROADCAST_MODE_SYNC" }),
    )?;
    let body = garbage.json()?;
    let refused = match garbage.status {
        200 => body["tx_response"]["code"].as_u64().unwrap_or_default() != 0,
        status => (400..500).contains(&status),
    };
    assert!(refused, "HTTP {}: {body}", garbage.status);
    let oversized = vec![b' '; 2_000_000];
    let too_big = http(
        net.nodes[0].api_addr(),
        "POST",
        "/cosmos/tx/v1beta1/txs",
        &[("Content-Type", "application/json")],
        &oversized,
    )?;
    error(too_big, 413, 8)?;
    net.wait_for_height(0, height + 2, WAIT)?;
    assert_eq!(rest_balance(&net, &carol)?, before);
    let txs = ok_json(get(
        &net,
        &format!("/cosmos/tx/v1beta1/txs?query=tx.height%3E{height}"),
    )?)?;
    assert_eq!(txs["total"], "0", "{txs}");
    Ok(())
}
