//! Governance commands: `tx gov submit-proposal FILE|deposit|vote|weighted-vote` and
//! `query gov ...`, printing answers as the REST API writes them.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use prost::{Message, Name};
use prost_reflect::DynamicMessage;
use rmesh_core::Coins;
use serde_json::{json, Value};

use super::mesh::ask;
use super::query::{NodeArgs, PageArgs};
use super::staking::{packed, sign_and_send};
use super::tx::TxArgs;
use crate::error::CliError;
use crate::rest::transcode::{from_json, to_json};

#[derive(Subcommand)]
pub enum GovTx {
    /// Submits the proposal a JSON file describes, in the SDK's format: `messages` (each with
    /// its `@type`, signed by the gov account), `metadata`, `deposit` (e.g. "10000000urmesh"),
    /// `title`, `summary` and optionally `expedited`.
    SubmitProposal {
        file: PathBuf,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Adds to a proposal's deposit.
    Deposit {
        proposal_id: u64,
        /// e.g. 1000000urmesh
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Votes yes, no, abstain or no_with_veto.
    Vote {
        proposal_id: u64,
        option: String,
        #[arg(long, default_value = "")]
        metadata: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Splits a vote across options, e.g. "yes=0.6,no=0.4" (weights sum to 1).
    WeightedVote {
        proposal_id: u64,
        options: String,
        #[arg(long, default_value = "")]
        metadata: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

#[derive(Subcommand)]
pub enum GovQuery {
    /// Proposals, optionally by status (deposit_period, voting_period, passed, rejected,
    /// failed), voter or depositor.
    Proposals {
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value = "")]
        voter: String,
        #[arg(long, default_value = "")]
        depositor: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArgs,
    },
    Proposal {
        proposal_id: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
    Votes {
        proposal_id: u64,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArgs,
    },
    Vote {
        proposal_id: u64,
        voter: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    Deposits {
        proposal_id: u64,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArgs,
    },
    Deposit {
        proposal_id: u64,
        depositor: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The votes counted so far (or the final tally).
    Tally {
        proposal_id: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
    Params {
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Subcommand)]
pub enum UpgradeQuery {
    /// The scheduled upgrade plan, if any.
    Plan {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The height an upgrade plan was applied at (0: never).
    Applied {
        name: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Every module's consensus version.
    ModuleVersions {
        #[command(flatten)]
        node: NodeArgs,
    },
}

/// A vote option by its CLI name.
fn vote_option(name: &str) -> Result<pb::VoteOption, CliError> {
    match name.to_ascii_lowercase().as_str() {
        "yes" => Ok(pb::VoteOption::Yes),
        "no" => Ok(pb::VoteOption::No),
        "abstain" => Ok(pb::VoteOption::Abstain),
        "no_with_veto" | "nowithveto" | "veto" => Ok(pb::VoteOption::NoWithVeto),
        other => Err(CliError::Input(format!(
            "vote option {other:?}: expected yes, no, abstain or no_with_veto"
        ))),
    }
}

fn proto_coins(text: &str) -> Result<Vec<cosmos_sdk_proto::cosmos::base::v1beta1::Coin>, CliError> {
    let coins: Coins = text.parse()?;
    Ok(coins
        .iter()
        .map(|coin| cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
            denom: coin.denom,
            amount: coin.amount.to_string(),
        })
        .collect())
}

/// `MsgSubmitProposal` from the SDK's proposal file and the proposer's address.
fn proposal_from_file(file: &Path, proposer: &str) -> Result<pb::MsgSubmitProposal, CliError> {
    let text = std::fs::read(file).map_err(|e| CliError::io(file, e))?;
    let mut json: Value = serde_json::from_slice(&text)
        .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
    let object = json
        .as_object_mut()
        .ok_or_else(|| CliError::Input(format!("{}: expected a JSON object", file.display())))?;
    let deposit = object
        .remove("deposit")
        .map(|value| value.as_str().map(str::to_string).unwrap_or_default())
        .unwrap_or_default();
    let deposit: Vec<Value> = proto_coins(&deposit)?
        .into_iter()
        .map(|coin| json!({ "denom": coin.denom, "amount": coin.amount }))
        .collect();
    object.insert("initial_deposit".into(), Value::Array(deposit));
    object.insert("proposer".into(), Value::String(proposer.to_string()));
    let descriptor = crate::descriptors::pool()
        .get_message_by_name(&pb::MsgSubmitProposal::full_name())
        .ok_or_else(|| {
            CliError::Other("MsgSubmitProposal is missing from the descriptors".into())
        })?;
    let bytes = serde_json::to_vec(&json).map_err(|e| CliError::Other(e.to_string()))?;
    let message = from_json(&descriptor, &bytes)
        .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
    pb::MsgSubmitProposal::decode(message.encode_to_vec().as_slice())
        .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))
}

pub async fn run_tx(home: &Path, command: GovTx) -> Result<(), CliError> {
    let (from, tx, build): (String, TxArgs, super::staking::MessageBuilder) = match command {
        GovTx::SubmitProposal { file, from, tx } => {
            let build = move |proposer: String, _: String| {
                Ok(vec![packed(proposal_from_file(&file, &proposer)?)])
            };
            (from, tx, Box::new(build))
        }
        GovTx::Deposit {
            proposal_id,
            amount,
            from,
            tx,
        } => {
            let amount = proto_coins(&amount)?;
            let build = move |depositor: String, _: String| {
                Ok(vec![packed(pb::MsgDeposit {
                    proposal_id,
                    depositor,
                    amount,
                })])
            };
            (from, tx, Box::new(build))
        }
        GovTx::Vote {
            proposal_id,
            option,
            metadata,
            from,
            tx,
        } => {
            let option = vote_option(&option)? as i32;
            let build = move |voter: String, _: String| {
                Ok(vec![packed(pb::MsgVote {
                    proposal_id,
                    voter,
                    option,
                    metadata,
                })])
            };
            (from, tx, Box::new(build))
        }
        GovTx::WeightedVote {
            proposal_id,
            options,
            metadata,
            from,
            tx,
        } => {
            let mut weighted = Vec::new();
            for part in options.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (option, weight) = part.split_once('=').ok_or_else(|| {
                    CliError::Input(format!("{part:?}: expected option=weight, e.g. yes=0.6"))
                })?;
                weighted.push(pb::WeightedVoteOption {
                    option: vote_option(option.trim())? as i32,
                    weight: weight.trim().to_string(),
                });
            }
            let build = move |voter: String, _: String| {
                Ok(vec![packed(pb::MsgVoteWeighted {
                    proposal_id,
                    voter,
                    options: weighted,
                    metadata,
                })])
            };
            (from, tx, Box::new(build))
        }
    };
    sign_and_send(home, &from, &tx, build).await
}

/// An answer as the REST API writes it.
fn gateway_json<M: Message + Name>(answer: &M) -> Result<Value, CliError> {
    let descriptor = crate::descriptors::pool()
        .get_message_by_name(&M::full_name())
        .ok_or_else(|| {
            CliError::Other(format!(
                "{} is missing from the descriptors",
                M::full_name()
            ))
        })?;
    let message = DynamicMessage::decode(descriptor, answer.encode_to_vec().as_slice())
        .map_err(|e| CliError::Other(e.to_string()))?;
    to_json(&message).map_err(|e| CliError::Other(e.to_string()))
}

fn proposal_status(name: &str) -> Result<i32, CliError> {
    let full = format!("PROPOSAL_STATUS_{}", name.to_ascii_uppercase());
    pb::ProposalStatus::from_str_name(&full)
        .map(|status| status as i32)
        .ok_or_else(|| {
            CliError::Input(format!(
                "status {name:?}: expected deposit_period, voting_period, passed, rejected or failed"
            ))
        })
}

/// `method` (e.g. `cosmos.gov.v1.Query/Votes`) asked of `node`, answered as the REST API
/// writes it.
async fn answer<Req: Message, Resp: Message + Name + Default>(
    node: &NodeArgs,
    method: &str,
    request: &Req,
) -> Result<Value, CliError> {
    let answer: Resp = ask(node, &format!("/{method}"), request).await?;
    gateway_json(&answer)
}

pub async fn run_query(command: GovQuery) -> Result<Value, CliError> {
    match command {
        GovQuery::Proposals {
            status,
            voter,
            depositor,
            page,
            node,
        } => {
            let request = pb::QueryProposalsRequest {
                proposal_status: status
                    .as_deref()
                    .map(proposal_status)
                    .transpose()?
                    .unwrap_or(0),
                voter,
                depositor,
                pagination: Some(page.request()?),
            };
            answer::<_, pb::QueryProposalsResponse>(
                &node,
                "cosmos.gov.v1.Query/Proposals",
                &request,
            )
            .await
        }
        GovQuery::Proposal { proposal_id, node } => {
            answer::<_, pb::QueryProposalResponse>(
                &node,
                "cosmos.gov.v1.Query/Proposal",
                &pb::QueryProposalRequest { proposal_id },
            )
            .await
        }
        GovQuery::Votes {
            proposal_id,
            page,
            node,
        } => {
            let request = pb::QueryVotesRequest {
                proposal_id,
                pagination: Some(page.request()?),
            };
            answer::<_, pb::QueryVotesResponse>(&node, "cosmos.gov.v1.Query/Votes", &request).await
        }
        GovQuery::Vote {
            proposal_id,
            voter,
            node,
        } => {
            answer::<_, pb::QueryVoteResponse>(
                &node,
                "cosmos.gov.v1.Query/Vote",
                &pb::QueryVoteRequest { proposal_id, voter },
            )
            .await
        }
        GovQuery::Deposits {
            proposal_id,
            page,
            node,
        } => {
            let request = pb::QueryDepositsRequest {
                proposal_id,
                pagination: Some(page.request()?),
            };
            answer::<_, pb::QueryDepositsResponse>(&node, "cosmos.gov.v1.Query/Deposits", &request)
                .await
        }
        GovQuery::Deposit {
            proposal_id,
            depositor,
            node,
        } => {
            answer::<_, pb::QueryDepositResponse>(
                &node,
                "cosmos.gov.v1.Query/Deposit",
                &pb::QueryDepositRequest {
                    proposal_id,
                    depositor,
                },
            )
            .await
        }
        GovQuery::Tally { proposal_id, node } => {
            answer::<_, pb::QueryTallyResultResponse>(
                &node,
                "cosmos.gov.v1.Query/TallyResult",
                &pb::QueryTallyResultRequest { proposal_id },
            )
            .await
        }
        GovQuery::Params { node } => {
            answer::<_, pb::QueryParamsResponse>(
                &node,
                "cosmos.gov.v1.Query/Params",
                &pb::QueryParamsRequest {
                    params_type: String::new(),
                },
            )
            .await
        }
    }
}

pub async fn run_upgrade_query(command: UpgradeQuery) -> Result<Value, CliError> {
    use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as upgrade;
    match command {
        UpgradeQuery::Plan { node } => {
            answer::<_, upgrade::QueryCurrentPlanResponse>(
                &node,
                "cosmos.upgrade.v1beta1.Query/CurrentPlan",
                &upgrade::QueryCurrentPlanRequest {},
            )
            .await
        }
        UpgradeQuery::Applied { name, node } => {
            answer::<_, upgrade::QueryAppliedPlanResponse>(
                &node,
                "cosmos.upgrade.v1beta1.Query/AppliedPlan",
                &upgrade::QueryAppliedPlanRequest { name },
            )
            .await
        }
        UpgradeQuery::ModuleVersions { node } => {
            answer::<_, upgrade::QueryModuleVersionsResponse>(
                &node,
                "cosmos.upgrade.v1beta1.Query/ModuleVersions",
                &upgrade::QueryModuleVersionsRequest {
                    module_name: String::new(),
                },
            )
            .await
        }
    }
}
