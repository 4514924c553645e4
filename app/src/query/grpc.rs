//! The tonic gRPC server on `grpc_address`, with the same services as `abci_query`.

use cosmos_sdk_proto::cosmos::auth::v1beta1::query_server::QueryServer as AuthServer;
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_server::QueryServer as BankServer;
use cosmos_sdk_proto::cosmos::base::node::v1beta1::service_server::ServiceServer as NodeServer;
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::service_server::ServiceServer as TendermintServer;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::query_server::QueryServer as DistributionServer;
use cosmos_sdk_proto::cosmos::gov::v1::query_server::QueryServer as GovServer;
use cosmos_sdk_proto::cosmos::params::v1beta1::query_server::QueryServer as ParamsServer;
use cosmos_sdk_proto::cosmos::slashing::v1beta1::query_server::QueryServer as SlashingServer;
use cosmos_sdk_proto::cosmos::staking::v1beta1::query_server::QueryServer as StakingServer;
use cosmos_sdk_proto::cosmos::tx::v1beta1::service_server::ServiceServer as TxServer;
use cosmos_sdk_proto::cosmos::upgrade::v1beta1::query_server::QueryServer as UpgradeServer;
use ibc_proto::ibc::applications::transfer::v1::query_server::QueryServer as TransferServer;
use ibc_proto::ibc::core::channel::v1::query_server::QueryServer as ChannelServer;
use ibc_proto::ibc::core::client::v1::query_server::QueryServer as ClientServer;
use ibc_proto::ibc::core::connection::v1::query_server::QueryServer as ConnectionServer;
use rmesh_proto::consensus::v1::query_server::QueryServer as ConsensusServer;
use rmesh_proto::converter::v1::query_server::QueryServer as ConverterServer;
use rmesh_proto::externalstaking::v1::query_server::QueryServer as ExternalStakingServer;
use rmesh_proto::vault::v1::query_server::QueryServer as VaultServer;
use rmesh_proto::virtualstaking::v1::query_server::QueryServer as VirtualStakingServer;
use tonic::server::NamedService;
use tonic::transport::Server;
use tonic_reflection::pb::v1::server_reflection_server::SERVICE_NAME as REFLECTION_SERVICE;

use rmesh_core::query::requested_height;

use super::QueryRouter;
use crate::error::CliError;
use crate::node::state::committed_height;

/// The gRPC servers over `services`, each with the `Services` field behind it: one list that both
/// the reflection names and the served set come from.
macro_rules! grpc_servers {
    ($callback:ident!($($args:tt)*)) => {
        $callback!($($args)* [
            AuthServer(auth),
            BankServer(bank),
            StakingServer(staking),
            SlashingServer(slashing),
            DistributionServer(distribution),
            GovServer(gov),
            UpgradeServer(upgrade),
            TxServer(tx),
            TendermintServer(node),
            NodeServer(node),
            ConsensusServer(consensus),
            ParamsServer(consensus),
            VirtualStakingServer(virtual_staking),
            ConverterServer(converter),
            ExternalStakingServer(external_staking),
            VaultServer(vault),
            ClientServer(ibc),
            ConnectionServer(ibc),
            ChannelServer(ibc),
            TransferServer(ibc),
        ])
    };
}

/// Every served gRPC service's name, without building a server.
macro_rules! names_of {
    ($services:ident [$($server:ident($field:ident)),* $(,)?]) => {
        vec![$(name_of(&$server::from_arc($services.$field.clone()))),*]
    };
}

macro_rules! serve_all {
    ($builder:ident, $services:ident [$($server:ident($field:ident)),* $(,)?]) => {
        $builder$(.add_service($server::from_arc($services.$field.clone())))*
    };
}

/// The name of every gRPC service `serve` serves (reflection aside).
pub fn served_names(services: &super::Services) -> Vec<&'static str> {
    grpc_servers!(names_of!(services))
}

pub async fn serve(router: QueryRouter, address: &str) -> Result<(), CliError> {
    let address = address
        .parse()
        .map_err(|e| CliError::Input(format!("invalid gRPC address {address}: {e}")))?;
    let services = router.services.clone();
    // Reflection advertises exactly these: the descriptor sets also hold services nobody serves
    // here (the ABCI service among the imports).
    let reflection = served_names(&services)
        .into_iter()
        .chain([REFLECTION_SERVICE])
        .fold(
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(rmesh_proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(rmesh_proto::COSMOS_DESCRIPTOR_SET),
            |builder, name| builder.with_service_name(name),
        )
        .build_v1()
        .map_err(|e| CliError::Other(format!("gRPC reflection: {e}")))?;
    let storage = router.storage.clone();
    let height_check = tonic::service::interceptor(move |request: tonic::Request<()>| {
        requested_height(request.metadata(), committed_height(&storage))?;
        Ok(request)
    });
    let builder = Server::builder()
        .layer(height_check)
        .add_service(reflection);
    grpc_servers!(serve_all!(builder, services))
        .serve(address)
        .await
        .map_err(|e| CliError::Other(format!("gRPC server on {address} stopped: {e}")))
}

fn name_of<S: NamedService>(_: &S) -> &'static str {
    S::NAME
}
