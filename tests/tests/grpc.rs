//! The node's gRPC server as a tool like grpcurl sees it: reflection names every service the node
//! serves (Cosmos SDK, IBC and rmesh's own) and describes their messages, and a described method
//! answers.

use std::collections::BTreeSet;

use anyhow::{anyhow, Context, Result};
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_client::QueryClient as BankClient;
use cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest;
use prost::Message;
use rmesh_e2e::client::{msg_send, TxParams, Wallet};
use rmesh_e2e::walk::{field_at, reflect, Input, Inputs, Walk};
use rmesh_e2e::{TestNet, DENOM, GENESIS_COINS, WAIT};
use rmesh_e2e::{ALICE, PREFIX};
use tonic::transport::Channel;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

const SERVED: [&str; 19] = [
    "cosmos.auth.v1beta1.Query",
    "cosmos.bank.v1beta1.Query",
    "cosmos.base.node.v1beta1.Service",
    "cosmos.base.tendermint.v1beta1.Service",
    "cosmos.consensus.v1.Query",
    "cosmos.distribution.v1beta1.Query",
    "cosmos.params.v1beta1.Query",
    "cosmos.slashing.v1beta1.Query",
    "cosmos.staking.v1beta1.Query",
    "cosmos.tx.v1beta1.Service",
    "grpc.reflection.v1.ServerReflection",
    "ibc.applications.transfer.v1.Query",
    "ibc.core.channel.v1.Query",
    "ibc.core.client.v1.Query",
    "ibc.core.connection.v1.Query",
    "rmesh.converter.v1.Query",
    "rmesh.externalstaking.v1.Query",
    "rmesh.vault.v1.Query",
    "rmesh.virtualstaking.v1.Query",
];

#[test]
fn grpc_reflection_lists_and_describes_every_sdk_ibc_and_rmesh_service_the_node_serves(
) -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let endpoint = format!("http://{}", net.nodes[0].grpc_addr());
    let alice = net.address("alice");
    tokio::runtime::Runtime::new()?.block_on(async {
        let channel = Channel::from_shared(endpoint)?.connect().await?;

        let MessageResponse::ListServicesResponse(list) =
            reflect(&channel, MessageRequest::ListServices(String::new())).await?
        else {
            return Err(anyhow!("ListServices answered something else"));
        };
        let listed: BTreeSet<&str> = list.service.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(listed, BTreeSet::from(SERVED));

        // Each service's file comes with what a client needs to build its requests.
        for service in SERVED {
            let MessageResponse::FileDescriptorResponse(files) = reflect(
                &channel,
                MessageRequest::FileContainingSymbol(service.to_string()),
            )
            .await?
            else {
                return Err(anyhow!("{service} is not described"));
            };
            let file = prost_types::FileDescriptorProto::decode(
                files
                    .file_descriptor_proto
                    .first()
                    .context("an empty descriptor answer")?
                    .as_slice(),
            )?;
            let name = service.rsplit('.').next().unwrap_or_default();
            let declared = file.service.iter().any(|s| s.name() == name);
            assert!(declared, "{} does not declare {service}", file.name());
        }
        let MessageResponse::FileDescriptorResponse(balance) = reflect(
            &channel,
            MessageRequest::FileContainingSymbol("cosmos.bank.v1beta1.QueryBalanceRequest".into()),
        )
        .await?
        else {
            return Err(anyhow!("QueryBalanceRequest is not described"));
        };
        let file =
            prost_types::FileDescriptorProto::decode(balance.file_descriptor_proto[0].as_slice())?;
        assert_eq!(file.name(), "cosmos/bank/v1beta1/query.proto");

        // The described method answers.
        let answer = BankClient::new(channel)
            .balance(QueryBalanceRequest {
                address: alice.clone(),
                denom: DENOM.into(),
            })
            .await?
            .into_inner();
        let coin = answer.balance.context("no balance")?;
        assert_eq!(coin.amount, GENESIS_COINS.to_string());
        Ok(())
    })
}

/// The services whose lookups need a counterparty chain: walked by the IBC and mesh tests, on
/// chains that have clients, channels, providers and consumers.
fn needs_a_counterparty(service: &str) -> bool {
    service.starts_with("ibc.")
        || service == "rmesh.converter.v1.Query"
        || service == "rmesh.externalstaking.v1.Query"
}

#[test]
fn every_method_reflection_lists_answers_a_valid_request_with_the_sdks_shape() -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let bob = net.address("bob");
    let valoper = net.valoper("validator0")?;
    // Bob delegates and unbonds part of it, so each staking and distribution lookup has an
    // answer; his txs give the tx lookups a hash and a block with txs.
    net.cli_tx(
        0,
        &[
            "staking",
            "delegate",
            &valoper,
            "50000000urmesh",
            "--from",
            "bob",
        ],
    )?;
    let unbond = net.cli_tx(
        0,
        &[
            "staking",
            "unbond",
            &valoper,
            "10000000urmesh",
            "--from",
            "bob",
        ],
    )?;
    let hash = unbond["txhash"].as_str().context("no txhash")?.to_string();
    let height = net.wait_for_tx(0, &hash, WAIT)?["height"]
        .as_str()
        .context("no tx height")?
        .to_string();
    net.wait_blocks(0, 1)?;
    let latest = net.height(0)?;
    // A fresh tx from alice to simulate, broadcast, decode and encode.
    let alice = Wallet::from_mnemonic(ALICE)?;
    let (number, sequence) = net.account(0, alice.address.as_ref())?;
    let bob_id: cosmrs::AccountId = rmesh_e2e::client::ey(bob.parse())?;
    let tx_bytes = alice.sign(
        vec![msg_send(&alice.address, &bob_id, 1)?],
        &TxParams::new(&net.chain_id, number, sequence),
    )?;
    let raw = cosmrs::proto::cosmos::tx::v1beta1::TxRaw::decode(tx_bytes.as_slice())?;
    let tx = cosmos_sdk_proto::cosmos::tx::v1beta1::Tx {
        body: Some(Message::decode(raw.body_bytes.as_slice())?),
        auth_info: Some(Message::decode(raw.auth_info_bytes.as_slice())?),
        signatures: raw.signatures.clone(),
    };
    let valcons = rmesh_e2e::client::ey(cosmrs::AccountId::new(
        &format!("{PREFIX}valcons"),
        &hex::decode(net.validator_address(0)?)?,
    ))?
    .to_string();

    let inputs = Inputs::default()
        .field("address", Input::text(&bob))
        .field("delegator_addr", Input::text(&bob))
        .field("delegator_address", Input::text(&bob))
        .field("owner", Input::text(&bob))
        .field("validator_addr", Input::text(&valoper))
        .field("validator_address", Input::text(&valoper))
        .field("validator", Input::text(&valoper))
        .field("denom", Input::text(DENOM))
        .field("denoms", Input::Texts(vec![DENOM.into()]))
        .field("address_string", Input::text(&bob))
        .field("address_bytes", Input::Bytes(bob_id.to_bytes()))
        .field("account_id", Input::text(0))
        .field("name", Input::text("bonded_tokens_pool"))
        .field("cons_address", Input::text(&valcons))
        .field("height", Input::text(&height))
        .field("hash", Input::text(&hash))
        .field("tx_bytes", Input::Bytes(tx_bytes.clone()))
        .field("tx", Input::Message(tx.encode_to_vec()))
        .field("mode", Input::text("BROADCAST_MODE_SYNC"))
        .field("query", Input::text(format!("tx.height={height}")))
        .field("status", Input::text("BOND_STATUS_BONDED"))
        .field("starting_height", Input::text(1))
        .field("ending_height", Input::text(latest))
        .field("subspace", Input::text("baseapp"))
        .method(
            "cosmos.params.v1beta1.Query.Params",
            "key",
            Input::text("BlockParams"),
        )
        .method(
            "cosmos.base.tendermint.v1beta1.Service.ABCIQuery",
            "path",
            Input::text("/cosmos.bank.v1beta1.Query/Params"),
        )
        // Without a source or destination: Bob's redelegations (none yet).
        .method(
            "cosmos.staking.v1beta1.Query.Redelegations",
            "src_validator_addr",
            Input::Unset,
        );
    tokio::runtime::Runtime::new()?.block_on(async {
        let walk = Walk::connect(&net.nodes[0].grpc_addr()).await?;
        let walked = walk
            .walk(|service| !needs_a_counterparty(service), &inputs, &[])
            .await?;
        let expected = walk
            .methods(|service| !needs_a_counterparty(service))?
            .len();
        assert_eq!(walked.len(), expected);
        assert!(walked.len() >= 75, "only {} methods walked", walked.len());

        // The answers carry what the chain has, not just the right shape.
        let block = walk
            .answer(
                "cosmos.tx.v1beta1.Service.GetBlockWithTxs",
                &Inputs::default().field("height", Input::text(&height)),
            )
            .await?;
        let txs = block.get_field_by_name("txs").context("no txs")?;
        assert!(
            !txs.as_list().unwrap_or_default().is_empty(),
            "the unbond's block has it"
        );
        let found = walk
            .answer(
                "cosmos.tx.v1beta1.Service.GetTxsEvent",
                &Inputs::default().field("query", Input::text(format!("tx.height={height}"))),
            )
            .await?;
        let total = found.get_field_by_name("total").context("no total")?;
        assert!(total.as_u64().unwrap_or_default() >= 1, "{found:?}");
        let params = walk
            .answer("cosmos.consensus.v1.Query.Params", &Inputs::default())
            .await?;
        let max_gas = field_at(&params, &["params", "block", "max_gas"]).and_then(|g| g.as_i64());
        let comet_params = net.rpc(0, "consensus_params", serde_json::json!({}))?;
        let comet_max_gas = comet_params["consensus_params"]["block"]["max_gas"]
            .as_str()
            .context("CometBFT names no max_gas")?
            .parse::<i64>()?;
        assert_eq!(max_gas, Some(comet_max_gas));
        let history = walk
            .answer(
                "cosmos.staking.v1beta1.Query.HistoricalInfo",
                &Inputs::default().field("height", Input::text(&height)),
            )
            .await?;
        let valset = field_at(&history, &["hist", "valset"]).context("no valset")?;
        assert_eq!(
            valset.as_list().map(<[_]>::len),
            Some(1),
            "one validator signs"
        );
        Ok(())
    })
}
