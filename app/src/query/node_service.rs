//! `cosmos.base.tendermint.v1beta1.Service` (node info, syncing) and
//! `cosmos.base.node.v1beta1.Service` (config, status). Relayers check the advertised versions.

use cnidarium::Storage;
use cosmos_sdk_proto::cosmos::base::node::v1beta1::{
    self as node_pb, service_server::Service as NodeApi,
};
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::{
    self as tm_pb, service_server::Service as TendermintApi, Module, VersionInfo,
};
use tendermint_proto::p2p::{DefaultNodeInfo, DefaultNodeInfoOther, ProtocolVersion};
use tendermint_rpc::Client;
use tonic::{Request, Response, Status};

use super::blocks::{requested_block_height, BlockReader, Page};
use super::comet::Comet;
use crate::node::state::committed_height;

/// The SDK-side versions rmesh is wire-compatible with, as relayers read them.
const BUILD_DEPS: &[(&str, &str)] = &[
    ("github.com/cosmos/cosmos-sdk", "v0.50.10"),
    ("github.com/cosmos/ibc-go/v8", "v8.5.1"),
    ("github.com/cometbft/cometbft", "v0.38.25"),
];

pub struct NodeService {
    storage: Storage,
    comet: Comet,
    minimum_gas_prices: String,
}

impl NodeService {
    async fn blocks(&self) -> Result<BlockReader, Status> {
        BlockReader::new(&self.comet, &self.storage).await
    }

    pub fn new(storage: Storage, comet: Comet, minimum_gas_prices: String) -> Self {
        NodeService {
            storage,
            comet,
            minimum_gas_prices,
        }
    }
}

pub fn version_info() -> VersionInfo {
    VersionInfo {
        name: "rmesh".into(),
        app_name: "rmeshd".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: String::new(),
        build_tags: String::new(),
        go_version: String::new(),
        build_deps: BUILD_DEPS
            .iter()
            .map(|(path, version)| Module {
                path: path.to_string(),
                version: version.to_string(),
                sum: String::new(),
            })
            .collect(),
        cosmos_sdk_version: BUILD_DEPS[0].1.into(),
    }
}

fn default_node_info(info: tendermint::node::Info) -> DefaultNodeInfo {
    DefaultNodeInfo {
        protocol_version: Some(ProtocolVersion {
            p2p: info.protocol_version.p2p,
            block: info.protocol_version.block,
            app: info.protocol_version.app,
        }),
        default_node_id: info.id.to_string(),
        listen_addr: info.listen_addr.to_string(),
        network: info.network.to_string(),
        version: info.version.to_string(),
        channels: hex::decode(info.channels.to_string()).unwrap_or_default(),
        moniker: info.moniker.to_string(),
        other: Some(DefaultNodeInfoOther {
            tx_index: match info.other.tx_index {
                tendermint::node::info::TxIndexStatus::On => "on".into(),
                tendermint::node::info::TxIndexStatus::Off => "off".into(),
            },
            rpc_address: info.other.rpc_address,
        }),
    }
}

#[tonic::async_trait]
impl TendermintApi for NodeService {
    async fn get_node_info(
        &self,
        _request: Request<tm_pb::GetNodeInfoRequest>,
    ) -> Result<Response<tm_pb::GetNodeInfoResponse>, Status> {
        let status = self
            .comet
            .client()?
            .status()
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        Ok(Response::new(tm_pb::GetNodeInfoResponse {
            default_node_info: Some(default_node_info(status.node_info)),
            application_version: Some(version_info()),
        }))
    }

    async fn get_syncing(
        &self,
        _request: Request<tm_pb::GetSyncingRequest>,
    ) -> Result<Response<tm_pb::GetSyncingResponse>, Status> {
        let status = self
            .comet
            .client()?
            .status()
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        Ok(Response::new(tm_pb::GetSyncingResponse {
            syncing: status.sync_info.catching_up,
        }))
    }

    async fn get_latest_block(
        &self,
        _request: Request<tm_pb::GetLatestBlockRequest>,
    ) -> Result<Response<tm_pb::GetLatestBlockResponse>, Status> {
        let block = self.blocks().await?.latest_block().await?;
        Ok(Response::new(tm_pb::GetLatestBlockResponse {
            block_id: Some(block.block_id),
            block: Some(block.block),
            sdk_block: Some(block.sdk_block),
        }))
    }

    async fn get_block_by_height(
        &self,
        request: Request<tm_pb::GetBlockByHeightRequest>,
    ) -> Result<Response<tm_pb::GetBlockByHeightResponse>, Status> {
        let blocks = self.blocks().await?;
        let height =
            requested_block_height(request.get_ref().height, blocks.latest_height().await?)?;
        let block = blocks.block(height).await?;
        Ok(Response::new(tm_pb::GetBlockByHeightResponse {
            block_id: Some(block.block_id),
            block: Some(block.block),
            sdk_block: Some(block.sdk_block),
        }))
    }

    async fn get_latest_validator_set(
        &self,
        request: Request<tm_pb::GetLatestValidatorSetRequest>,
    ) -> Result<Response<tm_pb::GetLatestValidatorSetResponse>, Status> {
        let page = Page::of(request.get_ref().pagination.as_ref())?;
        let blocks = self.blocks().await?;
        let height = blocks.latest_height().await?;
        let (validators, pagination) = blocks.validator_set(height, &page).await?;
        Ok(Response::new(tm_pb::GetLatestValidatorSetResponse {
            block_height: i64::try_from(height).unwrap_or(i64::MAX),
            validators,
            pagination: Some(pagination),
        }))
    }

    async fn get_validator_set_by_height(
        &self,
        request: Request<tm_pb::GetValidatorSetByHeightRequest>,
    ) -> Result<Response<tm_pb::GetValidatorSetByHeightResponse>, Status> {
        let page = Page::of(request.get_ref().pagination.as_ref())?;
        let blocks = self.blocks().await?;
        let height =
            requested_block_height(request.get_ref().height, blocks.latest_height().await?)?;
        let (validators, pagination) = blocks.validator_set(height, &page).await?;
        Ok(Response::new(tm_pb::GetValidatorSetByHeightResponse {
            block_height: i64::try_from(height).unwrap_or(i64::MAX),
            validators,
            pagination: Some(pagination),
        }))
    }

    /// Asks CometBFT, which asks this app: the same answer a client gets from CometBFT's RPC.
    async fn abci_query(
        &self,
        request: Request<tm_pb::AbciQueryRequest>,
    ) -> Result<Response<tm_pb::AbciQueryResponse>, Status> {
        let request = request.into_inner();
        let height = match request.height {
            0 => None,
            height => Some(
                u64::try_from(height)
                    .ok()
                    .and_then(|h| tendermint::block::Height::try_from(h).ok())
                    .ok_or_else(|| Status::invalid_argument("cannot query with height < 0"))?,
            ),
        };
        let answer = self
            .comet
            .client()?
            .abci_query(Some(request.path), request.data, height, request.prove)
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        Ok(Response::new(tm_pb::AbciQueryResponse {
            code: answer.code.value(),
            log: answer.log,
            info: answer.info,
            index: answer.index,
            key: answer.key,
            value: answer.value,
            proof_ops: answer.proof.map(|proof| tm_pb::ProofOps {
                ops: proof
                    .ops
                    .into_iter()
                    .map(|op| tm_pb::ProofOp {
                        r#type: op.field_type,
                        key: op.key,
                        data: op.data,
                    })
                    .collect(),
            }),
            height: i64::try_from(answer.height.value()).unwrap_or(i64::MAX),
            codespace: answer.codespace,
        }))
    }
}

#[tonic::async_trait]
impl NodeApi for NodeService {
    async fn config(
        &self,
        _request: Request<node_pb::ConfigRequest>,
    ) -> Result<Response<node_pb::ConfigResponse>, Status> {
        Ok(Response::new(node_pb::ConfigResponse {
            minimum_gas_price: self.minimum_gas_prices.clone(),
            pruning_keep_recent: "0".into(),
            pruning_interval: "0".into(),
            halt_height: 0,
        }))
    }

    async fn status(
        &self,
        _request: Request<node_pb::StatusRequest>,
    ) -> Result<Response<node_pb::StatusResponse>, Status> {
        let snapshot = self.storage.latest_snapshot();
        let root = snapshot
            .root_hash()
            .await
            .map_err(|e| Status::internal(e.to_string()))?;
        Ok(Response::new(node_pb::StatusResponse {
            earliest_store_height: 0,
            height: committed_height(&self.storage),
            timestamp: None,
            app_hash: root.0.to_vec(),
            validator_hash: vec![],
        }))
    }
}
