//! Hostile input against a real node: malformed queries over CometBFT's RPC and gRPC, and txs the
//! SDK refuses, each answered with a clear refusal while the node keeps producing blocks; and a
//! CometBFT restart under load that leaves rmeshd serving, with no panic in its log.
//!
//! Every input here came from probing a localnet as an attacker would; the table is also the seed
//! of the fuzzing work.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use cosmos_sdk_proto::cosmos::auth::v1beta1::QueryAccountAddressByIdRequest;
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_client::QueryClient as BankClient;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryParamsRequest};
use cosmos_sdk_proto::cosmos::tx::v1beta1::{GetTxRequest, TxRaw};
use prost::Message;
use rmesh_e2e::client::{msg_send, TxParams, Wallet};
use rmesh_e2e::rpc::{self, str_field, u32_field};
use rmesh_e2e::{TestNet, ALICE, BOB, DENOM, GAS, WAIT};
use serde_json::{json, Value};

/// What a request must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Code 0.
    Answer,
    /// A non-zero code and a log.
    Refusal,
}

/// Text that must never reach a client: a panic, a backtrace, a source path.
fn leaks(text: &str) -> Option<&'static str> {
    [
        "panicked",
        "backtrace",
        "stack backtrace",
        ".rs:",
        "/src/",
        "RUST_BACKTRACE",
    ]
    .into_iter()
    .find(|needle| text.contains(needle))
}

/// One `abci_query` over CometBFT's JSON-RPC with `height` as given (any string).
fn abci_query_raw(
    net: &TestNet,
    path: &str,
    data: &[u8],
    height: &str,
    prove: bool,
) -> Result<(u32, String)> {
    let result = net
        .rpc(
            0,
            "abci_query",
            json!({"path": path, "data": hex::encode(data), "height": height, "prove": prove}),
        )
        .with_context(|| format!("abci_query {path} at height {height}"))?;
    let response = &result["response"];
    Ok((u32_field(response, "code"), str_field(response, "log")))
}

fn check(what: &str, expect: Expect, code: u32, log: &str) -> Result<()> {
    if let Some(leak) = leaks(log) {
        bail!("{what}: the answer leaks {leak:?}: {log}");
    }
    match expect {
        Expect::Answer if code != 0 => bail!("{what}: expected an answer, got code {code}: {log}"),
        Expect::Refusal if code == 0 => bail!("{what}: expected a refusal, got code 0"),
        Expect::Refusal if log.trim().is_empty() => bail!("{what}: refused without a log"),
        _ => Ok(()),
    }
}

/// A field `number` holding `value` as bytes, appended to `bytes`.
fn with_bytes_field(mut bytes: Vec<u8>, number: u32, value: &[u8]) -> Vec<u8> {
    prost::encoding::encode_key(
        number,
        prost::encoding::WireType::LengthDelimited,
        &mut bytes,
    );
    prost::encoding::encode_varint(value.len() as u64, &mut bytes);
    bytes.extend_from_slice(value);
    bytes
}

/// A tx the SDK refuses, with the code and a phrase of the log a client must see.
struct HostileTx {
    what: String,
    bytes: Vec<u8>,
    code: u32,
    phrase: &'static str,
}

/// Signed txs that must be refused.
fn hostile_txs(net: &TestNet, alice: &Wallet, bob: &Wallet) -> Result<Vec<HostileTx>> {
    let (number, sequence) = net.account(0, alice.address.as_ref())?;
    let params = TxParams::new(&net.chain_id, number, sequence);
    let send = msg_send(&alice.address, &bob.address, 5)?;
    let valid = alice.sign(vec![send.clone()], &params)?;
    let raw = TxRaw::decode(valid.as_slice())?;

    let appended = with_bytes_field(valid.clone(), 9, b"rewritten");
    let leading_body = [with_bytes_field(vec![], 1, &raw.body_bytes), valid.clone()].concat();
    let mut stretched = vec![0x0a];
    prost::encoding::encode_varint(raw.body_bytes.len() as u64, &mut stretched);
    *stretched
        .last_mut()
        .ok_or_else(|| anyhow!("empty varint"))? |= 0x80;
    stretched.push(0x00);
    let rest = TxRaw {
        body_bytes: vec![],
        ..raw.clone()
    };
    let stretched = [stretched, raw.body_bytes.clone(), rest.encode_to_vec()].concat();

    let mut deep = with_bytes_field(vec![], 99, b"deep");
    for _ in 0..2_000 {
        deep = with_bytes_field(vec![], 99, &deep);
    }
    let mut unknown = send.clone();
    unknown.value = with_bytes_field(unknown.value, 99, &deep);
    let unknown = alice.sign(vec![unknown], &params)?;

    let mut twice =
        cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend::decode(send.value.as_slice())?;
    twice.amount.push(twice.amount[0].clone());
    let twice = cosmrs::Any {
        type_url: send.type_url.clone(),
        value: twice.encode_to_vec(),
    };
    let amount_twice = alice.sign(vec![twice], &params)?;

    let mut fee = params.fee();
    fee.amount.push(fee.amount[0].clone());
    let fee_twice = rmeshd::client::sign_tx(&alice.key, &params.signer(), vec![send], &fee, "")?;

    Ok(vec![
        HostileTx {
            what: "TxRaw with an unknown field appended".into(),
            bytes: appended,
            code: 2,
            phrase: "unknown field 9",
        },
        HostileTx {
            what: "TxRaw with an extra leading body_bytes".into(),
            bytes: leading_body,
            code: 2,
            phrase: "ADR-027",
        },
        HostileTx {
            what: "TxRaw with a non-minimal length varint".into(),
            bytes: stretched,
            code: 2,
            phrase: "not as short as possible",
        },
        HostileTx {
            what: "a message with field 99 nested 2,000 deep".into(),
            bytes: unknown,
            code: 2,
            phrase: "unknown field 99",
        },
        HostileTx {
            what: "a MsgSend of [1urmesh, 1urmesh]".into(),
            bytes: amount_twice,
            code: 10,
            phrase: "duplicate denomination",
        },
        HostileTx {
            what: "a fee of the same coin twice".into(),
            bytes: fee_twice,
            code: 13,
            phrase: "duplicate denomination",
        },
    ])
}

#[test]
fn hostile_queries_and_txs_are_refused_clearly_and_the_node_keeps_producing_blocks() -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 3, WAIT)?;
    let alice = Wallet::from_mnemonic(ALICE)?;
    let bob = Wallet::from_mnemonic(BOB)?;
    let latest = net.height(0)?;
    let far_future = (latest + 1_000).to_string();
    let balance = QueryBalanceRequest {
        address: alice.address.to_string(),
        denom: DENOM.into(),
    }
    .encode_to_vec();

    // (path class, path, data, prove, answer at height 0)
    let paths: Vec<(&str, &str, Vec<u8>, bool, Expect)> = vec![
        (
            "gRPC method",
            "/cosmos.bank.v1beta1.Query/Balance",
            balance.clone(),
            false,
            Expect::Answer,
        ),
        (
            "gRPC method without height use",
            "/cosmos.bank.v1beta1.Query/Params",
            vec![],
            false,
            Expect::Answer,
        ),
        (
            "store with proof",
            "store/ibc/key",
            b"clients/07-tendermint-0/clientState".to_vec(),
            true,
            Expect::Answer,
        ),
        (
            "store without proof",
            "store/ibc/key",
            b"nextClientSequence".to_vec(),
            false,
            Expect::Answer,
        ),
        ("app", "app/simulate", vec![1, 2, 3], false, Expect::Refusal),
        (
            "unknown",
            "/nobody.v1.Query/Nothing",
            vec![],
            false,
            Expect::Refusal,
        ),
    ];
    let heights: [(&str, Option<Expect>); 5] = [
        ("-1", Some(Expect::Refusal)),
        ("-9223372036854775808", Some(Expect::Refusal)),
        ("0", None),
        ("9223372036854775807", Some(Expect::Refusal)),
        (&far_future, Some(Expect::Refusal)),
    ];
    for (class, path, data, prove, at_latest) in &paths {
        for (height, expect) in &heights {
            let expect = expect.unwrap_or(*at_latest);
            let (code, log) = abci_query_raw(&net, path, data, height, *prove)?;
            check(
                &format!("{class} {path} at height {height}"),
                expect,
                code,
                &log,
            )?;
        }
    }

    // The small leaks: a malformed hash, a deprecated id, a height above the latest.
    let get_tx = GetTxRequest { hash: "zz".into() }.encode_to_vec();
    let (code, log) = abci_query_raw(
        &net,
        "/cosmos.tx.v1beta1.Service/GetTx",
        &get_tx,
        "0",
        false,
    )?;
    check("GetTx of hash zz", Expect::Refusal, code, &log)?;
    assert!(log.contains("64 hex digits"), "{log}");
    #[allow(deprecated)]
    let by_id = QueryAccountAddressByIdRequest {
        id: -1,
        account_id: 0,
    }
    .encode_to_vec();
    let (code, log) = abci_query_raw(
        &net,
        "/cosmos.auth.v1beta1.Query/AccountAddressByID",
        &by_id,
        "0",
        false,
    )?;
    check("AccountAddressByID with id -1", Expect::Refusal, code, &log)?;
    let (code, log) = abci_query_raw(
        &net,
        "/cosmos.bank.v1beta1.Query/Params",
        &[],
        "9223372036854775807",
        false,
    )?;
    assert_eq!(
        code, 26,
        "a height above the latest is the SDK's invalid height: {log}"
    );
    assert!(log.contains("height in the future"), "{log}");

    // gRPC with a hostile x-cosmos-block-height header.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let endpoint = format!("http://{}", net.nodes[0].grpc_addr());
        let channel = tonic::transport::Channel::from_shared(endpoint)?
            .connect()
            .await?;
        let mut bank = BankClient::new(channel);
        for height in ["-1", "9223372036854775807", "abc", far_future.as_str()] {
            let mut request = tonic::Request::new(QueryParamsRequest {});
            request
                .metadata_mut()
                .insert("x-cosmos-block-height", height.parse()?);
            let refusal = tokio::time::timeout(Duration::from_secs(10), bank.params(request))
                .await?
                .err()
                .ok_or_else(|| anyhow!("gRPC Params at height {height} answered"))?;
            assert!(
                matches!(
                    refusal.code(),
                    tonic::Code::InvalidArgument | tonic::Code::OutOfRange
                ),
                "height {height}: {refusal:?}"
            );
            if let Some(leak) = leaks(refusal.message()) {
                bail!("gRPC height {height} leaks {leak:?}: {}", refusal.message());
            }
        }
        let mut request = tonic::Request::new(QueryParamsRequest {});
        request
            .metadata_mut()
            .insert("x-cosmos-block-height", "1".parse()?);
        bank.params(request)
            .await
            .context("gRPC Params at height 1")?;
        anyhow::Ok(())
    })?;

    // Txs the SDK refuses.
    for HostileTx {
        what,
        bytes,
        code,
        phrase,
    } in hostile_txs(&net, &alice, &bob)?
    {
        let answer = net.broadcast(0, &bytes)?;
        assert_eq!(answer.code, code, "{what}: {}", answer.log);
        assert!(answer.log.contains(phrase), "{what}: {}", answer.log);
        check(&what, Expect::Refusal, answer.code, &answer.log)?;
    }

    // Still serving, still producing blocks, nothing panicked.
    let before = net.height(0)?;
    net.wait_for_height(0, before + 3, WAIT)?;
    let (code, log) = abci_query_raw(
        &net,
        "/cosmos.bank.v1beta1.Query/Balance",
        &balance,
        "0",
        false,
    )?;
    check(
        "a balance query after the probes",
        Expect::Answer,
        code,
        &log,
    )?;
    let rmeshd_log = std::fs::read_to_string(net.nodes[0].rmeshd_log())?;
    assert!(
        !rmeshd_log.contains("panicked"),
        "rmeshd panicked:\n{}",
        net.log_tails(40)
    );
    Ok(())
}

#[test]
fn a_cometbft_restart_under_load_leaves_rmeshd_serving_without_a_panic() -> Result<()> {
    let mut net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let alice = Wallet::from_mnemonic(ALICE)?;
    let bob = Wallet::from_mnemonic(BOB)?;
    let (number, mut sequence) = net.account(0, alice.address.as_ref())?;

    // Load: sends at a steady pace, bounded in count and time; CometBFT goes away in the middle.
    let started = Instant::now();
    let mut accepted = 0;
    let mut restarted = false;
    for round in 0..120 {
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
        if round == 40 {
            // The kill waits for the process to exit, so its ports are free at once.
            net.kill_cometbft(0);
            net.start_cometbft(0)?;
            restarted = true;
            // The mempool was lost with the process: continue from the committed sequence.
            net.wait_blocks(0, 1)?;
            sequence = net.account(0, alice.address.as_ref())?.1;
        }
        let mut params = TxParams::new(&net.chain_id, number, sequence);
        params.gas = GAS;
        let tx = alice.sign(vec![msg_send(&alice.address, &bob.address, 1)?], &params)?;
        if let Ok(answer) = net.broadcast(0, &tx) {
            if answer.code == 0 {
                accepted += 1;
                sequence += 1;
            }
        }
    }
    assert!(restarted, "the load ended before CometBFT was restarted");
    assert!(accepted > 40, "only {accepted} txs were accepted");

    let height = net.height(0)?;
    net.wait_for_height(0, height + 2, WAIT)?;
    assert!(
        net.nodes[0].rmeshd_running(),
        "rmeshd exited:\n{}",
        net.log_tails(40)
    );
    let log = std::fs::read_to_string(net.nodes[0].rmeshd_log())?;
    assert!(!log.contains("panicked"), "rmeshd panicked:\n{log}");
    assert!(
        log.contains("ABCI connection"),
        "rmeshd did not log the lost connections:\n{}",
        net.log_tails(40)
    );
    let committed: Value = net.rpc(0, "status", json!({}))?;
    assert!(rpc::u64_field(&committed["sync_info"], "latest_block_height") > height);
    Ok(())
}
