//! `cosmos.distribution.v1beta1.Query`. Pending rewards are computed on a throwaway overlay of
//! the snapshot, exactly as a withdrawal now would compute them.

use cnidarium::Snapshot;
use cosmos_sdk_proto::cosmos::base::v1beta1::DecCoin;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::{self as pb, query_server::Query};
use rmesh_auth::AccountRead;
use rmesh_core::query::{page, snapshot_for, status, Committed};
use rmesh_core::{Address, Decimal, SdkError};
use rmesh_staking::StakingRead;
use tonic::{Request, Response, Status};

use crate::view::DistributionRead;

pub struct DistributionQuery {
    storage: Committed,
}

impl DistributionQuery {
    pub fn new(storage: Committed) -> Self {
        DistributionQuery { storage }
    }
}

/// DecCoins carry the SDK's 18-decimal atomics as their amount.
async fn dec_coins(snapshot: &Snapshot, amount: Decimal) -> Result<Vec<DecCoin>, SdkError> {
    if amount.is_zero() {
        return Ok(vec![]);
    }
    let denom = snapshot.staking_params().await?.bond_denom;
    Ok(vec![DecCoin {
        denom,
        amount: amount.atomics().to_string(),
    }])
}

async fn operator_at(snapshot: &Snapshot, text: &str) -> Result<Address, Status> {
    snapshot.parse_operator(text).await.map_err(status)
}

#[tonic::async_trait]
impl Query for DistributionQuery {
    async fn params(
        &self,
        request: Request<pb::QueryParamsRequest>,
    ) -> Result<Response<pb::QueryParamsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let params = snapshot.distribution_params().await.map_err(status)?;
        Ok(Response::new(pb::QueryParamsResponse {
            params: Some(pb::Params {
                community_tax: params.community_tax.atomics().to_string(),
                withdraw_addr_enabled: true,
                ..Default::default()
            }),
        }))
    }

    async fn validator_distribution_info(
        &self,
        request: Request<pb::QueryValidatorDistributionInfoRequest>,
    ) -> Result<Response<pb::QueryValidatorDistributionInfoResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let operator = operator_at(&snapshot, &request.get_ref().validator_address).await?;
        let commission = snapshot
            .accumulated_commission(&operator)
            .await
            .map_err(status)?;
        let self_rewards = snapshot
            .pending_rewards(&operator, &operator)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QueryValidatorDistributionInfoResponse {
            operator_address: snapshot.format_address(&operator).await.map_err(status)?,
            self_bond_rewards: dec_coins(&snapshot, self_rewards).await.map_err(status)?,
            commission: dec_coins(&snapshot, commission).await.map_err(status)?,
        }))
    }

    async fn validator_outstanding_rewards(
        &self,
        request: Request<pb::QueryValidatorOutstandingRewardsRequest>,
    ) -> Result<Response<pb::QueryValidatorOutstandingRewardsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let operator = operator_at(&snapshot, &request.get_ref().validator_address).await?;
        let outstanding = snapshot
            .outstanding_rewards(&operator)
            .await
            .map_err(status)?;
        Ok(Response::new(
            pb::QueryValidatorOutstandingRewardsResponse {
                rewards: Some(pb::ValidatorOutstandingRewards {
                    rewards: dec_coins(&snapshot, outstanding).await.map_err(status)?,
                }),
            },
        ))
    }

    async fn validator_commission(
        &self,
        request: Request<pb::QueryValidatorCommissionRequest>,
    ) -> Result<Response<pb::QueryValidatorCommissionResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let operator = operator_at(&snapshot, &request.get_ref().validator_address).await?;
        let commission = snapshot
            .accumulated_commission(&operator)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QueryValidatorCommissionResponse {
            commission: Some(pb::ValidatorAccumulatedCommission {
                commission: dec_coins(&snapshot, commission).await.map_err(status)?,
            }),
        }))
    }

    async fn validator_slashes(
        &self,
        request: Request<pb::QueryValidatorSlashesRequest>,
    ) -> Result<Response<pb::QueryValidatorSlashesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let operator = operator_at(&snapshot, &request.get_ref().validator_address).await?;
        let slashes = snapshot
            .slash_events(&operator)
            .await
            .map_err(status)?
            .into_iter()
            .map(|(period, fraction)| pb::ValidatorSlashEvent {
                validator_period: period,
                fraction: fraction.atomics().to_string(),
            })
            .collect();
        let (slashes, pagination) = page(slashes, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryValidatorSlashesResponse {
            slashes,
            pagination,
        }))
    }

    async fn delegation_rewards(
        &self,
        request: Request<pb::QueryDelegationRewardsRequest>,
    ) -> Result<Response<pb::QueryDelegationRewardsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = snapshot
            .parse_address(&request.get_ref().delegator_address)
            .await
            .map_err(status)?;
        let operator = operator_at(&snapshot, &request.get_ref().validator_address).await?;
        let rewards = snapshot
            .pending_rewards(&delegator, &operator)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QueryDelegationRewardsResponse {
            rewards: dec_coins(&snapshot, rewards).await.map_err(status)?,
        }))
    }

    async fn delegation_total_rewards(
        &self,
        request: Request<pb::QueryDelegationTotalRewardsRequest>,
    ) -> Result<Response<pb::QueryDelegationTotalRewardsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = snapshot
            .parse_address(&request.get_ref().delegator_address)
            .await
            .map_err(status)?;
        let mut rewards = Vec::new();
        let mut total = Decimal::ZERO;
        for (operator, _) in snapshot.delegations_of(&delegator).await.map_err(status)? {
            let pending = snapshot
                .pending_rewards(&delegator, &operator)
                .await
                .map_err(status)?;
            total = total.checked_add(pending).unwrap_or(total);
            rewards.push(pb::DelegationDelegatorReward {
                validator_address: snapshot.format_operator(&operator).await.map_err(status)?,
                reward: dec_coins(&snapshot, pending).await.map_err(status)?,
            });
        }
        Ok(Response::new(pb::QueryDelegationTotalRewardsResponse {
            rewards,
            total: dec_coins(&snapshot, total).await.map_err(status)?,
        }))
    }

    async fn delegator_validators(
        &self,
        request: Request<pb::QueryDelegatorValidatorsRequest>,
    ) -> Result<Response<pb::QueryDelegatorValidatorsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = snapshot
            .parse_address(&request.get_ref().delegator_address)
            .await
            .map_err(status)?;
        let mut validators = Vec::new();
        for (operator, _) in snapshot.delegations_of(&delegator).await.map_err(status)? {
            validators.push(snapshot.format_operator(&operator).await.map_err(status)?);
        }
        Ok(Response::new(pb::QueryDelegatorValidatorsResponse {
            validators,
        }))
    }

    async fn delegator_withdraw_address(
        &self,
        request: Request<pb::QueryDelegatorWithdrawAddressRequest>,
    ) -> Result<Response<pb::QueryDelegatorWithdrawAddressResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = snapshot
            .parse_address(&request.get_ref().delegator_address)
            .await
            .map_err(status)?;
        let to = snapshot
            .withdraw_address(&delegator)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QueryDelegatorWithdrawAddressResponse {
            withdraw_address: snapshot.format_address(&to).await.map_err(status)?,
        }))
    }

    async fn community_pool(
        &self,
        request: Request<pb::QueryCommunityPoolRequest>,
    ) -> Result<Response<pb::QueryCommunityPoolResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let pool = snapshot.community_pool().await.map_err(status)?;
        Ok(Response::new(pb::QueryCommunityPoolResponse {
            pool: dec_coins(&snapshot, pool).await.map_err(status)?,
        }))
    }
}
