//! `rmesh.converter.v1.Query`: providers, positions and the outgoing packet queue.

use cnidarium::Snapshot;
use rmesh_auth::AccountRead;
use rmesh_core::query::{page, snapshot_for, status, Committed};
use rmesh_core::{Address, SdkError};
use rmesh_proto::converter::v1::{self as pb, query_server::Query};
use rmesh_virtual_staking::VirtualStakingRead;
use tonic::{Request, Response, Status};

use crate::provider::Provider;
use crate::view::{ConverterRead, Positions};

pub struct ConverterQuery {
    storage: Committed,
}

impl ConverterQuery {
    pub fn new(storage: Committed) -> Self {
        ConverterQuery { storage }
    }
}

async fn provider_info(
    snapshot: &Snapshot,
    provider: Provider,
) -> Result<pb::ProviderInfo, SdkError> {
    let staked: u128 = snapshot.staked_of(&provider.id).await?.values().sum();
    let delegated: u128 = snapshot
        .virtual_stakes_of(&provider.id)
        .await?
        .values()
        .sum();
    let held = snapshot.held_rewards(&provider.id).await?;
    let unattributed: u128 = snapshot
        .unattributed_burns_of(&provider.id)
        .await?
        .values()
        .sum();
    let feeder = match provider.price_feeder {
        Some(feeder) => snapshot.format_address(&feeder).await?,
        None => String::new(),
    };
    Ok(pb::ProviderInfo {
        provider: Some(provider.to_proto(feeder)),
        staked: staked.to_string(),
        delegated: delegated.to_string(),
        held_rewards: held.to_string(),
        unattributed_burns: unattributed.to_string(),
    })
}

async fn positions_proto(
    snapshot: &Snapshot,
    provider: &str,
    positions: Vec<((Address, String), u128)>,
) -> Result<Vec<pb::Position>, SdkError> {
    let mut result = Vec::with_capacity(positions.len());
    for ((operator, delegator), amount) in positions {
        result.push(pb::Position {
            provider_id: provider.to_string(),
            delegator,
            validator: snapshot.format_operator(&operator).await?,
            amount: amount.to_string(),
        });
    }
    Ok(result)
}

#[tonic::async_trait]
impl Query for ConverterQuery {
    async fn providers(
        &self,
        request: Request<pb::QueryProvidersRequest>,
    ) -> Result<Response<pb::QueryProvidersResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let mut providers = Vec::new();
        for provider in snapshot.all_providers().await.map_err(status)? {
            providers.push(provider_info(&snapshot, provider).await.map_err(status)?);
        }
        Ok(Response::new(pb::QueryProvidersResponse { providers }))
    }

    async fn provider(
        &self,
        request: Request<pb::QueryProviderRequest>,
    ) -> Result<Response<pb::QueryProviderResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let provider = snapshot
            .existing_provider(&request.get_ref().id)
            .await
            .map_err(status)?;
        let info = provider_info(&snapshot, provider).await.map_err(status)?;
        Ok(Response::new(pb::QueryProviderResponse {
            provider: Some(info),
        }))
    }

    async fn positions(
        &self,
        request: Request<pb::QueryPositionsRequest>,
    ) -> Result<Response<pb::QueryPositionsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let pb::QueryPositionsRequest {
            provider_id,
            delegator,
            pagination,
        } = request.get_ref();
        let read = async {
            snapshot.existing_provider(provider_id).await?;
            let positions = if delegator.is_empty() {
                snapshot.positions_of(provider_id).await?
            } else {
                let mut positions = Positions::new();
                for operator in snapshot
                    .validators_of_delegator(provider_id, delegator)
                    .await?
                {
                    let amount = snapshot.position(provider_id, &operator, delegator).await?;
                    positions.insert((operator, delegator.clone()), amount);
                }
                positions
            };
            Ok(positions)
        };
        let positions: Vec<_> = read.await.map_err(status)?.into_iter().collect();
        // Paged before the validators' addresses are written out, which costs a read each.
        let (positions, pagination) = page(positions, pagination.as_ref())?;
        Ok(Response::new(pb::QueryPositionsResponse {
            positions: positions_proto(&snapshot, provider_id, positions)
                .await
                .map_err(status)?,
            pagination,
        }))
    }

    async fn pending_packets(
        &self,
        request: Request<pb::QueryPendingPacketsRequest>,
    ) -> Result<Response<pb::QueryPendingPacketsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let provider = &request.get_ref().provider_id;
        let packets = if provider.is_empty() {
            snapshot.all_outgoing().await
        } else {
            snapshot.outbox(provider).await
        };
        Ok(Response::new(pb::QueryPendingPacketsResponse {
            packets: packets.map_err(status)?,
        }))
    }
}
