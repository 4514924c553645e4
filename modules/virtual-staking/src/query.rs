//! `rmesh.virtualstaking.v1.Query`: params, the epoch clock, virtual stake and its supply.

use rmesh_auth::AccountRead;
use rmesh_core::query::{snapshot_for, status, Committed};
use rmesh_core::SdkError;
use rmesh_proto::virtualstaking::v1::{self as pb, query_server::Query};
use rmesh_staking::StakingRead;
use tonic::{Request, Response, Status};

use crate::view::VirtualStakingRead;

pub struct VirtualStakingQuery {
    storage: Committed,
}

impl VirtualStakingQuery {
    pub fn new(storage: Committed) -> Self {
        VirtualStakingQuery { storage }
    }
}

#[tonic::async_trait]
impl Query for VirtualStakingQuery {
    async fn params(
        &self,
        request: Request<pb::QueryParamsRequest>,
    ) -> Result<Response<pb::QueryParamsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let params = snapshot.virtual_staking_params().await.map_err(status)?;
        Ok(Response::new(pb::QueryParamsResponse {
            params: Some(params.to_proto()),
            authority: snapshot.mesh_authority().await.map_err(status)?,
        }))
    }

    async fn epoch_info(
        &self,
        request: Request<pb::QueryEpochInfoRequest>,
    ) -> Result<Response<pb::QueryEpochInfoResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let length = snapshot
            .virtual_staking_params()
            .await
            .map_err(status)?
            .epoch_length
            .max(1);
        let epoch = snapshot.epoch_state().await.map_err(status)?;
        let height = snapshot.version();
        Ok(Response::new(pb::QueryEpochInfoResponse {
            current_epoch: epoch.number,
            epoch_length: length,
            last_epoch_height: epoch.last_height,
            next_epoch_height: (height / length + 1) * length,
        }))
    }

    async fn virtual_stake(
        &self,
        request: Request<pb::QueryVirtualStakeRequest>,
    ) -> Result<Response<pb::QueryVirtualStakeResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let wanted = match request.get_ref().validator.as_str() {
            "" => None,
            text => Some(snapshot.parse_operator(text).await.map_err(status)?),
        };
        let mut delegations = Vec::new();
        let mut total = 0u128;
        for ((provider, operator), amount) in snapshot.all_virtual_stakes().await.map_err(status)? {
            if wanted.is_some_and(|w| w != operator) {
                continue;
            }
            total += amount;
            delegations.push(pb::VirtualDelegation {
                provider_id: provider,
                validator: snapshot.format_operator(&operator).await.map_err(status)?,
                amount: amount.to_string(),
            });
        }
        Ok(Response::new(pb::QueryVirtualStakeResponse {
            delegations,
            total: total.to_string(),
        }))
    }

    async fn supply(
        &self,
        request: Request<pb::QuerySupplyRequest>,
    ) -> Result<Response<pb::QuerySupplyResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let read = async {
            let minted = snapshot.virtual_minted().await?;
            let burned = snapshot.virtual_burned().await?;
            let delegated: u128 = snapshot.all_virtual_stakes().await?.values().sum();
            let denom = snapshot.staking_params().await?.bond_denom;
            Ok::<_, SdkError>(pb::QuerySupplyResponse {
                denom,
                minted: minted.to_string(),
                burned: burned.to_string(),
                delegated: delegated.to_string(),
            })
        };
        Ok(Response::new(read.await.map_err(status)?))
    }
}
