//! `rmeshd tx staking ...`, `rmeshd query staking ...` and the validator key helpers they share
//! with `rmeshd genesis add-validator`.

use std::path::Path;

use base64::Engine;
use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_core::{Coin, Decimal};

use super::query::NodeArgs;
use super::tx::{sign_and_broadcast, TxArgs};
use crate::client::ChainClient;
use crate::error::CliError;
use crate::keyring::Keyring;

/// The base64 ed25519 public key in a CometBFT home's `config/priv_validator_key.json`.
pub fn node_consensus_pubkey(home: &Path) -> Result<String, CliError> {
    let path = home.join("config").join("priv_validator_key.json");
    let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    json.pointer("/pub_key/value")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .ok_or_else(|| CliError::Input(format!("{}: no pub_key.value", path.display())))
}

fn pubkey_any(base64_key: &str) -> Result<Any, CliError> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(base64_key)
        .map_err(|e| CliError::Input(format!("consensus pubkey is not base64: {e}")))?;
    if key.len() != 32 {
        return Err(CliError::Input(
            "consensus pubkey must be a 32-byte ed25519 key".into(),
        ));
    }
    Ok(Any {
        type_url: "/cosmos.crypto.ed25519.PubKey".into(),
        value: PubKey { key }.encode_to_vec(),
    })
}

/// The SDK's protobuf form of a decimal (its 18-place atomics).
fn proto_decimal(text: &str) -> Result<String, CliError> {
    let value: Decimal = text.parse().map_err(|e| CliError::Input(format!("{e}")))?;
    Ok(value.atomics().to_string())
}

fn proto_coin(text: &str) -> Result<ProtoCoin, CliError> {
    let coin: Coin = text.parse()?;
    Ok(ProtoCoin {
        denom: coin.denom,
        amount: coin.amount.to_string(),
    })
}

pub fn packed<M: Message + Name>(message: M) -> Any {
    Any {
        type_url: M::type_url(),
        value: message.encode_to_vec(),
    }
}

#[derive(Args)]
pub struct CommissionArgs {
    #[arg(long, default_value = "0.1")]
    pub commission_rate: String,
    #[arg(long, default_value = "0.2")]
    pub commission_max_rate: String,
    #[arg(long, default_value = "0.01")]
    pub commission_max_change_rate: String,
    #[arg(long, default_value = "1")]
    pub min_self_delegation: String,
}

#[derive(Subcommand)]
pub enum StakingTx {
    /// Makes this node's consensus key a validator, self-bonding `amount` from the `--from` key.
    CreateValidator {
        /// Self-bond, e.g. 10000000urmesh.
        amount: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        moniker: String,
        /// Base64 ed25519 key; default: this home's config/priv_validator_key.json.
        #[arg(long)]
        pubkey: Option<String>,
        #[command(flatten)]
        commission: CommissionArgs,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Delegates tokens to a validator.
    Delegate {
        validator: String,
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Starts unbonding tokens from a validator.
    Unbond {
        validator: String,
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Moves stake from one validator to another without unbonding.
    Redelegate {
        source: String,
        destination: String,
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

/// Builds the messages from the signer's (account, operator) addresses, known once the node has
/// told us its bech32 prefix.
pub type MessageBuilder = Box<dyn FnOnce(String, String) -> Result<Vec<Any>, CliError>>;

pub async fn run_tx(home: &Path, command: StakingTx) -> Result<(), CliError> {
    let (from, tx, build): (String, TxArgs, MessageBuilder) = match command {
        StakingTx::CreateValidator {
            amount,
            from,
            moniker,
            pubkey,
            commission,
            tx,
        } => {
            let pubkey = match pubkey {
                Some(key) => key,
                None => node_consensus_pubkey(home)?,
            };
            let value = proto_coin(&amount)?;
            let message = move |_: String, operator: String| {
                Ok(vec![packed(pb::MsgCreateValidator {
                    description: Some(pb::Description {
                        moniker,
                        ..Default::default()
                    }),
                    commission: Some(pb::CommissionRates {
                        rate: proto_decimal(&commission.commission_rate)?,
                        max_rate: proto_decimal(&commission.commission_max_rate)?,
                        max_change_rate: proto_decimal(&commission.commission_max_change_rate)?,
                    }),
                    min_self_delegation: commission.min_self_delegation,
                    validator_address: operator,
                    pubkey: Some(pubkey_any(&pubkey)?),
                    value: Some(value),
                    ..Default::default()
                })])
            };
            (from, tx, Box::new(message))
        }
        StakingTx::Delegate {
            validator,
            amount,
            from,
            tx,
        } => {
            let amount = proto_coin(&amount)?;
            let message = move |delegator: String, _: String| {
                Ok(vec![packed(pb::MsgDelegate {
                    delegator_address: delegator,
                    validator_address: validator,
                    amount: Some(amount),
                })])
            };
            (from, tx, Box::new(message))
        }
        StakingTx::Unbond {
            validator,
            amount,
            from,
            tx,
        } => {
            let amount = proto_coin(&amount)?;
            let message = move |delegator: String, _: String| {
                Ok(vec![packed(pb::MsgUndelegate {
                    delegator_address: delegator,
                    validator_address: validator,
                    amount: Some(amount),
                })])
            };
            (from, tx, Box::new(message))
        }
        StakingTx::Redelegate {
            source,
            destination,
            amount,
            from,
            tx,
        } => {
            let amount = proto_coin(&amount)?;
            let message = move |delegator: String, _: String| {
                Ok(vec![packed(pb::MsgBeginRedelegate {
                    delegator_address: delegator,
                    validator_src_address: source,
                    validator_dst_address: destination,
                    amount: Some(amount),
                })])
            };
            (from, tx, Box::new(message))
        }
    };
    sign_and_send(home, &from, &tx, build).await
}

/// Signs the message `build` makes for the `from` key's addresses, and broadcasts it.
pub async fn sign_and_send(
    home: &Path,
    from: &str,
    tx: &TxArgs,
    build: MessageBuilder,
) -> Result<(), CliError> {
    let key = Keyring::open(home).get(from)?;
    let client = ChainClient::connect(&tx.node.node)?;
    let prefix = client.bech32_prefix().await?;
    let delegator = key.address(&prefix)?;
    let operator = key.address(&rmesh_core::address::operator_prefix(&prefix))?;
    let messages = build(delegator, operator)?;
    sign_and_broadcast(&client, &key, messages, tx).await
}

#[derive(Subcommand)]
pub enum StakingQuery {
    /// All validators.
    Validators {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// One validator by operator address.
    Validator {
        validator: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A delegator's delegations.
    Delegations {
        delegator: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A delegator's unbonding delegations.
    UnbondingDelegations {
        delegator: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Staking parameters.
    Params {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Bonded and not-bonded token totals.
    Pool {
        #[command(flatten)]
        node: NodeArgs,
    },
}

fn validator_json(v: &pb::Validator) -> serde_json::Value {
    serde_json::json!({
        "operator_address": v.operator_address,
        "moniker": v.description.as_ref().map(|d| d.moniker.clone()).unwrap_or_default(),
        "status": pb::BondStatus::try_from(v.status).map(|s| s.as_str_name()).unwrap_or("BOND_STATUS_UNSPECIFIED"),
        "jailed": v.jailed,
        "tokens": v.tokens,
        "delegator_shares": v.delegator_shares,
    })
}

pub async fn run_query(command: StakingQuery) -> Result<(), CliError> {
    const PATH: &str = "/cosmos.staking.v1beta1.Query/";
    let output = match command {
        StakingQuery::Validators { node } => {
            let request = pb::QueryValidatorsRequest::default();
            let response: pb::QueryValidatorsResponse = ChainClient::connect(&node.node)?
                .query(&format!("{PATH}Validators"), &request, 0)
                .await?;
            serde_json::json!({ "validators": response.validators.iter().map(validator_json).collect::<Vec<_>>() })
        }
        StakingQuery::Validator { validator, node } => {
            let request = pb::QueryValidatorRequest {
                validator_addr: validator,
            };
            let response: pb::QueryValidatorResponse = ChainClient::connect(&node.node)?
                .query(&format!("{PATH}Validator"), &request, 0)
                .await?;
            serde_json::json!({ "validator": response.validator.as_ref().map(validator_json) })
        }
        StakingQuery::Delegations { delegator, node } => {
            let request = pb::QueryDelegatorDelegationsRequest {
                delegator_addr: delegator,
                pagination: None,
            };
            let response: pb::QueryDelegatorDelegationsResponse = ChainClient::connect(&node.node)?
                .query(&format!("{PATH}DelegatorDelegations"), &request, 0)
                .await?;
            let entries: Vec<serde_json::Value> = response
                .delegation_responses
                .iter()
                .map(|r| {
                    let d = r.delegation.clone().unwrap_or_default();
                    let balance = r.balance.clone().unwrap_or_default();
                    serde_json::json!({
                        "validator_address": d.validator_address,
                        "shares": d.shares,
                        "balance": { "denom": balance.denom, "amount": balance.amount },
                    })
                })
                .collect();
            serde_json::json!({ "delegation_responses": entries })
        }
        StakingQuery::UnbondingDelegations { delegator, node } => {
            let request = pb::QueryDelegatorUnbondingDelegationsRequest {
                delegator_addr: delegator,
                pagination: None,
            };
            let response: pb::QueryDelegatorUnbondingDelegationsResponse =
                ChainClient::connect(&node.node)?
                    .query(&format!("{PATH}DelegatorUnbondingDelegations"), &request, 0)
                    .await?;
            let entries: Vec<serde_json::Value> = response
                .unbonding_responses
                .iter()
                .map(|u| {
                    let balances: Vec<&String> = u.entries.iter().map(|e| &e.balance).collect();
                    serde_json::json!({ "validator_address": u.validator_address, "balances": balances })
                })
                .collect();
            serde_json::json!({ "unbonding_responses": entries })
        }
        StakingQuery::Params { node } => {
            let response: pb::QueryParamsResponse = ChainClient::connect(&node.node)?
                .query(&format!("{PATH}Params"), &pb::QueryParamsRequest {}, 0)
                .await?;
            let p = response.params.unwrap_or_default();
            serde_json::json!({
                "unbonding_time": format!("{}s", p.unbonding_time.map(|d| d.seconds).unwrap_or_default()),
                "max_validators": p.max_validators,
                "max_entries": p.max_entries,
                "historical_entries": p.historical_entries,
                "bond_denom": p.bond_denom,
            })
        }
        StakingQuery::Pool { node } => {
            let response: pb::QueryPoolResponse = ChainClient::connect(&node.node)?
                .query(&format!("{PATH}Pool"), &pb::QueryPoolRequest {}, 0)
                .await?;
            let pool = response.pool.unwrap_or_default();
            serde_json::json!({ "bonded_tokens": pool.bonded_tokens, "not_bonded_tokens": pool.not_bonded_tokens })
        }
    };
    super::print_json(&output);
    Ok(())
}
