//! `cosmos.staking.v1beta1.Query`, read from committed snapshots. Relayers read `Params`
//! (unbonding time, historical entries) through `abci_query`.

use cnidarium::{Snapshot, StateRead};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey;
use cosmos_sdk_proto::cosmos::staking::v1beta1::{self as pb, query_server::Query};
use prost::Message;
use rmesh_auth::AccountRead;
use rmesh_core::query::{page, snapshot_for, status, Committed};
use rmesh_core::{Address, Decimal, SdkError};
use tonic::{Request, Response, Status};

use crate::delegation::{BONDED_POOL, NOT_BONDED_POOL};
use crate::msg::decimal_to_proto;
use crate::msg_create_validator::ED25519_TYPE_URL;
use crate::msg_undelegate::timestamp;
use crate::validator::{UnbondingEntry, Validator};
use crate::view::StakingRead;

pub struct StakingQuery {
    storage: Committed,
}

impl StakingQuery {
    pub fn new(storage: Committed) -> Self {
        StakingQuery { storage }
    }
}

pub(crate) async fn validator_proto<S: StateRead + ?Sized>(
    snapshot: &S,
    v: &Validator,
) -> Result<pb::Validator, SdkError> {
    let commission = &v.commission;
    Ok(pb::Validator {
        operator_address: snapshot.format_operator(&v.operator).await?,
        consensus_pubkey: Some(cosmos_sdk_proto::Any {
            type_url: ED25519_TYPE_URL.into(),
            value: PubKey {
                key: v.consensus_pubkey.to_vec(),
            }
            .encode_to_vec(),
        }),
        jailed: v.jailed,
        status: v.status.proto(),
        tokens: v.tokens.to_string(),
        delegator_shares: decimal_to_proto(v.delegator_shares),
        description: Some(pb::Description {
            moniker: v.description.moniker.clone(),
            identity: v.description.identity.clone(),
            website: v.description.website.clone(),
            security_contact: v.description.security_contact.clone(),
            details: v.description.details.clone(),
        }),
        unbonding_height: v.unbonding_height as i64,
        unbonding_time: Some(timestamp(v.unbonding_time_nanos)),
        commission: Some(pb::Commission {
            commission_rates: Some(pb::CommissionRates {
                rate: decimal_to_proto(commission.rate),
                max_rate: decimal_to_proto(commission.max_rate),
                max_change_rate: decimal_to_proto(commission.max_change_rate),
            }),
            update_time: Some(timestamp(commission.update_time_nanos)),
        }),
        min_self_delegation: v.min_self_delegation.to_string(),
        unbonding_on_hold_ref_count: 0,
        unbonding_ids: vec![],
    })
}

async fn validator_at(snapshot: &Snapshot, text: &str) -> Result<Validator, Status> {
    let operator = snapshot.parse_operator(text).await.map_err(status)?;
    snapshot
        .validator(&operator)
        .await
        .map_err(status)?
        .ok_or_else(|| Status::not_found(format!("validator {text} not found")))
}

async fn bond_coin(snapshot: &Snapshot, amount: u128) -> Result<ProtoCoin, SdkError> {
    Ok(ProtoCoin {
        denom: snapshot.staking_params().await?.bond_denom,
        amount: amount.to_string(),
    })
}

async fn delegation_response(
    snapshot: &Snapshot,
    delegator: &Address,
    validator: &Validator,
    shares: Decimal,
) -> Result<pb::DelegationResponse, SdkError> {
    Ok(pb::DelegationResponse {
        delegation: Some(pb::Delegation {
            delegator_address: snapshot.format_address(delegator).await?,
            validator_address: snapshot.format_operator(&validator.operator).await?,
            shares: decimal_to_proto(shares),
        }),
        balance: Some(bond_coin(snapshot, validator.tokens_for_shares(shares)?).await?),
    })
}

async fn unbonding_proto(
    snapshot: &Snapshot,
    delegator: &Address,
    operator: &Address,
    entries: &[UnbondingEntry],
) -> Result<pb::UnbondingDelegation, SdkError> {
    Ok(pb::UnbondingDelegation {
        delegator_address: snapshot.format_address(delegator).await?,
        validator_address: snapshot.format_operator(operator).await?,
        entries: entries
            .iter()
            .map(|e| pb::UnbondingDelegationEntry {
                creation_height: e.creation_height as i64,
                completion_time: Some(timestamp(e.completion_time_nanos)),
                initial_balance: e.initial_balance.to_string(),
                balance: e.balance.to_string(),
                unbonding_id: 0,
                unbonding_on_hold_ref_count: 0,
            })
            .collect(),
    })
}

async fn delegator_at(snapshot: &Snapshot, text: &str) -> Result<Address, Status> {
    snapshot.parse_address(text).await.map_err(status)
}

async fn validator_address_at(snapshot: &Snapshot, text: &str) -> Result<Address, Status> {
    snapshot.parse_operator(text).await.map_err(status)
}

#[tonic::async_trait]
impl Query for StakingQuery {
    async fn validators(
        &self,
        request: Request<pb::QueryValidatorsRequest>,
    ) -> Result<Response<pb::QueryValidatorsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let wanted = request.get_ref().status.clone();
        let mut validators = Vec::new();
        for v in snapshot.all_validators().await.map_err(status)? {
            let proto = validator_proto(&snapshot, &v).await.map_err(status)?;
            let name = pb::BondStatus::try_from(proto.status)
                .map(|s| s.as_str_name())
                .unwrap_or_default();
            if wanted.is_empty() || wanted == name {
                validators.push(proto);
            }
        }
        let (validators, pagination) = page(validators, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryValidatorsResponse {
            pagination,
            validators,
        }))
    }

    async fn validator(
        &self,
        request: Request<pb::QueryValidatorRequest>,
    ) -> Result<Response<pb::QueryValidatorResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let v = validator_at(&snapshot, &request.get_ref().validator_addr).await?;
        let proto = validator_proto(&snapshot, &v).await.map_err(status)?;
        Ok(Response::new(pb::QueryValidatorResponse {
            validator: Some(proto),
        }))
    }

    async fn validator_delegations(
        &self,
        request: Request<pb::QueryValidatorDelegationsRequest>,
    ) -> Result<Response<pb::QueryValidatorDelegationsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let v = validator_at(&snapshot, &request.get_ref().validator_addr).await?;
        let mut responses = Vec::new();
        for (delegator, shares) in snapshot.delegators_of(&v.operator).await.map_err(status)? {
            responses.push(
                delegation_response(&snapshot, &delegator, &v, shares)
                    .await
                    .map_err(status)?,
            );
        }
        let (responses, pagination) = page(responses, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryValidatorDelegationsResponse {
            pagination,
            delegation_responses: responses,
        }))
    }

    async fn validator_unbonding_delegations(
        &self,
        request: Request<pb::QueryValidatorUnbondingDelegationsRequest>,
    ) -> Result<Response<pb::QueryValidatorUnbondingDelegationsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let v = validator_at(&snapshot, &request.get_ref().validator_addr).await?;
        let mut responses = Vec::new();
        for delegator in snapshot
            .unbonding_delegators_of(&v.operator)
            .await
            .map_err(status)?
        {
            let entries = snapshot
                .unbonding(&delegator, &v.operator)
                .await
                .map_err(status)?;
            responses.push(
                unbonding_proto(&snapshot, &delegator, &v.operator, &entries)
                    .await
                    .map_err(status)?,
            );
        }
        let (responses, pagination) = page(responses, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(
            pb::QueryValidatorUnbondingDelegationsResponse {
                pagination,
                unbonding_responses: responses,
            },
        ))
    }

    async fn delegation(
        &self,
        request: Request<pb::QueryDelegationRequest>,
    ) -> Result<Response<pb::QueryDelegationResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = delegator_at(&snapshot, &request.get_ref().delegator_addr).await?;
        let v = validator_at(&snapshot, &request.get_ref().validator_addr).await?;
        let shares = snapshot
            .delegation(&delegator, &v.operator)
            .await
            .map_err(status)?;
        if shares.is_zero() {
            return Err(Status::not_found(format!(
                "delegation with delegator {} not found for validator {}",
                request.get_ref().delegator_addr,
                request.get_ref().validator_addr
            )));
        }
        let response = delegation_response(&snapshot, &delegator, &v, shares)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QueryDelegationResponse {
            delegation_response: Some(response),
        }))
    }

    async fn unbonding_delegation(
        &self,
        request: Request<pb::QueryUnbondingDelegationRequest>,
    ) -> Result<Response<pb::QueryUnbondingDelegationResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = delegator_at(&snapshot, &request.get_ref().delegator_addr).await?;
        let operator = snapshot
            .parse_operator(&request.get_ref().validator_addr)
            .await
            .map_err(status)?;
        let entries = snapshot
            .unbonding(&delegator, &operator)
            .await
            .map_err(status)?;
        if entries.is_empty() {
            return Err(Status::not_found("unbonding delegation not found"));
        }
        let unbond = unbonding_proto(&snapshot, &delegator, &operator, &entries)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QueryUnbondingDelegationResponse {
            unbond: Some(unbond),
        }))
    }

    async fn delegator_delegations(
        &self,
        request: Request<pb::QueryDelegatorDelegationsRequest>,
    ) -> Result<Response<pb::QueryDelegatorDelegationsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = delegator_at(&snapshot, &request.get_ref().delegator_addr).await?;
        let mut responses = Vec::new();
        for (operator, shares) in snapshot.delegations_of(&delegator).await.map_err(status)? {
            if let Some(v) = snapshot.validator(&operator).await.map_err(status)? {
                responses.push(
                    delegation_response(&snapshot, &delegator, &v, shares)
                        .await
                        .map_err(status)?,
                );
            }
        }
        let (responses, pagination) = page(responses, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryDelegatorDelegationsResponse {
            pagination,
            delegation_responses: responses,
        }))
    }

    async fn delegator_unbonding_delegations(
        &self,
        request: Request<pb::QueryDelegatorUnbondingDelegationsRequest>,
    ) -> Result<Response<pb::QueryDelegatorUnbondingDelegationsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = delegator_at(&snapshot, &request.get_ref().delegator_addr).await?;
        let mut responses = Vec::new();
        for (operator, entries) in snapshot.unbondings_of(&delegator).await.map_err(status)? {
            responses.push(
                unbonding_proto(&snapshot, &delegator, &operator, &entries)
                    .await
                    .map_err(status)?,
            );
        }
        let (responses, pagination) = page(responses, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(
            pb::QueryDelegatorUnbondingDelegationsResponse {
                pagination,
                unbonding_responses: responses,
            },
        ))
    }

    /// As the SDK: one redelegation when all three addresses are given, a source validator's
    /// when only it is, otherwise the delegator's.
    async fn redelegations(
        &self,
        request: Request<pb::QueryRedelegationsRequest>,
    ) -> Result<Response<pb::QueryRedelegationsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let req = request.get_ref();
        let (has_delegator, has_source, has_destination) = (
            !req.delegator_addr.is_empty(),
            !req.src_validator_addr.is_empty(),
            !req.dst_validator_addr.is_empty(),
        );
        let triples = if has_delegator && has_source && has_destination {
            vec![(
                delegator_at(&snapshot, &req.delegator_addr).await?,
                validator_address_at(&snapshot, &req.src_validator_addr).await?,
                validator_address_at(&snapshot, &req.dst_validator_addr).await?,
            )]
        } else if !has_delegator && has_source && !has_destination {
            let source = validator_address_at(&snapshot, &req.src_validator_addr).await?;
            snapshot
                .redelegations_from(&source)
                .await
                .map_err(status)?
                .into_iter()
                .map(|(delegator, destination)| (delegator, source, destination))
                .collect()
        } else {
            let delegator = delegator_at(&snapshot, &req.delegator_addr).await?;
            snapshot
                .redelegations_of(&delegator)
                .await
                .map_err(status)?
                .into_iter()
                .map(|(source, destination)| (delegator, source, destination))
                .collect()
        };
        let mut responses = Vec::new();
        for (delegator, source, destination) in triples {
            let entries = snapshot
                .redelegation(&delegator, &source, &destination)
                .await
                .map_err(status)?;
            if entries.is_empty() {
                continue;
            }
            let proto_entries: Vec<pb::RedelegationEntry> = entries
                .iter()
                .map(|e| pb::RedelegationEntry {
                    creation_height: e.creation_height as i64,
                    completion_time: Some(timestamp(e.completion_time_nanos)),
                    initial_balance: e.initial_balance.to_string(),
                    shares_dst: decimal_to_proto(e.shares_dst),
                    unbonding_id: 0,
                    unbonding_on_hold_ref_count: 0,
                })
                .collect();
            responses.push(pb::RedelegationResponse {
                entries: proto_entries
                    .iter()
                    .map(|e| pb::RedelegationEntryResponse {
                        redelegation_entry: Some(e.clone()),
                        balance: e.initial_balance.clone(),
                    })
                    .collect(),
                redelegation: Some(pb::Redelegation {
                    delegator_address: snapshot.format_address(&delegator).await.map_err(status)?,
                    validator_src_address: snapshot
                        .format_operator(&source)
                        .await
                        .map_err(status)?,
                    validator_dst_address: snapshot
                        .format_operator(&destination)
                        .await
                        .map_err(status)?,
                    entries: proto_entries,
                }),
            });
        }
        let (responses, pagination) = page(responses, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryRedelegationsResponse {
            pagination,
            redelegation_responses: responses,
        }))
    }

    async fn delegator_validators(
        &self,
        request: Request<pb::QueryDelegatorValidatorsRequest>,
    ) -> Result<Response<pb::QueryDelegatorValidatorsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = delegator_at(&snapshot, &request.get_ref().delegator_addr).await?;
        let mut validators = Vec::new();
        for (operator, _) in snapshot.delegations_of(&delegator).await.map_err(status)? {
            if let Some(v) = snapshot.validator(&operator).await.map_err(status)? {
                validators.push(validator_proto(&snapshot, &v).await.map_err(status)?);
            }
        }
        let (validators, pagination) = page(validators, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryDelegatorValidatorsResponse {
            pagination,
            validators,
        }))
    }

    async fn delegator_validator(
        &self,
        request: Request<pb::QueryDelegatorValidatorRequest>,
    ) -> Result<Response<pb::QueryDelegatorValidatorResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let delegator = delegator_at(&snapshot, &request.get_ref().delegator_addr).await?;
        let v = validator_at(&snapshot, &request.get_ref().validator_addr).await?;
        if snapshot
            .delegation(&delegator, &v.operator)
            .await
            .map_err(status)?
            .is_zero()
        {
            return Err(Status::not_found(
                "no delegation for (address, validator) tuple",
            ));
        }
        let proto = validator_proto(&snapshot, &v).await.map_err(status)?;
        Ok(Response::new(pb::QueryDelegatorValidatorResponse {
            validator: Some(proto),
        }))
    }

    async fn historical_info(
        &self,
        request: Request<pb::QueryHistoricalInfoRequest>,
    ) -> Result<Response<pb::QueryHistoricalInfoResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let height = request.get_ref().height;
        let not_found =
            || Status::not_found(format!("historical info for height {height} not found"));
        let height = u64::try_from(height)
            .map_err(|_| Status::invalid_argument("height cannot be negative"))?;
        let hist = crate::historical::historical_info(&snapshot, height)
            .await
            .map_err(status)?
            .ok_or_else(not_found)?;
        Ok(Response::new(pb::QueryHistoricalInfoResponse {
            hist: Some(hist),
        }))
    }

    async fn pool(
        &self,
        request: Request<pb::QueryPoolRequest>,
    ) -> Result<Response<pb::QueryPoolResponse>, Status> {
        use rmesh_bank::BankRead;
        let snapshot = snapshot_for(&self.storage, &request)?;
        let denom = snapshot.staking_params().await.map_err(status)?.bond_denom;
        let bonded = snapshot
            .balance(&Address::module(BONDED_POOL), &denom)
            .await
            .map_err(status)?;
        let not_bonded = snapshot
            .balance(&Address::module(NOT_BONDED_POOL), &denom)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QueryPoolResponse {
            pool: Some(pb::Pool {
                not_bonded_tokens: not_bonded.to_string(),
                bonded_tokens: bonded.to_string(),
            }),
        }))
    }

    async fn params(
        &self,
        request: Request<pb::QueryParamsRequest>,
    ) -> Result<Response<pb::QueryParamsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let params = snapshot.staking_params().await.map_err(status)?;
        Ok(Response::new(pb::QueryParamsResponse {
            params: Some(pb::Params {
                unbonding_time: Some(tendermint_proto::google::protobuf::Duration {
                    seconds: params.unbonding_time_seconds as i64,
                    nanos: 0,
                }),
                max_validators: params.max_validators,
                max_entries: params.max_entries,
                historical_entries: params.historical_entries,
                bond_denom: params.bond_denom,
                min_commission_rate: decimal_to_proto(params.min_commission_rate),
            }),
        }))
    }
}
