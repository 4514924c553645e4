//! `cosmos.consensus.v1.Query` and the legacy `cosmos.params.v1beta1.Query`: the consensus params
//! CometBFT runs with (set at InitChain, changed only by CometBFT), read from its RPC, which keeps
//! them for every height.

use cnidarium::Storage;
use cosmos_sdk_proto::cosmos::params::v1beta1::{
    self as params_pb, query_server::Query as ParamsApi, ParamChange, Subspace,
};
use rmesh_core::query::requested_height;
use rmesh_proto::consensus::v1::{self as consensus_pb, query_server::Query as ConsensusApi};
use serde_json::json;
use tendermint_proto::types::ConsensusParams;
use tendermint_rpc::Client;
use tonic::{Request, Response, Status};

use super::comet::Comet;
use crate::node::state::committed_height;

/// The legacy `baseapp` subspace's keys, as SDK chains before x/consensus stored them.
const BASEAPP_SUBSPACE: &str = "baseapp";
const BASEAPP_KEYS: [&str; 3] = ["BlockParams", "EvidenceParams", "ValidatorParams"];

pub struct ConsensusService {
    storage: Storage,
    comet: Comet,
}

impl ConsensusService {
    pub fn new(storage: Storage, comet: Comet) -> Self {
        ConsensusService { storage, comet }
    }

    /// The params at the height the request names (its `x-cosmos-block-height`), else the latest.
    async fn params_for<T>(&self, request: &Request<T>) -> Result<ConsensusParams, Status> {
        let height = requested_height(request.metadata(), committed_height(&self.storage))?;
        let client = self.comet.client()?;
        let answer = if height == 0 {
            client.latest_consensus_params().await
        } else {
            let height = tendermint::block::Height::try_from(height).map_err(|_| {
                Status::invalid_argument(format!("height {height} is out of range"))
            })?;
            client.consensus_params(height).await
        };
        let answer = answer.map_err(|e| self.comet.unavailable(e))?;
        Ok(answer.consensus_params.into())
    }
}

#[tonic::async_trait]
impl ConsensusApi for ConsensusService {
    async fn params(
        &self,
        request: Request<consensus_pb::QueryParamsRequest>,
    ) -> Result<Response<consensus_pb::QueryParamsResponse>, Status> {
        let mut params = self.params_for(&request).await?;
        // As the SDK answers: the app version belongs to x/upgrade, not to these params.
        params.version = None;
        Ok(Response::new(consensus_pb::QueryParamsResponse {
            params: Some(params),
        }))
    }
}

#[tonic::async_trait]
impl ParamsApi for ConsensusService {
    async fn params(
        &self,
        request: Request<params_pb::QueryParamsRequest>,
    ) -> Result<Response<params_pb::QueryParamsResponse>, Status> {
        let (subspace, key) = (&request.get_ref().subspace, &request.get_ref().key);
        if subspace != BASEAPP_SUBSPACE {
            return Err(Status::not_found(format!(
                "unknown subspace {subspace:?}: rmesh keeps only the legacy {BASEAPP_SUBSPACE:?} \
                 subspace here; each module's params answer at its own Query/Params"
            )));
        }
        if !BASEAPP_KEYS.contains(&key.as_str()) {
            return Err(Status::not_found(format!(
                "unknown key {key:?} in subspace {BASEAPP_SUBSPACE:?}: known keys are {}",
                BASEAPP_KEYS.join(", ")
            )));
        }
        let params = self.params_for(&request).await?;
        Ok(Response::new(params_pb::QueryParamsResponse {
            param: Some(ParamChange {
                subspace: subspace.clone(),
                key: key.clone(),
                value: legacy_value(&params, key).to_string(),
            }),
        }))
    }

    async fn subspaces(
        &self,
        _request: Request<params_pb::QuerySubspacesRequest>,
    ) -> Result<Response<params_pb::QuerySubspacesResponse>, Status> {
        Ok(Response::new(params_pb::QuerySubspacesResponse {
            subspaces: vec![Subspace {
                subspace: BASEAPP_SUBSPACE.into(),
                keys: BASEAPP_KEYS.iter().map(|key| key.to_string()).collect(),
            }],
        }))
    }
}

/// A `baseapp` key's value in the legacy amino JSON: 64-bit integers as strings, durations in
/// nanoseconds.
fn legacy_value(params: &ConsensusParams, key: &str) -> serde_json::Value {
    match key {
        "BlockParams" => {
            let block = params.block.unwrap_or_default();
            json!({
                "max_bytes": block.max_bytes.to_string(),
                "max_gas": block.max_gas.to_string(),
            })
        }
        "EvidenceParams" => {
            let evidence = params.evidence.unwrap_or_default();
            let age = evidence.max_age_duration.unwrap_or_default();
            let nanos = i128::from(age.seconds) * 1_000_000_000 + i128::from(age.nanos);
            json!({
                "max_age_num_blocks": evidence.max_age_num_blocks.to_string(),
                "max_age_duration": nanos.to_string(),
                "max_bytes": evidence.max_bytes.to_string(),
            })
        }
        _ => {
            let validator = params.validator.clone().unwrap_or_default();
            json!({ "pub_key_types": validator.pub_key_types })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> ConsensusParams {
        ConsensusParams {
            block: Some(tendermint_proto::types::BlockParams {
                max_bytes: 22_020_096,
                max_gas: -1,
            }),
            evidence: Some(tendermint_proto::types::EvidenceParams {
                max_age_num_blocks: 100_000,
                max_age_duration: Some(tendermint_proto::google::protobuf::Duration {
                    seconds: 172_800,
                    nanos: 0,
                }),
                max_bytes: 1_048_576,
            }),
            validator: Some(tendermint_proto::types::ValidatorParams {
                pub_key_types: vec!["ed25519".into()],
            }),
            version: None,
            abci: None,
        }
    }

    #[test]
    fn legacy_baseapp_values_are_the_sdks_amino_json() {
        assert_eq!(
            legacy_value(&params(), "BlockParams").to_string(),
            r#"{"max_bytes":"22020096","max_gas":"-1"}"#
        );
        assert_eq!(
            legacy_value(&params(), "EvidenceParams").to_string(),
            r#"{"max_age_duration":"172800000000000","max_age_num_blocks":"100000","max_bytes":"1048576"}"#
        );
        assert_eq!(
            legacy_value(&params(), "ValidatorParams").to_string(),
            r#"{"pub_key_types":["ed25519"]}"#
        );
    }
}
