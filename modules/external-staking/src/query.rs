//! `rmesh.externalstaking.v1.Query`: consumers and the validator sets they reported.

use rmesh_auth::AccountRead;
use rmesh_core::query::{snapshot_for, status, Committed};
use rmesh_core::SdkError;
use rmesh_proto::externalstaking::v1::{self as pb, query_server::Query};
use tonic::{Request, Response, Status};

use crate::stakes::StakeRecord;
use crate::view::ExternalStakingRead;

fn stake_proto(
    consumer: &str,
    owner: &str,
    validator: &str,
    record: &StakeRecord,
    denom: &str,
) -> pb::Stake {
    pb::Stake {
        owner: owner.to_string(),
        consumer_id: consumer.to_string(),
        validator: validator.to_string(),
        amount: record.amount.to_string(),
        unbondings: record
            .unbondings
            .iter()
            .map(|u| pb::Unbonding {
                amount: u.amount.to_string(),
                release_at: u.release_at,
            })
            .collect(),
        pending_rewards: if record.rewards == 0 {
            String::new()
        } else {
            format!("{}{denom}", record.rewards)
        },
    }
}

pub struct ExternalStakingQuery {
    storage: Committed,
}

impl ExternalStakingQuery {
    pub fn new(storage: Committed) -> Self {
        ExternalStakingQuery { storage }
    }
}

#[tonic::async_trait]
impl Query for ExternalStakingQuery {
    async fn consumers(
        &self,
        request: Request<pb::QueryConsumersRequest>,
    ) -> Result<Response<pb::QueryConsumersResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let consumers = snapshot.all_consumers().await.map_err(status)?;
        Ok(Response::new(pb::QueryConsumersResponse {
            consumers: consumers.iter().map(|c| c.to_proto()).collect(),
        }))
    }

    async fn validators(
        &self,
        request: Request<pb::QueryValidatorsRequest>,
    ) -> Result<Response<pb::QueryValidatorsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let consumer = &request.get_ref().consumer_id;
        let read = async {
            snapshot.existing_consumer(consumer).await?;
            snapshot.reported_validators(consumer).await
        };
        let validators = read.await.map_err(status)?;
        Ok(Response::new(pb::QueryValidatorsResponse {
            validators: validators
                .iter()
                .map(|(valoper, record)| record.to_proto(valoper))
                .collect(),
        }))
    }

    async fn stakes(
        &self,
        request: Request<pb::QueryStakesRequest>,
    ) -> Result<Response<pb::QueryStakesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let pb::QueryStakesRequest { consumer_id, owner } = request.get_ref();
        let read = async {
            snapshot.existing_consumer(consumer_id).await?;
            let owners = if owner.is_empty() {
                snapshot.owners_of(consumer_id).await?
            } else {
                vec![snapshot.parse_address(owner).await?]
            };
            let denom = snapshot
                .reward_denom(consumer_id)
                .await?
                .unwrap_or_default();
            let mut stakes = vec![];
            for owner in owners {
                let owner_text = snapshot.format_address(&owner).await?;
                for validator in snapshot.validators_of_owner(consumer_id, &owner).await? {
                    let pool = snapshot.pool(consumer_id, &validator).await?;
                    let mut record = snapshot.stake(consumer_id, &validator, &owner).await?;
                    record.settle(&pool);
                    stakes.push(stake_proto(
                        consumer_id,
                        &owner_text,
                        &validator,
                        &record,
                        &denom,
                    ));
                }
            }
            Ok::<_, SdkError>(stakes)
        };
        Ok(Response::new(pb::QueryStakesResponse {
            stakes: read.await.map_err(status)?,
        }))
    }

    async fn pending_txs(
        &self,
        request: Request<pb::QueryPendingTxsRequest>,
    ) -> Result<Response<pb::QueryPendingTxsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let consumer = &request.get_ref().consumer_id;
        let read = async {
            snapshot.existing_consumer(consumer).await?;
            let mut txs = vec![];
            for (tx_id, tx) in snapshot.pending_txs(consumer).await? {
                txs.push(pb::PendingTx {
                    tx_id,
                    kind: tx.kind.as_str().to_string(),
                    owner: snapshot.format_address(&tx.owner).await?,
                    validator: tx.validator,
                    amount: tx.amount.to_string(),
                    consumer_id: consumer.clone(),
                });
            }
            Ok::<_, SdkError>(txs)
        };
        Ok(Response::new(pb::QueryPendingTxsResponse {
            txs: read.await.map_err(status)?,
        }))
    }
}
