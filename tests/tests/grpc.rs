//! The node's gRPC server as a tool like grpcurl sees it: reflection names every service the node
//! serves (Cosmos SDK, IBC and rmesh's own) and describes their messages, and a described method
//! answers.

use std::collections::BTreeSet;

use anyhow::{anyhow, Context, Result};
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_client::QueryClient as BankClient;
use cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest;
use prost::Message;
use rmesh_e2e::walk::{
    field_at, needs_a_counterparty, reflect, single_chain_fixture, Input, Inputs, SingleChain, Walk,
};
use rmesh_e2e::{TestNet, DENOM, GENESIS_COINS, WAIT};
use tonic::transport::Channel;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

const SERVED: [&str; 21] = [
    "cosmos.auth.v1beta1.Query",
    "cosmos.bank.v1beta1.Query",
    "cosmos.base.node.v1beta1.Service",
    "cosmos.base.tendermint.v1beta1.Service",
    "cosmos.consensus.v1.Query",
    "cosmos.distribution.v1beta1.Query",
    "cosmos.gov.v1.Query",
    "cosmos.params.v1beta1.Query",
    "cosmos.slashing.v1beta1.Query",
    "cosmos.staking.v1beta1.Query",
    "cosmos.tx.v1beta1.Service",
    "cosmos.upgrade.v1beta1.Query",
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

#[test]
fn every_method_reflection_lists_answers_a_valid_request_with_the_sdks_shape() -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let SingleChain { inputs, height } = single_chain_fixture(&net)?;
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
