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
use tonic::server::NamedService;
use tonic::transport::Server;
use tonic_reflection::pb::v1::server_reflection_server::SERVICE_NAME as REFLECTION_SERVICE;

use rmesh_core::query::requested_height;

use super::QueryRouter;
use crate::error::CliError;
use crate::node::state::committed_height;

pub async fn serve(router: QueryRouter, address: &str) -> Result<(), CliError> {
    let address = address
        .parse()
        .map_err(|e| CliError::Input(format!("invalid gRPC address {address}: {e}")))?;
    let services = router.services.clone();
    let auth = AuthServer::from_arc(services.auth);
    let bank = BankServer::from_arc(services.bank);
    let staking = StakingServer::from_arc(services.staking);
    let slashing = SlashingServer::from_arc(services.slashing);
    let distribution = DistributionServer::from_arc(services.distribution);
    let tx = TxServer::from_arc(services.tx);
    let tendermint = TendermintServer::from_arc(services.node.clone());
    let node = NodeServer::from_arc(services.node);
    let virtual_staking = VirtualStakingServer::from_arc(services.virtual_staking);
    let converter = ConverterServer::from_arc(services.converter);
    let external_staking = ExternalStakingServer::from_arc(services.external_staking);
    let vault = VaultServer::from_arc(services.vault);
    let client = ClientServer::from_arc(services.ibc.clone());
    let connection = ConnectionServer::from_arc(services.ibc.clone());
    let channel = ChannelServer::from_arc(services.ibc.clone());
    let transfer = TransferServer::from_arc(services.ibc);
    // Reflection advertises exactly these: the descriptor sets also hold services nobody serves
    // here (the ABCI service among the imports).
    let served = [
        name_of(&auth),
        name_of(&bank),
        name_of(&staking),
        name_of(&slashing),
        name_of(&distribution),
        name_of(&tx),
        name_of(&tendermint),
        name_of(&node),
        name_of(&virtual_staking),
        name_of(&converter),
        name_of(&external_staking),
        name_of(&vault),
        name_of(&client),
        name_of(&connection),
        name_of(&channel),
        name_of(&transfer),
        REFLECTION_SERVICE,
    ];
    let reflection = served
        .into_iter()
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
    Server::builder()
        .layer(height_check)
        .add_service(reflection)
        .add_service(auth)
        .add_service(bank)
        .add_service(staking)
        .add_service(slashing)
        .add_service(distribution)
        .add_service(tx)
        .add_service(tendermint)
        .add_service(node)
        .add_service(virtual_staking)
        .add_service(converter)
        .add_service(external_staking)
        .add_service(vault)
        .add_service(client)
        .add_service(connection)
        .add_service(channel)
        .add_service(transfer)
        .serve(address)
        .await
        .map_err(|e| CliError::Other(format!("gRPC server on {address} stopped: {e}")))
}

fn name_of<S: NamedService>(_: &S) -> &'static str {
    S::NAME
}
