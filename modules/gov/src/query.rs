//! `cosmos.gov.v1.Query`, answered from a committed snapshot (the latest or the one named by
//! `x-cosmos-block-height`).

use cosmos_sdk_proto::cosmos::gov::v1::{self as pb, query_server::Query, ProposalStatus};
use rmesh_auth::AccountRead;
use rmesh_core::query::{page, snapshot_for, status, Committed};
use tonic::{Request, Response, Status};

use crate::tally::tally;
use crate::view::GovRead;

pub struct GovQuery {
    storage: Committed,
}

impl GovQuery {
    pub fn new(storage: Committed) -> Self {
        GovQuery { storage }
    }
}

fn not_found(what: String) -> Status {
    Status::not_found(what)
}

fn zero_tally() -> pb::TallyResult {
    pb::TallyResult {
        yes_count: "0".into(),
        abstain_count: "0".into(),
        no_count: "0".into(),
        no_with_veto_count: "0".into(),
    }
}

#[tonic::async_trait]
impl Query for GovQuery {
    async fn constitution(
        &self,
        request: Request<pb::QueryConstitutionRequest>,
    ) -> Result<Response<pb::QueryConstitutionResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        Ok(Response::new(pb::QueryConstitutionResponse {
            constitution: snapshot.constitution().await.map_err(status)?,
        }))
    }

    async fn proposal(
        &self,
        request: Request<pb::QueryProposalRequest>,
    ) -> Result<Response<pb::QueryProposalResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let id = request.get_ref().proposal_id;
        if id == 0 {
            return Err(Status::invalid_argument("proposal id can not be 0"));
        }
        let proposal = snapshot
            .proposal(id)
            .await
            .map_err(status)?
            .ok_or_else(|| not_found(format!("proposal {id} doesn't exist")))?;
        Ok(Response::new(pb::QueryProposalResponse {
            proposal: Some(proposal),
        }))
    }

    /// Proposals by id, filtered by status, and by a voter or depositor they have.
    async fn proposals(
        &self,
        request: Request<pb::QueryProposalsRequest>,
    ) -> Result<Response<pb::QueryProposalsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let asked = request.get_ref();
        let voter = match asked.voter.as_str() {
            "" => None,
            text => Some(snapshot.parse_address(text).await.map_err(status)?),
        };
        let depositor = match asked.depositor.as_str() {
            "" => None,
            text => Some(snapshot.parse_address(text).await.map_err(status)?),
        };
        let mut matching = Vec::new();
        for proposal in snapshot.all_proposals().await.map_err(status)? {
            if asked.proposal_status != ProposalStatus::Unspecified as i32
                && proposal.status != asked.proposal_status
            {
                continue;
            }
            if let Some(voter) = &voter {
                if snapshot
                    .vote(proposal.id, voter)
                    .await
                    .map_err(status)?
                    .is_none()
                {
                    continue;
                }
            }
            if let Some(depositor) = &depositor {
                if snapshot
                    .deposit(proposal.id, depositor)
                    .await
                    .map_err(status)?
                    .is_none()
                {
                    continue;
                }
            }
            matching.push(proposal);
        }
        let (proposals, pagination) = page(matching, asked.pagination.as_ref())?;
        Ok(Response::new(pb::QueryProposalsResponse {
            proposals,
            pagination,
        }))
    }

    async fn vote(
        &self,
        request: Request<pb::QueryVoteRequest>,
    ) -> Result<Response<pb::QueryVoteResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let asked = request.get_ref();
        let voter = snapshot.parse_address(&asked.voter).await.map_err(status)?;
        let vote = snapshot
            .vote(asked.proposal_id, &voter)
            .await
            .map_err(status)?
            .ok_or_else(|| {
                not_found(format!(
                    "voter: {} not found for proposal: {}",
                    asked.voter, asked.proposal_id
                ))
            })?;
        Ok(Response::new(pb::QueryVoteResponse { vote: Some(vote) }))
    }

    async fn votes(
        &self,
        request: Request<pb::QueryVotesRequest>,
    ) -> Result<Response<pb::QueryVotesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let asked = request.get_ref();
        let votes = snapshot.votes(asked.proposal_id).await.map_err(status)?;
        let (votes, pagination) = page(votes, asked.pagination.as_ref())?;
        Ok(Response::new(pb::QueryVotesResponse { votes, pagination }))
    }

    /// The params, and the deprecated part `params_type` names, as the SDK answers.
    #[allow(deprecated)]
    async fn params(
        &self,
        request: Request<pb::QueryParamsRequest>,
    ) -> Result<Response<pb::QueryParamsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let params = snapshot.gov_params().await.map_err(status)?.to_proto();
        let mut response = pb::QueryParamsResponse {
            voting_params: None,
            deposit_params: None,
            tally_params: None,
            params: Some(params.clone()),
        };
        match request.get_ref().params_type.as_str() {
            "voting" => {
                response.voting_params = Some(pb::VotingParams {
                    voting_period: params.voting_period,
                })
            }
            "deposit" => {
                response.deposit_params = Some(pb::DepositParams {
                    min_deposit: params.min_deposit,
                    max_deposit_period: params.max_deposit_period,
                })
            }
            "tallying" => {
                response.tally_params = Some(pb::TallyParams {
                    quorum: params.quorum,
                    threshold: params.threshold,
                    veto_threshold: params.veto_threshold,
                })
            }
            "" => {}
            other => {
                return Err(Status::invalid_argument(format!(
                    "{other:?} is not a valid parameter type: voting, deposit or tallying"
                )))
            }
        }
        Ok(Response::new(response))
    }

    async fn deposit(
        &self,
        request: Request<pb::QueryDepositRequest>,
    ) -> Result<Response<pb::QueryDepositResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let asked = request.get_ref();
        let depositor = snapshot
            .parse_address(&asked.depositor)
            .await
            .map_err(status)?;
        let deposit = snapshot
            .deposit(asked.proposal_id, &depositor)
            .await
            .map_err(status)?
            .ok_or_else(|| {
                not_found(format!(
                    "depositer: {} not found for proposal: {}",
                    asked.depositor, asked.proposal_id
                ))
            })?;
        Ok(Response::new(pb::QueryDepositResponse {
            deposit: Some(deposit),
        }))
    }

    async fn deposits(
        &self,
        request: Request<pb::QueryDepositsRequest>,
    ) -> Result<Response<pb::QueryDepositsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let asked = request.get_ref();
        let deposits = snapshot.deposits(asked.proposal_id).await.map_err(status)?;
        let (deposits, pagination) = page(deposits, asked.pagination.as_ref())?;
        Ok(Response::new(pb::QueryDepositsResponse {
            deposits,
            pagination,
        }))
    }

    /// The final tally of a decided proposal, the votes so far of one in its voting period,
    /// zeros before it.
    async fn tally_result(
        &self,
        request: Request<pb::QueryTallyResultRequest>,
    ) -> Result<Response<pb::QueryTallyResultResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let id = request.get_ref().proposal_id;
        let proposal = snapshot
            .proposal(id)
            .await
            .map_err(status)?
            .ok_or_else(|| not_found(format!("proposal {id} doesn't exist")))?;
        let tally = match proposal.status() {
            ProposalStatus::DepositPeriod => zero_tally(),
            ProposalStatus::VotingPeriod => {
                tally(&snapshot, &proposal).await.map_err(status)?.result
            }
            _ => proposal.final_tally_result.unwrap_or_else(zero_tally),
        };
        Ok(Response::new(pb::QueryTallyResultResponse {
            tally: Some(tally),
        }))
    }
}
