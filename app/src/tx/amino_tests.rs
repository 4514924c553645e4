//! Amino JSON sign docs against the SDK's and IBC's documented outputs, and amino-signed txs
//! through the real ante handler.

use base64::Engine as _;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey as Ed25519PubKey;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::MsgWithdrawDelegatorReward;
use cosmos_sdk_proto::cosmos::slashing::v1beta1::MsgUnjail;
use cosmos_sdk_proto::cosmos::staking::v1beta1::{
    CommissionRates, Description, MsgCreateValidator, MsgDelegate,
};
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignerInfo, TxBody, TxRaw,
};
use cosmos_sdk_proto::Any;
use ibc_proto::ibc::applications::transfer::v1::MsgTransfer;
use ibc_proto::ibc::core::client::v1::{Height, MsgUpdateClient};
use prost::{Message, Name};

use super::*;
use crate::tx::decode::decode_tx;
use crate::tx::router::accepted_type_urls;

fn packed<M: Message + Name>(message: M) -> Any {
    Any {
        type_url: M::type_url(),
        value: message.encode_to_vec(),
    }
}

fn coin(amount: &str, denom: &str) -> ProtoCoin {
    ProtoCoin {
        denom: denom.into(),
        amount: amount.into(),
    }
}

/// A decoded tx as the ante handler sees it (only the fields the amino doc reads matter).
fn tx_of(messages: Vec<Any>, memo: &str, fee: Vec<ProtoCoin>, gas: u64, timeout: u64) -> DecodedTx {
    let body = TxBody {
        messages,
        memo: memo.into(),
        timeout_height: timeout,
        ..Default::default()
    };
    let auth_info = AuthInfo {
        fee: Some(Fee {
            amount: fee,
            gas_limit: gas,
            ..Default::default()
        }),
        ..Default::default()
    };
    DecodedTx {
        hash: [0; 32],
        len: 0,
        body_bytes: body.encode_to_vec(),
        body,
        auth_info_bytes: auth_info.encode_to_vec(),
        auth_info,
        signatures: vec![],
    }
}

fn doc_text(tx: &DecodedTx, account_number: u64, chain_id: &str, sequence: u64) -> String {
    let doc = AminoSignDoc::new(tx).unwrap();
    String::from_utf8(doc.sign_bytes(account_number, chain_id, sequence)).unwrap()
}

/// The single message of a doc signed with the SDK's legacytx test parameters
/// (x/auth/migrations/legacytx/stdtx_test.go).
fn sdk_doc(message: Any, timeout: u64) -> String {
    let tx = tx_of(
        vec![message],
        "memo",
        vec![coin("150", "atom")],
        100_000,
        timeout,
    );
    doc_text(&tx, 3, "1234", 6)
}

fn sdk_expected(msg: &str, timeout: Option<&str>) -> String {
    let timeout = timeout
        .map(|t| format!(",\"timeout_height\":\"{t}\""))
        .unwrap_or_default();
    format!(
        "{{\"account_number\":\"3\",\"chain_id\":\"1234\",\"fee\":{{\"amount\":[{{\"amount\":\"150\",\"denom\":\"atom\"}}],\"gas\":\"100000\"}},\"memo\":\"memo\",\"msgs\":[{msg}],\"sequence\":\"6\"{timeout}}}"
    )
}

fn send(from: &str, to: &str, amount: Vec<ProtoCoin>) -> Any {
    packed(MsgSend {
        from_address: from.into(),
        to_address: to.into(),
        amount,
    })
}

#[test]
fn msg_send_renders_as_the_sdk_signs_it() {
    // x/bank/types/msgs_test.go, in the legacytx doc (with and without a timeout height).
    let msg = r#"{"type":"cosmos-sdk/MsgSend","value":{"amount":[{"amount":"10","denom":"atom"}],"from_address":"cosmos1d9h8qat57ljhcm","to_address":"cosmos1da6hgur4wsmpnjyg"}}"#;
    let any = send(
        "cosmos1d9h8qat57ljhcm",
        "cosmos1da6hgur4wsmpnjyg",
        vec![coin("10", "atom")],
    );
    assert_eq!(sdk_doc(any.clone(), 10), sdk_expected(msg, Some("10")));
    assert_eq!(sdk_doc(any, 0), sdk_expected(msg, None));
}

#[test]
fn an_empty_fee_and_empty_coins_are_empty_lists() {
    // x/authz/msgs_test.go: the fee of a doc with no fee, and a MsgSend without coins.
    let tx = tx_of(
        vec![send("cosmos1ghi", "cosmos1jkl", vec![])],
        "memo",
        vec![],
        0,
        1,
    );
    assert_eq!(
        doc_text(&tx, 1, "foo", 1),
        r#"{"account_number":"1","chain_id":"foo","fee":{"amount":[],"gas":"0"},"memo":"memo","msgs":[{"type":"cosmos-sdk/MsgSend","value":{"amount":[],"from_address":"cosmos1ghi","to_address":"cosmos1jkl"}}],"sequence":"1","timeout_height":"1"}"#
    );
}

#[test]
fn msg_multi_send_renders_as_the_sdk_signs_it() {
    // x/bank/types/msgs_test.go
    let any = packed(MsgMultiSend {
        inputs: vec![Input {
            address: "cosmos1d9h8qat57ljhcm".into(),
            coins: vec![coin("10", "atom")],
        }],
        outputs: vec![Output {
            address: "cosmos1da6hgur4wsmpnjyg".into(),
            coins: vec![coin("10", "atom")],
        }],
    });
    let msg = r#"{"type":"cosmos-sdk/MsgMultiSend","value":{"inputs":[{"address":"cosmos1d9h8qat57ljhcm","coins":[{"amount":"10","denom":"atom"}]}],"outputs":[{"address":"cosmos1da6hgur4wsmpnjyg","coins":[{"amount":"10","denom":"atom"}]}]}}"#;
    assert_eq!(sdk_doc(any, 0), sdk_expected(msg, None));
}

#[test]
fn msg_unjail_uses_its_amino_field_name() {
    // x/slashing/types/msg_test.go: `validator_addr` is `address` in amino JSON.
    let any = packed(MsgUnjail {
        validator_addr: "cosmosvaloper1v93xxeqhg9nn6".into(),
    });
    let msg =
        r#"{"type":"cosmos-sdk/MsgUnjail","value":{"address":"cosmosvaloper1v93xxeqhg9nn6"}}"#;
    assert_eq!(sdk_doc(any, 0), sdk_expected(msg, None));
}

#[test]
fn msg_delegate_and_withdraw_rewards_render_under_their_amino_names() {
    let delegate = packed(MsgDelegate {
        delegator_address: "cosmos1d9h8qat57ljhcm".into(),
        validator_address: "cosmosvaloper1v93xxeqhg9nn6".into(),
        amount: Some(coin("1234", "ustake")),
    });
    let msg = r#"{"type":"cosmos-sdk/MsgDelegate","value":{"amount":{"amount":"1234","denom":"ustake"},"delegator_address":"cosmos1d9h8qat57ljhcm","validator_address":"cosmosvaloper1v93xxeqhg9nn6"}}"#;
    assert_eq!(sdk_doc(delegate, 0), sdk_expected(msg, None));
    // The amino name is the legacy one, not the proto message's name.
    let withdraw = packed(MsgWithdrawDelegatorReward {
        delegator_address: "cosmos1d9h8qat57ljhcm".into(),
        validator_address: "cosmosvaloper1v93xxeqhg9nn6".into(),
    });
    let msg = r#"{"type":"cosmos-sdk/MsgWithdrawDelegationReward","value":{"delegator_address":"cosmos1d9h8qat57ljhcm","validator_address":"cosmosvaloper1v93xxeqhg9nn6"}}"#;
    assert_eq!(sdk_doc(withdraw, 0), sdk_expected(msg, None));
}

fn transfer(timeout_height: Option<Height>, timestamp: u64, memo: &str) -> Any {
    packed(MsgTransfer {
        source_port: "testportid".into(),
        source_channel: "testchannel".into(),
        token: Some(ibc_proto::cosmos::base::v1beta1::Coin {
            denom: "atom".into(),
            amount: "100".into(),
        }),
        sender: "cosmos1w3jhxarpv3j8yvg4ufs4x".into(),
        receiver: "cosmos1w3jhxarpv3j8yvs7d0hh5".into(),
        timeout_height,
        timeout_timestamp: timestamp,
        memo: memo.into(),
    })
}

#[test]
fn msg_transfer_renders_its_timeout_height_as_ibc_go_signs_it() {
    // ibc-go modules/apps/transfer/types/msgs_test.go (TestMsgTransferGetSignBytes).
    let any = transfer(
        Some(Height {
            revision_number: 0,
            revision_height: 10,
        }),
        0,
        "",
    );
    let msg = r#"{"type":"cosmos-sdk/MsgTransfer","value":{"receiver":"cosmos1w3jhxarpv3j8yvs7d0hh5","sender":"cosmos1w3jhxarpv3j8yvg4ufs4x","source_channel":"testchannel","source_port":"testportid","timeout_height":{"revision_height":"10"},"token":{"amount":"100","denom":"atom"}}}"#;
    assert_eq!(sdk_doc(any, 0), sdk_expected(msg, None));
    // A zero timeout height (a transfer timed out by timestamp only) is `{}`, as cosmjs and
    // Keplr sign it; the timestamp and the memo are there when set.
    let any = transfer(Some(Height::default()), 1_700_000_000_000_000_000, "hi <&>");
    let msg = r#"{"type":"cosmos-sdk/MsgTransfer","value":{"memo":"hi \u003c\u0026\u003e","receiver":"cosmos1w3jhxarpv3j8yvs7d0hh5","sender":"cosmos1w3jhxarpv3j8yvg4ufs4x","source_channel":"testchannel","source_port":"testportid","timeout_height":{},"timeout_timestamp":"1700000000000000000","token":{"amount":"100","denom":"atom"}}}"#;
    assert_eq!(sdk_doc(any, 0), sdk_expected(msg, None));
    // No timeout height at all on the wire: the SDK cannot render it either.
    let err = AminoSignDoc::new(&tx_of(vec![transfer(None, 1, "")], "", vec![], 1, 0));
    assert_eq!(
        err.unwrap_err(),
        AminoError::NilMessageField("timeout_height".into())
    );
}

#[test]
#[allow(deprecated)] // `delegator_address`, which the SDK still signs when set
fn msg_create_validator_renders_its_pubkey_and_decimals_as_legacy_amino() {
    // The values of the tx in cosmos/cosmos-sdk#8117, whose legacy amino JSON this is (sorted).
    let key = base64::engine::general_purpose::STANDARD
        .decode("CYrOiM3HtS7uv1B1OAkknZnFYSRpQYSYII8AtMMtev0=")
        .unwrap();
    let any = packed(MsgCreateValidator {
        description: Some(Description {
            moniker: "fulltest".into(),
            identity: "satoshi".into(),
            website: "example.com".into(),
            security_contact: String::new(),
            details: "example inc".into(),
        }),
        // Decimals travel as their 18-decimal atomics.
        commission: Some(CommissionRates {
            rate: "500000000000000000".into(),
            max_rate: "1000000000000000000".into(),
            max_change_rate: "200000000000000000".into(),
        }),
        min_self_delegation: "1000000".into(),
        delegator_address: "cosmos14pt0q5cwf38zt08uu0n6yrstf3rndzr5057jys".into(),
        validator_address: "cosmosvaloper14pt0q5cwf38zt08uu0n6yrstf3rndzr52q28gr".into(),
        pubkey: Some(packed(Ed25519PubKey { key })),
        value: Some(coin("700000000", "umuon")),
    });
    let msg = r#"{"type":"cosmos-sdk/MsgCreateValidator","value":{"commission":{"max_change_rate":"0.200000000000000000","max_rate":"1.000000000000000000","rate":"0.500000000000000000"},"delegator_address":"cosmos14pt0q5cwf38zt08uu0n6yrstf3rndzr5057jys","description":{"details":"example inc","identity":"satoshi","moniker":"fulltest","website":"example.com"},"min_self_delegation":"1000000","pubkey":{"type":"tendermint/PubKeyEd25519","value":"CYrOiM3HtS7uv1B1OAkknZnFYSRpQYSYII8AtMMtev0="},"validator_address":"cosmosvaloper14pt0q5cwf38zt08uu0n6yrstf3rndzr52q28gr","value":{"amount":"700000000","denom":"umuon"}}}"#;
    assert_eq!(sdk_doc(any, 0), sdk_expected(msg, None));
}

#[test]
fn a_multi_message_doc_lists_the_messages_in_order() {
    let tx = tx_of(
        vec![
            send("cosmos1a", "cosmos1b", vec![coin("1", "atom")]),
            packed(MsgDelegate {
                delegator_address: "cosmos1a".into(),
                validator_address: "cosmosvaloper1v".into(),
                amount: Some(coin("2", "atom")),
            }),
        ],
        "",
        vec![coin("5000", "urmesh"), coin("7", "uzzz")],
        200_000,
        0,
    );
    assert_eq!(
        doc_text(&tx, 0, "rmesh-1", 0),
        r#"{"account_number":"0","chain_id":"rmesh-1","fee":{"amount":[{"amount":"5000","denom":"urmesh"},{"amount":"7","denom":"uzzz"}],"gas":"200000"},"memo":"","msgs":[{"type":"cosmos-sdk/MsgSend","value":{"amount":[{"amount":"1","denom":"atom"}],"from_address":"cosmos1a","to_address":"cosmos1b"}},{"type":"cosmos-sdk/MsgDelegate","value":{"amount":{"amount":"2","denom":"atom"},"delegator_address":"cosmos1a","validator_address":"cosmosvaloper1v"}}],"sequence":"0"}"#
    );
}

#[test]
fn fee_payer_and_granter_appear_only_when_set() {
    let mut tx = tx_of(vec![send("a", "b", vec![])], "", vec![], 1, 0);
    if let Some(fee) = tx.auth_info.fee.as_mut() {
        fee.payer = "cosmos1payer".into();
        fee.granter = "cosmos1granter".into();
    }
    assert!(doc_text(&tx, 0, "c", 0).contains(
        r#""fee":{"amount":[],"gas":"1","granter":"cosmos1granter","payer":"cosmos1payer"},"#
    ));
}

#[test]
fn an_rmesh_message_renders_under_its_rmesh_name() {
    let any = packed(rmesh_proto::vault::v1::MsgBond {
        owner: "rmesh1owner".into(),
        amount: "1000".into(),
    });
    let msg = r#"{"type":"rmesh/vault/MsgBond","value":{"amount":"1000","owner":"rmesh1owner"}}"#;
    assert_eq!(sdk_doc(any, 0), sdk_expected(msg, None));
}

#[test]
fn a_relayer_message_has_no_amino_name_and_is_refused() {
    let any = packed(MsgUpdateClient::default());
    let err = AminoSignDoc::new(&tx_of(vec![any], "", vec![], 1, 0)).unwrap_err();
    assert!(matches!(err, AminoError::NoAminoName { .. }));
    let sdk = err.into_sdk_error(7, "rmesh-1");
    assert_eq!(rmesh_core::AbciCode::code(&sdk), 4);
    assert!(
        sdk.to_string().contains(
            "/ibc.core.client.v1.MsgUpdateClient has no amino name and cannot be signed with SIGN_MODE_LEGACY_AMINO_JSON; IBC core (relayer) messages are signed with SIGN_MODE_DIRECT only"
        ),
        "{sdk}"
    );
}

#[test]
fn strings_are_escaped_as_go_escapes_them() {
    let mut out = String::new();
    json_string(&mut out, "a\"b\\c\n\t\u{8}\u{c}\u{1}<>&\u{2028}é\u{7f}");
    let expected = r#""a\"b\\c\n\t\b\f\u0001\u003c\u003e\u0026\u2028é"#;
    assert_eq!(out, format!("{expected}\u{7f}\""));
}

#[test]
fn legacy_decimals_times_and_durations_render_as_the_sdk_renders_them() {
    assert_eq!(
        legacy_dec_text("100000000000000000").unwrap(),
        "0.100000000000000000"
    );
    assert_eq!(legacy_dec_text("0").unwrap(), "0.000000000000000000");
    assert_eq!(legacy_dec_text("-5").unwrap(), "-0.000000000000000005");
    assert_eq!(
        legacy_dec_text("12000000000000000000").unwrap(),
        "12.000000000000000000"
    );
    assert!(legacy_dec_text("0.1").is_err());
    assert!(legacy_dec_text("0x10").is_err());
    assert!(legacy_dec_text(&format!("1{DEC_MAX}")).is_err());
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(-1), (1969, 12, 31));
    assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    assert_eq!(civil_from_days(-719_162), (1, 1, 1));
    assert_eq!(to_camel("sum"), "Sum");
    assert_eq!(to_camel("my_oneof"), "MyOneof");
}

#[test]
fn timestamps_and_durations_render_as_the_sdk_renders_them() {
    let pool = crate::descriptors::pool();
    let render = |name: &str, seconds: i64, nanos: i32| {
        let descriptor = pool.get_message_by_name(name).unwrap();
        let bytes = prost_types::Timestamp { seconds, nanos }.encode_to_vec();
        let message = decode(&descriptor, &bytes).unwrap();
        let mut out = String::new();
        if name == TIMESTAMP {
            timestamp(&mut out, &message).map(|_| out)
        } else {
            duration(&mut out, &message).map(|_| out)
        }
    };
    // x/authz/msgs_test.go's expiration, and time.go's formats.
    assert_eq!(
        render(TIMESTAMP, -62_135_589_539, 1).unwrap(),
        "\"0001-01-01T02:01:01.000000001Z\""
    );
    assert_eq!(
        render(TIMESTAMP, 1_700_000_000, 0).unwrap(),
        "\"2023-11-14T22:13:20Z\""
    );
    assert_eq!(
        render(TIMESTAMP, 1_700_000_000, 120_000_000).unwrap(),
        "\"2023-11-14T22:13:20.12Z\""
    );
    assert!(render(TIMESTAMP, 0, -1).is_err());
    assert_eq!(render(DURATION, 1, 0).unwrap(), "\"1000000000\"");
    assert_eq!(
        render(DURATION, 1_814_400, 5).unwrap(),
        "\"1814400000000005\""
    );
    assert!(render(DURATION, i64::MAX / 1_000_000_000, 0).is_err());
}

/// The messages a person signs: everything the router accepts but the relayer's IBC core
/// messages.
fn person_signed_type_urls() -> Vec<String> {
    accepted_type_urls()
        .into_iter()
        .filter(|url| !is_relayer_message(url))
        .collect()
}

#[test]
fn every_message_a_person_signs_has_a_short_unique_amino_name() {
    let urls = person_signed_type_urls();
    assert!(urls.len() >= 25, "{urls:?}");
    let mut names = Vec::new();
    for url in &urls {
        let name = amino_name(url.trim_start_matches('/'))
            .unwrap_or_else(|| panic!("{url} has no amino name"));
        // The SDK's legacy codec refuses names of 40 characters or more (Ledger's limit).
        assert!(name.len() < 40, "{name} is too long");
        assert!(!names.contains(&name), "{name} is used twice");
        names.push(name);
    }
    for url in accepted_type_urls()
        .into_iter()
        .filter(|url| is_relayer_message(url))
    {
        assert!(amino_name(url.trim_start_matches('/')).is_none(), "{url}");
    }
}

/// A default instance of `descriptor` with every singular sub-message set (`depth` levels
/// down), as Go clients send gogoproto's non-nullable fields (a `Plan`'s zero `time`).
fn filled(descriptor: &prost_reflect::MessageDescriptor, depth: usize) -> DynamicMessage {
    let mut message = DynamicMessage::new(descriptor.clone());
    if depth == 0 {
        return message;
    }
    for field in descriptor.fields() {
        if let Some(kind) = field.kind().as_message() {
            if !field.is_list() && kind.full_name() != ANY {
                message.set_field(&field, Value::Message(filled(kind, depth - 1)));
            }
        }
    }
    message
}

#[test]
fn a_default_instance_of_every_person_signed_message_renders() {
    // The options every routed message uses are understood (no oneof without names, no maps,
    // no floats); empty required sub-messages are the SDK's own refusal and are filled here.
    for url in person_signed_type_urls() {
        let descriptor = crate::descriptors::pool()
            .get_message_by_name(url.trim_start_matches('/'))
            .unwrap();
        let message = filled(&descriptor, 4);
        let any = Any {
            type_url: url.clone(),
            value: message.encode_to_vec(),
        };
        let tx = tx_of(vec![any], "", vec![], 1, 0);
        let text = doc_text(&tx, 0, "c", 0);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed["msgs"][0]["type"].as_str(),
            amino_name(url.trim_start_matches('/')).as_deref(),
            "{url}: {text}"
        );
    }
}

/// The README's table of amino names, generated from the descriptors.
fn readme_table() -> String {
    let mut table = String::from("| Message | Amino name |\n|---|---|\n");
    for url in person_signed_type_urls() {
        let name = amino_name(url.trim_start_matches('/')).unwrap_or_default();
        table.push_str(&format!("| `{url}` | `{name}` |\n"));
    }
    table
}

const README_BEGIN: &str = "<!-- amino-names: begin -->\n";
const README_END: &str = "<!-- amino-names: end -->";

#[test]
fn the_readme_lists_the_amino_name_of_every_message() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme
        .find(README_BEGIN)
        .expect("README has the amino-names table")
        + README_BEGIN.len();
    let end = readme[start..].find(README_END).expect("the table ends") + start;
    let expected = readme_table();
    assert_eq!(
        &readme[start..end],
        expected,
        "README.md's amino name table is stale; put this between its markers:\n{expected}"
    );
}

/// Signed txs through the node's own tx pipeline, on a chain started from a genesis.
mod pipeline {
    use cnidarium::{StateDelta, Storage};
    use cosmos_sdk_proto::cosmos::tx::v1beta1::SignDoc;
    use cosmrs::crypto::secp256k1::SigningKey;
    use rmesh_auth::GenesisAccount;
    use rmesh_bank::Balance;
    use rmesh_core::{BlockContext, BlockContextWriteExt, Coin};

    use super::*;
    use crate::genesis::AppState;
    use crate::tx::{run_tx, ExecMode, TxOutcome};

    const CHAIN_ID: &str = "amino-1";
    const DENOM: &str = "urmesh";

    pub struct Signer {
        pub key: SigningKey,
        pub address: String,
        pub number: u64,
    }

    impl Signer {
        fn new(number: u64) -> Self {
            let key = SigningKey::random();
            let address = key.public_key().account_id("rmesh").unwrap().to_string();
            Signer {
                key,
                address,
                number,
            }
        }

        fn info(&self, mode: SignMode, sequence: u64) -> SignerInfo {
            let public_key = self.key.public_key().to_any().unwrap();
            SignerInfo {
                public_key: Some(Any {
                    type_url: public_key.type_url,
                    value: public_key.value,
                }),
                mode_info: Some(ModeInfo {
                    sum: Some(mode_info::Sum::Single(mode_info::Single {
                        mode: mode as i32,
                    })),
                }),
                sequence,
            }
        }
    }

    /// A tx whose signers sign in the given modes at the given sequences; `amino_sequence`
    /// overrides the sequence in the amino doc (a signature for another sequence).
    fn signed(
        messages: Vec<Any>,
        signers: &[(&Signer, SignMode, u64)],
        amino_sequence: Option<u64>,
    ) -> Vec<u8> {
        let body = TxBody {
            messages,
            memo: "amino".into(),
            ..Default::default()
        };
        let auth_info = AuthInfo {
            signer_infos: signers
                .iter()
                .map(|(signer, mode, sequence)| signer.info(*mode, *sequence))
                .collect(),
            fee: Some(Fee {
                amount: vec![coin("1000", DENOM)],
                gas_limit: 300_000,
                ..Default::default()
            }),
            ..Default::default()
        };
        let (body_bytes, auth_info_bytes) = (body.encode_to_vec(), auth_info.encode_to_vec());
        let unsigned = TxRaw {
            body_bytes: body_bytes.clone(),
            auth_info_bytes: auth_info_bytes.clone(),
            signatures: vec![vec![0; 64]; signers.len()],
        };
        let decoded = decode_tx(&unsigned.encode_to_vec()).unwrap();
        let signatures = signers
            .iter()
            .map(|(signer, mode, sequence)| {
                let bytes = if *mode == SignMode::LegacyAminoJson {
                    match AminoSignDoc::new(&decoded) {
                        Ok(doc) => doc.sign_bytes(
                            signer.number,
                            CHAIN_ID,
                            amino_sequence.unwrap_or(*sequence),
                        ),
                        // What a client could sign for a message the node cannot render.
                        Err(_) => b"unrenderable".to_vec(),
                    }
                } else {
                    SignDoc {
                        body_bytes: body_bytes.clone(),
                        auth_info_bytes: auth_info_bytes.clone(),
                        chain_id: CHAIN_ID.into(),
                        account_number: signer.number,
                    }
                    .encode_to_vec()
                };
                signer.key.sign(&bytes).unwrap().to_bytes().to_vec()
            })
            .collect();
        TxRaw {
            body_bytes,
            auth_info_bytes,
            signatures,
        }
        .encode_to_vec()
    }

    struct Chain {
        _home: tempfile::TempDir,
        storage: Storage,
        signers: Vec<Signer>,
    }

    impl Chain {
        async fn start(accounts: u64) -> Chain {
            let home = tempfile::tempdir().unwrap();
            let storage = crate::node::open_storage(home.path()).await.unwrap();
            let signers: Vec<Signer> = (0..accounts).map(Signer::new).collect();
            let mut genesis = AppState::default();
            for signer in &signers {
                genesis
                    .auth
                    .accounts
                    .push(GenesisAccount::new(signer.address.clone(), signer.number));
                genesis.bank.balances.push(Balance {
                    address: signer.address.clone(),
                    coins: vec![Coin::new(1_000_000, DENOM)],
                });
            }
            let mut state = StateDelta::new(storage.latest_snapshot());
            state.put_block_context(context());
            crate::genesis::init_chain(&mut state, genesis)
                .await
                .unwrap();
            storage.commit(state).await.unwrap();
            Chain {
                _home: home,
                storage,
                signers,
            }
        }

        /// Runs the txs in one block, in order, and commits it.
        async fn deliver(&self, txs: &[Vec<u8>]) -> Vec<TxOutcome> {
            let mut state = StateDelta::new(self.storage.latest_snapshot());
            state.put_block_context(context());
            let mut outcomes = Vec::new();
            for tx in txs {
                outcomes.push(run_tx(&mut state, tx, &ExecMode::Deliver).await);
            }
            self.storage.commit(state).await.unwrap();
            outcomes
        }

        async fn simulate(&self, tx: &[u8]) -> TxOutcome {
            let mut state = StateDelta::new(self.storage.latest_snapshot());
            state.put_block_context(context());
            run_tx(&mut state, tx, &ExecMode::Simulate).await
        }
    }

    fn context() -> BlockContext {
        BlockContext {
            chain_id: CHAIN_ID.into(),
            height: 1,
            time_seconds: 1_700_000_000,
            time_nanos: 0,
        }
    }

    fn pay(from: &Signer, to: &Signer, amount: u64) -> Any {
        send(
            &from.address,
            &to.address,
            vec![coin(&amount.to_string(), DENOM)],
        )
    }

    #[tokio::test]
    async fn amino_and_direct_signers_are_accepted_alone_side_by_side_and_together() {
        let chain = Chain::start(3).await;
        let [alice, bob, carol] = &chain.signers[..] else {
            unreachable!()
        };
        let outcomes = chain
            .deliver(&[
                // amino, then direct from the same account
                signed(
                    vec![pay(alice, carol, 10)],
                    &[(alice, SignMode::LegacyAminoJson, 0)],
                    None,
                ),
                signed(
                    vec![pay(alice, carol, 20)],
                    &[(alice, SignMode::Direct, 1)],
                    None,
                ),
                // a multi-message amino tx
                signed(
                    vec![pay(bob, carol, 1), pay(bob, alice, 2), pay(bob, carol, 3)],
                    &[(bob, SignMode::LegacyAminoJson, 0)],
                    None,
                ),
                // two signers in one tx, one amino and one direct
                signed(
                    vec![pay(alice, carol, 5), pay(bob, carol, 6)],
                    &[
                        (alice, SignMode::LegacyAminoJson, 2),
                        (bob, SignMode::Direct, 1),
                    ],
                    None,
                ),
            ])
            .await;
        for outcome in &outcomes {
            assert_eq!(outcome.code, 0, "{}", outcome.log);
        }
    }

    #[tokio::test]
    async fn bad_amino_signatures_wrong_sequences_and_unnamed_messages_are_refused() {
        let chain = Chain::start(2).await;
        let [alice, bob] = &chain.signers[..] else {
            unreachable!()
        };
        // A signature over the doc of another sequence does not verify.
        let forged = signed(
            vec![pay(alice, bob, 1)],
            &[(alice, SignMode::LegacyAminoJson, 0)],
            Some(5),
        );
        // A direct signature presented as an amino one does not verify either.
        let mut direct_as_amino: TxRaw = TxRaw::decode(
            signed(
                vec![pay(alice, bob, 1)],
                &[(alice, SignMode::Direct, 0)],
                None,
            )
            .as_slice(),
        )
        .unwrap();
        let mut info = AuthInfo::decode(direct_as_amino.auth_info_bytes.as_slice()).unwrap();
        info.signer_infos[0] = alice.info(SignMode::LegacyAminoJson, 0);
        direct_as_amino.auth_info_bytes = info.encode_to_vec();
        // The right signature at the wrong sequence.
        let early = signed(
            vec![pay(alice, bob, 1)],
            &[(alice, SignMode::LegacyAminoJson, 3)],
            None,
        );
        // A message without an amino name (a relayer's), signed amino.
        let unnamed = Any {
            type_url: MsgUpdateClient::type_url(),
            value: MsgUpdateClient {
                client_id: "07-tendermint-0".into(),
                client_message: None,
                signer: alice.address.clone(),
            }
            .encode_to_vec(),
        };
        let relayed = signed(
            vec![unnamed],
            &[(alice, SignMode::LegacyAminoJson, 0)],
            Some(0),
        );
        let outcomes = chain
            .deliver(&[forged, direct_as_amino.encode_to_vec(), early])
            .await;
        for outcome in &outcomes[..2] {
            assert_eq!(outcome.code, 4, "{}", outcome.log);
            assert!(
                outcome.log.starts_with("signature verification failed"),
                "{}",
                outcome.log
            );
        }
        assert_eq!(outcomes[2].code, 32, "{}", outcomes[2].log);
        assert_eq!(
            outcomes[2].log,
            "account sequence mismatch, expected 0, got 3: incorrect account sequence"
        );
        let outcome = &chain.deliver(&[relayed]).await[0];
        assert_eq!(outcome.code, 4, "{}", outcome.log);
        assert!(outcome.log.contains("has no amino name"), "{}", outcome.log);
        assert!(
            outcome.log.contains("SIGN_MODE_DIRECT only"),
            "{}",
            outcome.log
        );
        // Simulation still takes unsigned (here: amino) txs without checking signatures.
        let simulated = chain
            .simulate(&signed(
                vec![pay(alice, bob, 1)],
                &[(alice, SignMode::LegacyAminoJson, 0)],
                Some(9),
            ))
            .await;
        assert_eq!(simulated.code, 0, "{}", simulated.log);
    }
}
