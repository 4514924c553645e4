//! Whole-app scenarios under a scripted consensus: genesis, blocks, tx atomicity, mempool rules,
//! crash-replay safety and store proofs.

mod support;

use cnidarium::{StateDelta, StateWrite};
use ibc_core_commitment_types::merkle::{MerklePath, MerkleProof};
use ibc_core_commitment_types::specs::ProofSpecs;
use ibc_proto::ibc::core::commitment::v1::{MerklePath as RawMerklePath, MerkleRoot};
use ibc_proto::ics23::{CommitmentProof, HostFunctionsManager};
use prost::Message;
use support::{send_msg, TestChain, GENESIS_FUNDS};

const GAS: u64 = 200_000;
const FEE: u128 = 500;

#[tokio::test]
async fn genesis_balances_are_queryable_and_the_supply_is_their_sum() {
    let mut chain = TestChain::start(3).await;
    for index in 0..3 {
        let address = chain.accounts[index].address.clone();
        assert_eq!(chain.balance(&address).await, GENESIS_FUNDS);
    }
    let info = chain.info().await;
    assert_eq!(info.last_block_height.value(), 0);
    assert_eq!(
        info.last_block_app_hash.as_bytes(),
        chain.last_app_hash.as_slice()
    );
}

#[tokio::test]
async fn a_signed_send_in_a_block_moves_funds_and_pays_the_fee() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 1_000)], FEE, GAS);
    assert_eq!(chain.check_tx(tx.clone()).await.code.value(), 0);
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        0,
        "{}",
        block.tx_results[0].log
    );
    assert!(block.tx_results[0].gas_used > 0);
    assert_eq!(chain.balance(&from).await, GENESIS_FUNDS - 1_000 - FEE);
    assert_eq!(chain.balance(&to).await, GENESIS_FUNDS + 1_000);
    let indexed = block.tx_results[0]
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .all(|a| a.index());
    assert!(
        indexed,
        "every event attribute must be indexed for CometBFT 0.38"
    );
    let message = block.tx_results[0]
        .events
        .iter()
        .find(|e| e.kind == "message")
        .unwrap();
    assert!(message
        .attributes
        .iter()
        .any(|a| a.key_str().ok() == Some("module") && a.value_str().ok() == Some("bank")));
}

#[tokio::test]
async fn a_multi_message_tx_applies_all_or_nothing_but_still_pays_its_fee() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let messages = vec![
        send_msg(&from, &to, 1_000),
        send_msg(&from, &to, GENESIS_FUNDS),
    ];
    let tx = chain.accounts[0].sign(messages, FEE, GAS);
    let block = chain.block(vec![tx]).await;
    assert_eq!(
        block.tx_results[0].code.value(),
        5,
        "{}",
        block.tx_results[0].log
    );
    assert_eq!(
        chain.balance(&to).await,
        GENESIS_FUNDS,
        "the first send must be reverted too"
    );
    assert_eq!(chain.balance(&from).await, GENESIS_FUNDS - FEE);
    // The sequence was consumed: the next tx must use sequence 1.
    let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 7)], FEE, GAS);
    assert_eq!(chain.block(vec![tx]).await.tx_results[0].code.value(), 0);
}

#[tokio::test]
async fn the_mempool_refuses_a_replayed_tx_with_the_sdk_sequence_message() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 1)], FEE, GAS);
    chain.block(vec![tx.clone()]).await;
    let replay = chain.check_tx(tx).await;
    assert_eq!(replay.code.value(), 32);
    assert_eq!(
        replay.log,
        "account sequence mismatch, expected 1, got 0: incorrect account sequence"
    );
}

#[tokio::test]
async fn the_mempool_accepts_consecutive_sequences_before_a_block() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    for _ in 0..3 {
        let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 1)], FEE, GAS);
        assert_eq!(chain.check_tx(tx).await.code.value(), 0);
    }
}

#[tokio::test]
async fn bad_txs_are_refused_at_check_tx_and_change_nothing() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let (alice, bob) = (&chain.accounts[0], &chain.accounts[1]);
    let cases: Vec<(Vec<u8>, u32)> = vec![
        (b"not a tx".to_vec(), 2),
        (alice.sign_at(0, vec![send_msg(&from, &to, 1)], 1, GAS), 13),
        (
            alice.sign_at(0, vec![send_msg(&from, &to, GENESIS_FUNDS * 2)], FEE, GAS),
            5,
        ),
        (
            alice.sign_at(0, vec![send_msg(&from, &to, 1)], FEE, 100),
            11,
        ),
        (
            alice.sign_at(3, vec![send_msg(&from, &to, 1)], FEE, GAS),
            32,
        ),
        (bob.sign_at(0, vec![send_msg(&from, &to, 1)], FEE, GAS), 8),
        (
            alice.sign_for_chain("other-chain", 0, vec![send_msg(&from, &to, 1)], FEE, GAS),
            4,
        ),
        (alice.sign_at(0, vec![unknown_msg()], FEE, GAS), 2),
    ];
    let before = chain.storage.latest_snapshot().root_hash().await.unwrap();
    for (tx, code) in cases {
        let response = chain.check_tx(tx).await;
        assert_eq!(response.code.value(), code, "{}", response.log);
    }
    let after = chain.storage.latest_snapshot().root_hash().await.unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn replaying_the_same_blocks_gives_the_same_app_hashes() {
    let mut hashes = Vec::new();
    for _ in 0..2 {
        let mut chain = TestChain::start(0).await;
        let mut run = vec![chain.last_app_hash.clone()];
        for _ in 0..3 {
            run.push(chain.block(vec![]).await.app_hash.as_bytes().to_vec());
        }
        hashes.push(run);
    }
    assert_eq!(hashes[0], hashes[1]);
}

#[tokio::test]
async fn a_repeated_init_chain_after_a_crash_keeps_the_committed_genesis() {
    let mut chain = TestChain::start(1).await;
    let genesis_hash = chain.last_app_hash.clone();
    let again = chain.init_chain(b"{}".to_vec()).await.unwrap();
    assert_eq!(again.app_hash.as_bytes(), genesis_hash.as_slice());
}

#[tokio::test]
async fn a_malformed_genesis_is_refused_and_writes_nothing() {
    let cases: [&[u8]; 3] = [
        br#"{"auth":{"accounts":[{"address":"cosmos1xyz"}]}}"#,
        br#"{"bank":{"balances":[{"address":"rmesh1q","coins":[{"denom":"u","amount":"1"}]}]}}"#,
        br#"{"unknown_module":{}}"#,
    ];
    for app_state in cases {
        let err = init_on_empty_store(app_state.to_vec()).await;
        assert!(err.contains("refusing genesis"), "{err}");
    }
}

async fn init_on_empty_store(app_state: Vec<u8>) -> String {
    let home = tempfile::tempdir().unwrap();
    let storage = rmeshd::node::open_storage(home.path()).await.unwrap();
    let result = support::init_chain_on(&storage, app_state).await;
    assert_eq!(
        storage.latest_version(),
        u64::MAX,
        "a refused genesis must write nothing"
    );
    result.err().unwrap_or_default()
}

fn unknown_msg() -> cosmos_sdk_proto::Any {
    cosmos_sdk_proto::Any {
        type_url: "/cosmos.nft.v1beta1.MsgSend".into(),
        value: vec![],
    }
}

fn proof_specs() -> ProofSpecs {
    ProofSpecs::try_from(vec![cnidarium::ics23_spec(), cnidarium::ics23_spec()]).unwrap()
}

fn merkle_proof(response: &tendermint::v0_38::abci::response::Query) -> MerkleProof {
    let ops = response.proof.as_ref().expect("a proof was asked for");
    assert_eq!(ops.ops.len(), 2, "key-in-substore then substore-in-root");
    let proofs = ops
        .ops
        .iter()
        .map(|op| CommitmentProof::decode(op.data.as_slice()).unwrap())
        .collect();
    MerkleProof { proofs }
}

#[tokio::test]
async fn ibc_store_queries_prove_membership_and_absence_against_the_app_hash() {
    let mut chain = TestChain::start(1).await;
    chain.block(vec![]).await;
    // Seed the ibc substore as the IBC module will: a committed version on top of block 1.
    let mut delta = StateDelta::new(chain.storage.latest_snapshot());
    delta.put_raw(
        "ibc/clients/07-tendermint-0/clientState".into(),
        b"client".to_vec(),
    );
    delta.put_raw(
        "ibc/connections/connection-0".into(),
        b"connection".to_vec(),
    );
    let root = chain.storage.commit(delta).await.unwrap();
    let height = chain.storage.latest_version();

    let present = chain
        .abci_query(
            "store/ibc/key",
            b"clients/07-tendermint-0/clientState".to_vec(),
            height,
            true,
        )
        .await;
    assert!(present.code.is_ok(), "{}", present.log);
    assert_eq!(present.value.as_ref(), b"client");
    assert_eq!(present.height.value(), height);
    let path = |key: &str| {
        MerklePath::from(RawMerklePath {
            key_path: vec!["ibc".into(), key.into()],
        })
    };
    let app_hash = MerkleRoot {
        hash: root.0.to_vec(),
    };
    merkle_proof(&present)
        .verify_membership::<HostFunctionsManager>(
            &proof_specs(),
            app_hash.clone(),
            path("clients/07-tendermint-0/clientState"),
            b"client".to_vec(),
            0,
        )
        .expect("membership proof verifies against the app hash");

    let absent = chain
        .abci_query(
            "/store/ibc/key",
            b"clients/07-tendermint-9/clientState".to_vec(),
            height,
            true,
        )
        .await;
    assert!(absent.code.is_ok(), "{}", absent.log);
    assert!(absent.value.is_empty());
    merkle_proof(&absent)
        .verify_non_membership::<HostFunctionsManager>(
            &proof_specs(),
            app_hash.clone(),
            path("clients/07-tendermint-9/clientState"),
        )
        .expect("non-membership proof verifies against the app hash");

    let wrong_value = merkle_proof(&present).verify_membership::<HostFunctionsManager>(
        &proof_specs(),
        app_hash,
        path("clients/07-tendermint-0/clientState"),
        b"forged".to_vec(),
        0,
    );
    assert!(
        wrong_value.is_err(),
        "a proof must not verify a different value"
    );
}

#[tokio::test]
async fn queries_at_a_height_read_the_state_committed_by_that_block() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    chain.block(vec![]).await;
    let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 5)], FEE, GAS);
    chain.block(vec![tx]).await;
    use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
    let request = QueryBalanceRequest {
        address: to.clone(),
        denom: support::DENOM.into(),
    }
    .encode_to_vec();
    for (height, expected) in [(1u64, GENESIS_FUNDS), (2, GENESIS_FUNDS + 5)] {
        let response = chain
            .abci_query(
                "/cosmos.bank.v1beta1.Query/Balance",
                request.clone(),
                height,
                false,
            )
            .await;
        let balance = QueryBalanceResponse::decode(response.value.as_ref())
            .unwrap()
            .balance
            .unwrap();
        assert_eq!(balance.amount, expected.to_string(), "at height {height}");
        assert_eq!(response.height.value(), height);
    }
}

#[tokio::test]
async fn a_restarted_node_still_answers_queries_and_proofs_at_heights_committed_before_it() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    // More blocks than cnidarium keeps in memory (10), a send in each.
    for _ in 0..15 {
        let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 1)], FEE, GAS);
        assert_eq!(chain.block(vec![tx]).await.tx_results[0].code.value(), 0);
    }
    use cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest;
    let balance = QueryBalanceRequest {
        address: to.clone(),
        denom: support::DENOM.into(),
    }
    .encode_to_vec();
    let mut answers = Vec::new();
    for height in 1..=15u64 {
        let value = chain
            .abci_query(
                "/cosmos.bank.v1beta1.Query/Balance",
                balance.clone(),
                height,
                false,
            )
            .await;
        assert_eq!(value.code.value(), 0, "balance at {height}: {}", value.log);
        let proof = chain
            .abci_query(
                "store/ibc/key",
                b"nextClientSequence".to_vec(),
                height,
                true,
            )
            .await;
        assert_eq!(proof.code.value(), 0, "proof at {height}: {}", proof.log);
        answers.push((height, value.value, proof.proof));
    }
    let mut chain = chain.restart().await;
    for (height, value, proof) in answers {
        let after = chain
            .abci_query(
                "/cosmos.bank.v1beta1.Query/Balance",
                balance.clone(),
                height,
                false,
            )
            .await;
        assert_eq!(
            after.code.value(),
            0,
            "balance at {height} after the restart: {}",
            after.log
        );
        assert_eq!(after.value, value, "balance at {height} after the restart");
        let after = chain
            .abci_query(
                "store/ibc/key",
                b"nextClientSequence".to_vec(),
                height,
                true,
            )
            .await;
        assert_eq!(
            after.code.value(),
            0,
            "proof at {height} after the restart: {}",
            after.log
        );
        assert_eq!(after.proof, proof, "proof at {height} after the restart");
    }
}

#[tokio::test]
async fn a_restarted_node_reports_the_last_committed_height_and_app_hash() {
    let home = tempfile::tempdir().unwrap();
    let storage = rmeshd::node::open_storage(home.path()).await.unwrap();
    let mut delta = StateDelta::new(storage.latest_snapshot());
    delta.put_raw("bank/test".into(), b"value".to_vec());
    let root = storage.commit(delta).await.unwrap();
    storage.release().await;
    let reopened = rmeshd::node::open_storage(home.path()).await.unwrap();
    assert_eq!(reopened.latest_version(), 0);
    assert_eq!(reopened.latest_snapshot().root_hash().await.unwrap(), root);
}

#[tokio::test]
async fn a_node_restarted_after_empty_blocks_resumes_at_its_last_height_and_app_hash() {
    let mut chain = TestChain::start(1).await;
    for _ in 0..3 {
        chain.block(vec![]).await;
    }
    let app_hash = chain.last_app_hash.clone();
    let mut chain = chain.restart().await;
    let info = chain.info().await;
    assert_eq!(info.last_block_height.value(), 3);
    assert_eq!(info.last_block_app_hash.as_bytes(), app_hash.as_slice());
    let next = chain.block(vec![]).await;
    assert_eq!(chain.height, 4);
    assert_ne!(next.app_hash.as_bytes(), app_hash.as_slice());
}

#[tokio::test]
async fn a_fee_less_simulation_estimates_the_gas_the_paid_tx_uses() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    // Wallets simulate before they know the fee: no fee coins, no valid signature needed.
    let unpaid = chain.accounts[0].sign_at(0, vec![send_msg(&from, &to, 10)], 0, GAS);
    let simulated = simulate(&mut chain, unpaid).await.unwrap();
    let paid = chain.accounts[0].sign(vec![send_msg(&from, &to, 10)], FEE, GAS);
    let used = chain.block(vec![paid]).await.tx_results[0].gas_used as u64;
    assert!(
        used <= simulated + simulated / 20,
        "simulated {simulated}, used {used}"
    );
    assert!(
        simulated <= used + used / 20,
        "simulated {simulated}, used {used}"
    );
}

/// Simulate over abci_query; returns the gas used, or the refusal's log.
async fn simulate(chain: &mut TestChain, tx: Vec<u8>) -> Result<u64, String> {
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
    #[allow(deprecated)]
    let request = SimulateRequest {
        tx: None,
        tx_bytes: tx,
    }
    .encode_to_vec();
    let response = chain
        .abci_query("/cosmos.tx.v1beta1.Service/Simulate", request, 0, false)
        .await;
    if response.code.is_err() {
        return Err(response.log);
    }
    Ok(SimulateResponse::decode(response.value.as_ref())
        .unwrap()
        .gas_info
        .unwrap()
        .gas_used)
}

#[tokio::test]
async fn a_simulation_counts_the_txs_waiting_in_the_mempool_as_the_sdk_does() {
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let first = chain.accounts[0].sign(vec![send_msg(&from, &to, 10)], FEE, GAS);
    let accepted = chain.check_tx(first.clone()).await;
    assert!(accepted.code.is_ok(), "{}", accepted.log);

    // The wallet's next tx has sequence 1: the committed state alone would call it too early.
    let next = chain.accounts[0].sign_at(1, vec![send_msg(&from, &to, 10)], 0, GAS);
    assert!(simulate(&mut chain, next.clone()).await.unwrap() > 0);
    let stale = chain.accounts[0].sign_at(0, vec![send_msg(&from, &to, 10)], 0, GAS);
    let refused = simulate(&mut chain, stale).await.unwrap_err();
    assert!(
        refused.contains("account sequence mismatch, expected 1, got 0"),
        "{refused}"
    );
    // A simulation changes nothing: the mempool still takes the real tx with sequence 1.
    let paid = chain.accounts[0].sign(vec![send_msg(&from, &to, 10)], FEE, GAS);
    let accepted = chain.check_tx(paid.clone()).await;
    assert!(accepted.code.is_ok(), "{}", accepted.log);

    // Once both are committed, the mempool state starts again from the new block.
    let results = chain.block(vec![first, paid]).await.tx_results;
    assert!(results.iter().all(|r| r.code.is_ok()));
    let after = chain.accounts[0].sign_at(2, vec![send_msg(&from, &to, 10)], 0, GAS);
    assert!(simulate(&mut chain, after).await.is_ok());
}

#[tokio::test]
async fn a_txs_gas_meter_does_not_outlive_it_into_the_blocks_hooks() {
    use cnidarium::StateDelta;
    use rmesh_core::GasMeterExt;
    use rmeshd::tx::{run_tx, ExecMode};
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 1)], FEE, GAS);
    let mut block_state = StateDelta::new(chain.storage.latest_snapshot());
    use rmesh_core::BlockContextWriteExt;
    block_state.put_block_context(rmesh_core::BlockContext {
        chain_id: support::CHAIN_ID.into(),
        height: 1,
        ..Default::default()
    });
    let outcome = run_tx(&mut block_state, &tx, &ExecMode::Deliver).await;
    assert!(outcome.is_ok(), "{}", outcome.log);
    assert!(
        block_state.gas_meter().is_none(),
        "end-of-block work would be charged to the last tx"
    );
}

#[tokio::test]
async fn a_recheck_trusts_the_admitted_signature_but_still_checks_the_sequence() {
    use cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw;
    use tendermint::abci::request::CheckTxKind;
    let mut chain = TestChain::start(2).await;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let tx = chain.accounts[0].sign(vec![send_msg(&from, &to, 1)], FEE, GAS);
    let mut tampered = TxRaw::decode(tx.as_slice()).unwrap();
    tampered.signatures[0][5] ^= 1;
    let tampered = tampered.encode_to_vec();
    assert_eq!(
        chain.check_tx(tampered.clone()).await.code.value(),
        4,
        "a new tx is verified"
    );
    chain.block(vec![]).await;
    let recheck = chain
        .check_tx_of_kind(tampered.clone(), CheckTxKind::Recheck)
        .await;
    assert_eq!(recheck.code.value(), 0, "{}", recheck.log);
    chain.block(vec![tx]).await;
    let stale = chain.check_tx_of_kind(tampered, CheckTxKind::Recheck).await;
    assert_eq!(
        stale.code.value(),
        32,
        "a recheck still refuses a used sequence"
    );
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
    what: &'static str,
    bytes: Vec<u8>,
    code: u32,
    phrase: &'static str,
}

/// Txs the SDK's decoder and ante handler refuse, built on valid signed txs of `chain`'s first
/// account.
fn hostile_txs(chain: &mut TestChain) -> Vec<HostileTx> {
    use cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw;
    use rmesh_core::Coin;
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    let account = &chain.accounts[0];
    let valid = account.sign_at(0, vec![send_msg(&from, &to, 5)], FEE, GAS);
    let raw = TxRaw::decode(valid.as_slice()).unwrap();

    let appended = with_bytes_field(valid.clone(), 9, b"rewritten");
    let leading_body = [with_bytes_field(vec![], 1, &raw.body_bytes), valid.clone()].concat();
    // body_bytes' length with one byte more than it needs: its last byte continued, then a zero.
    let mut stretched = vec![0x0a];
    prost::encoding::encode_varint(raw.body_bytes.len() as u64, &mut stretched);
    *stretched.last_mut().unwrap() |= 0x80;
    stretched.push(0x00);
    let stretched = [
        stretched,
        raw.body_bytes.clone(),
        TxRaw {
            body_bytes: vec![],
            auth_info_bytes: raw.auth_info_bytes.clone(),
            signatures: raw.signatures.clone(),
        }
        .encode_to_vec(),
    ]
    .concat();

    let mut deep = with_bytes_field(vec![], 99, b"deep");
    for _ in 0..2_000 {
        deep = with_bytes_field(vec![], 99, &deep);
    }
    let mut unknown_field = send_msg(&from, &to, 5);
    unknown_field.value = with_bytes_field(unknown_field.value, 99, &deep);
    let unknown_field = account.sign_at(0, vec![unknown_field], FEE, GAS);

    let mut twice = send_msg(&from, &to, 1);
    let mut msg =
        cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend::decode(twice.value.as_slice()).unwrap();
    msg.amount.push(msg.amount[0].clone());
    twice.value = msg.encode_to_vec();
    let amount_twice = account.sign_at(0, vec![twice], FEE, GAS);

    let signer = rmeshd::client::SignerAccount {
        chain_id: support::CHAIN_ID.into(),
        account_number: account.number,
        sequence: 0,
    };
    let fee_twice = rmeshd::client::TxFee {
        amount: vec![Coin::new(1_000, "urmesh"), Coin::new(1_000, "urmesh")],
        gas_limit: GAS,
    };
    let fee_twice = rmeshd::client::sign_tx(
        &account.key,
        &signer,
        vec![send_msg(&from, &to, 5)],
        &fee_twice,
        "",
    )
    .unwrap();

    vec![
        HostileTx {
            what: "an unknown field appended to TxRaw",
            bytes: appended,
            code: 2,
            phrase: "unknown field 9",
        },
        HostileTx {
            what: "an extra leading body_bytes field",
            bytes: leading_body,
            code: 2,
            phrase: "ADR-027",
        },
        HostileTx {
            what: "a non-minimal length varint",
            bytes: stretched,
            code: 2,
            phrase: "not as short as possible",
        },
        HostileTx {
            what: "an unknown field 99 nested 2,000 levels deep",
            bytes: unknown_field,
            code: 2,
            phrase: "unknown field 99",
        },
        HostileTx {
            what: "a MsgSend of [1urmesh, 1urmesh]",
            bytes: amount_twice,
            code: 10,
            phrase: "duplicate denomination urmesh",
        },
        HostileTx {
            what: "a fee of 1000urmesh twice",
            bytes: fee_twice,
            code: 13,
            phrase: "duplicate denomination urmesh",
        },
    ]
}

#[tokio::test]
async fn txs_the_sdk_refuses_are_refused_by_check_tx_and_by_finalize_block_alike() {
    let mut chain = TestChain::start(2).await;
    let cases = hostile_txs(&mut chain);
    for HostileTx {
        what,
        bytes,
        code,
        phrase,
    } in &cases
    {
        let checked = chain.check_tx(bytes.clone()).await;
        assert_eq!(
            checked.code.value(),
            *code,
            "CheckTx of {what}: {}",
            checked.log
        );
        assert!(
            checked.log.contains(phrase),
            "CheckTx of {what}: {}",
            checked.log
        );
    }
    // A proposer may include what no mempool admitted: the block refuses each the same way.
    let block = chain
        .block(cases.iter().map(|case| case.bytes.clone()).collect())
        .await;
    for (
        HostileTx {
            what, code, phrase, ..
        },
        result,
    ) in cases.iter().zip(&block.tx_results)
    {
        assert_eq!(
            result.code.value(),
            *code,
            "FinalizeBlock of {what}: {}",
            result.log
        );
        assert!(
            result.log.contains(phrase),
            "FinalizeBlock of {what}: {}",
            result.log
        );
    }
    let (from, to) = (
        chain.accounts[0].address.clone(),
        chain.accounts[1].address.clone(),
    );
    assert_eq!(chain.balance(&from).await, GENESIS_FUNDS, "no fee, no send");
    assert_eq!(chain.balance(&to).await, GENESIS_FUNDS);
    // Sequence 0 is still unused: the valid form of the same send goes through.
    let valid = chain.accounts[0].sign(vec![send_msg(&from, &to, 5)], FEE, GAS);
    assert_eq!(chain.block(vec![valid]).await.tx_results[0].code.value(), 0);
}
