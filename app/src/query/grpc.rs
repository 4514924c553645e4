//! The tonic gRPC server on `grpc_address`, with the same services as `abci_query`.

use cosmos_sdk_proto::cosmos::auth::v1beta1::query_server::QueryServer as AuthServer;
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_server::QueryServer as BankServer;
use cosmos_sdk_proto::cosmos::base::node::v1beta1::service_server::ServiceServer as NodeServer;
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::service_server::ServiceServer as TendermintServer;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::query_server::QueryServer as DistributionServer;
use cosmos_sdk_proto::cosmos::slashing::v1beta1::query_server::QueryServer as SlashingServer;
use cosmos_sdk_proto::cosmos::staking::v1beta1::query_server::QueryServer as StakingServer;
use cosmos_sdk_proto::cosmos::tx::v1beta1::service_server::ServiceServer as TxServer;
use ibc_proto::ibc::applications::transfer::v1::query_server::QueryServer as TransferServer;
use ibc_proto::ibc::core::channel::v1::query_server::QueryServer as ChannelServer;
use ibc_proto::ibc::core::client::v1::query_server::QueryServer as ClientServer;
use ibc_proto::ibc::core::connection::v1::query_server::QueryServer as ConnectionServer;
use rmesh_proto::converter::v1::query_server::QueryServer as ConverterServer;
use rmesh_proto::externalstaking::v1::query_server::QueryServer as ExternalStakingServer;
use rmesh_proto::vault::v1::query_server::QueryServer as VaultServer;
use rmesh_proto::virtualstaking::v1::query_server::QueryServer as VirtualStakingServer;
use tonic::transport::Server;

use super::QueryRouter;
use crate::error::CliError;

pub async fn serve(router: QueryRouter, address: &str) -> Result<(), CliError> {
    let address = address
        .parse()
        .map_err(|e| CliError::Input(format!("invalid gRPC address {address}: {e}")))?;
    let services = router.services;
    // Reflection describes rmesh's own services (the SDK's descriptors are not shipped by the
    // pinned proto crates).
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(rmesh_proto::FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(|e| CliError::Other(format!("gRPC reflection: {e}")))?;
    Server::builder()
        .add_service(reflection)
        .add_service(AuthServer::from_arc(services.auth))
        .add_service(BankServer::from_arc(services.bank))
        .add_service(StakingServer::from_arc(services.staking))
        .add_service(SlashingServer::from_arc(services.slashing))
        .add_service(DistributionServer::from_arc(services.distribution))
        .add_service(TxServer::from_arc(services.tx))
        .add_service(TendermintServer::from_arc(services.node.clone()))
        .add_service(NodeServer::from_arc(services.node))
        .add_service(VirtualStakingServer::from_arc(services.virtual_staking))
        .add_service(ConverterServer::from_arc(services.converter))
        .add_service(ExternalStakingServer::from_arc(services.external_staking))
        .add_service(VaultServer::from_arc(services.vault))
        .add_service(ClientServer::from_arc(services.ibc.clone()))
        .add_service(ConnectionServer::from_arc(services.ibc.clone()))
        .add_service(ChannelServer::from_arc(services.ibc.clone()))
        .add_service(TransferServer::from_arc(services.ibc))
        .serve(address)
        .await
        .map_err(|e| CliError::Other(format!("gRPC server on {address} stopped: {e}")))
}
