//! The node's gRPC server as a tool like grpcurl sees it: reflection names every service the node
//! serves (Cosmos SDK, IBC and rmesh's own) and describes their messages, and a described method
//! answers.

use std::collections::BTreeSet;

use anyhow::{anyhow, Context, Result};
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_client::QueryClient as BankClient;
use cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest;
use prost::Message;
use rmesh_e2e::{TestNet, DENOM, GENESIS_COINS, WAIT};
use tonic::transport::Channel;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::ServerReflectionRequest;

const SERVED: [&str; 17] = [
    "cosmos.auth.v1beta1.Query",
    "cosmos.bank.v1beta1.Query",
    "cosmos.base.node.v1beta1.Service",
    "cosmos.base.tendermint.v1beta1.Service",
    "cosmos.distribution.v1beta1.Query",
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

/// One reflection request on a fresh stream; returns its single answer.
async fn reflect(channel: &Channel, request: MessageRequest) -> Result<MessageResponse> {
    let mut client = ServerReflectionClient::new(channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    };
    let mut answers = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await?
        .into_inner();
    answers
        .message()
        .await?
        .and_then(|answer| answer.message_response)
        .ok_or_else(|| anyhow!("reflection gave no answer"))
}

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
