//! `cosmos.upgrade.v1beta1.Query`, from a committed snapshot.

use cosmos_sdk_proto::cosmos::upgrade::v1beta1::{self as pb, query_server::Query};
use rmesh_auth::AccountRead;
use rmesh_core::query::{snapshot_for, status, Committed};
use rmesh_core::Address;
use tonic::{Request, Response, Status};

use crate::view::UpgradeRead;

pub struct UpgradeQuery {
    storage: Committed,
}

impl UpgradeQuery {
    pub fn new(storage: Committed) -> Self {
        UpgradeQuery { storage }
    }
}

#[tonic::async_trait]
impl Query for UpgradeQuery {
    async fn current_plan(
        &self,
        request: Request<pb::QueryCurrentPlanRequest>,
    ) -> Result<Response<pb::QueryCurrentPlanResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        Ok(Response::new(pb::QueryCurrentPlanResponse {
            plan: snapshot.upgrade_plan().await.map_err(status)?,
        }))
    }

    /// The height the plan was applied at; 0 for a plan never applied, as the SDK answers.
    async fn applied_plan(
        &self,
        request: Request<pb::QueryAppliedPlanRequest>,
    ) -> Result<Response<pb::QueryAppliedPlanResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let height = snapshot
            .applied_at(&request.get_ref().name)
            .await
            .map_err(status)?
            .unwrap_or(0);
        Ok(Response::new(pb::QueryAppliedPlanResponse {
            height: i64::try_from(height).unwrap_or(i64::MAX),
        }))
    }

    /// rmesh plans carry no IBC client upgrade, so there is never one: the SDK's answer for
    /// none is an empty response.
    #[allow(deprecated)]
    async fn upgraded_consensus_state(
        &self,
        _request: Request<pb::QueryUpgradedConsensusStateRequest>,
    ) -> Result<Response<pb::QueryUpgradedConsensusStateResponse>, Status> {
        Ok(Response::new(
            pb::QueryUpgradedConsensusStateResponse::default(),
        ))
    }

    async fn module_versions(
        &self,
        request: Request<pb::QueryModuleVersionsRequest>,
    ) -> Result<Response<pb::QueryModuleVersionsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let wanted = &request.get_ref().module_name;
        let versions = snapshot.module_versions().await.map_err(status)?;
        let module_versions: Vec<pb::ModuleVersion> = versions
            .into_iter()
            .filter(|(name, _)| wanted.is_empty() || name == wanted)
            .map(|(name, version)| pb::ModuleVersion { name, version })
            .collect();
        if !wanted.is_empty() && module_versions.is_empty() {
            return Err(Status::not_found(format!(
                "x/{wanted} module does not exist"
            )));
        }
        Ok(Response::new(pb::QueryModuleVersionsResponse {
            module_versions,
        }))
    }

    async fn authority(
        &self,
        request: Request<pb::QueryAuthorityRequest>,
    ) -> Result<Response<pb::QueryAuthorityResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let gov = Address::module(rmesh_core::component::GOV_MODULE);
        Ok(Response::new(pb::QueryAuthorityResponse {
            address: snapshot.format_address(&gov).await.map_err(status)?,
        }))
    }
}
