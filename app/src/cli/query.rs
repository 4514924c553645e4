use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryTotalSupplyRequest, QueryTotalSupplyResponse};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use tendermint_rpc::Client;

use crate::client::{ChainClient, Committed};
use crate::error::CliError;

#[derive(Args, Clone)]
pub struct NodeArgs {
    /// The CometBFT RPC of a node.
    #[arg(long, default_value = "http://127.0.0.1:26657", env = "RMESHD_NODE")]
    pub node: String,
}

/// Which page of a list to ask for, as the SDK CLI's `--limit` / `--page-key` flags.
#[derive(Args, Clone)]
pub struct PageArgs {
    /// Items per page (the node holds a page to at most 1000).
    #[arg(long, default_value_t = rmesh_core::query::DEFAULT_PAGE_LIMIT)]
    pub limit: u64,
    /// The `next_key` a previous page printed (base64); none for the first page.
    #[arg(long, default_value = "")]
    pub page_key: String,
    /// Also print how many items the whole list holds.
    #[arg(long)]
    pub count_total: bool,
    /// List from the end.
    #[arg(long)]
    pub reverse: bool,
}

impl PageArgs {
    pub fn request(&self) -> Result<PageRequest, CliError> {
        use base64::Engine as _;
        let key = base64::engine::general_purpose::STANDARD
            .decode(&self.page_key)
            .map_err(|e| {
                CliError::Input(format!(
                    "--page-key {}: {e}; give the next_key a previous page printed",
                    self.page_key
                ))
            })?;
        Ok(PageRequest {
            key,
            offset: 0,
            limit: self.limit,
            count_total: self.count_total,
            reverse: self.reverse,
        })
    }
}

/// A page's `PageResponse` as the SDK CLI prints it.
pub fn page_json(page: Option<&PageResponse>) -> serde_json::Value {
    use base64::Engine as _;
    let page = page.cloned().unwrap_or_default();
    let next_key = (!page.next_key.is_empty())
        .then(|| base64::engine::general_purpose::STANDARD.encode(&page.next_key));
    serde_json::json!({ "next_key": next_key, "total": page.total.to_string() })
}

#[derive(Subcommand)]
pub enum QueryCommand {
    /// Bank queries.
    #[command(subcommand)]
    Bank(BankQuery),
    /// Staking queries.
    #[command(subcommand)]
    Staking(super::staking::StakingQuery),
    /// Reward queries.
    #[command(subcommand)]
    Distribution(DistributionQuery),
    /// Liveness and jailing queries.
    #[command(subcommand)]
    Slashing(SlashingQuery),
    /// Providers, positions and packets of the mesh-security converter.
    #[command(subcommand)]
    Converter(super::mesh::ConverterQuery),
    /// Virtual stake, epochs and params of mesh security.
    #[command(subcommand)]
    VirtualStaking(super::mesh::VirtualStakingQuery),
    /// Governance: proposals, votes, deposits, tallies and params.
    #[command(subcommand)]
    Gov(super::gov::GovQuery),
    /// Software upgrades: the scheduled plan, applied plans, module versions.
    #[command(subcommand)]
    Upgrade(super::gov::UpgradeQuery),
    /// Consumers this chain secures and the validator sets they reported (provider role).
    #[command(subcommand)]
    ExternalStaking(super::provider::ExternalStakingQuery),
    /// Collateral, liens and local stake in the vault (provider role).
    #[command(subcommand)]
    Vault(super::provider::VaultQuery),
    /// An account's number, sequence and public key.
    Account {
        address: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A committed tx by hash.
    Tx {
        hash: String,
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Subcommand)]
pub enum DistributionQuery {
    /// A delegation's pending rewards (whole tokens and the exact 18-decimal amount).
    Rewards {
        delegator: String,
        validator: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The community pool.
    CommunityPool {
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Subcommand)]
pub enum SlashingQuery {
    /// Every validator's signing info (missed blocks, jailed until, tombstoned).
    SigningInfos {
        #[command(flatten)]
        node: NodeArgs,
    },
}

/// DecCoins as the SDK prints them: 18-decimal amounts.
fn dec_coins_json(coins: &[cosmos_sdk_proto::cosmos::base::v1beta1::DecCoin]) -> serde_json::Value {
    coins
        .iter()
        .map(|c| {
            let atomics: u128 = c.amount.parse().unwrap_or(0);
            let amount = rmesh_core::Decimal::from_atomics(atomics).to_string();
            serde_json::json!({ "denom": c.denom, "amount": amount })
        })
        .collect()
}

async fn run_rewards_query(command: DistributionQuery) -> Result<serde_json::Value, CliError> {
    use cosmos_sdk_proto::cosmos::distribution::v1beta1 as pb;
    Ok(match command {
        DistributionQuery::Rewards {
            delegator,
            validator,
            node,
        } => {
            let request = pb::QueryDelegationRewardsRequest {
                delegator_address: delegator,
                validator_address: validator,
            };
            let response: pb::QueryDelegationRewardsResponse = ChainClient::connect(&node.node)?
                .query(
                    "/cosmos.distribution.v1beta1.Query/DelegationRewards",
                    &request,
                    0,
                )
                .await?;
            serde_json::json!({ "rewards": dec_coins_json(&response.rewards) })
        }
        DistributionQuery::CommunityPool { node } => {
            let response: pb::QueryCommunityPoolResponse = ChainClient::connect(&node.node)?
                .query(
                    "/cosmos.distribution.v1beta1.Query/CommunityPool",
                    &pb::QueryCommunityPoolRequest {},
                    0,
                )
                .await?;
            serde_json::json!({ "pool": dec_coins_json(&response.pool) })
        }
    })
}

async fn run_slashing_query(command: SlashingQuery) -> Result<serde_json::Value, CliError> {
    use cosmos_sdk_proto::cosmos::slashing::v1beta1 as pb;
    let SlashingQuery::SigningInfos { node } = command;
    let response: pb::QuerySigningInfosResponse = ChainClient::connect(&node.node)?
        .query(
            "/cosmos.slashing.v1beta1.Query/SigningInfos",
            &pb::QuerySigningInfosRequest { pagination: None },
            0,
        )
        .await?;
    let infos: Vec<serde_json::Value> = response
        .info
        .iter()
        .map(|i| {
            serde_json::json!({
                "address": i.address,
                "start_height": i.start_height.to_string(),
                "missed_blocks_counter": i.missed_blocks_counter.to_string(),
                "jailed_until": i.jailed_until.as_ref().map(|t| t.seconds).unwrap_or_default().to_string(),
                "tombstoned": i.tombstoned,
            })
        })
        .collect();
    Ok(serde_json::json!({ "info": infos }))
}

#[derive(Subcommand)]
pub enum BankQuery {
    /// All balances of an address.
    Balances {
        address: String,
        /// Read the state committed by this block (0 = latest).
        #[arg(long, default_value_t = 0)]
        height: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The total supply of every denom.
    TotalSupply {
        #[command(flatten)]
        node: NodeArgs,
    },
}

fn coins_json(coins: &[ProtoCoin]) -> serde_json::Value {
    coins
        .iter()
        .map(|c| serde_json::json!({ "denom": c.denom, "amount": c.amount }))
        .collect()
}

pub fn committed_json(committed: &Committed) -> serde_json::Value {
    let events: Vec<serde_json::Value> = committed
        .events
        .iter()
        .map(|event| {
            let attributes: Vec<serde_json::Value> = event
                .attributes
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "key": a.key_str().unwrap_or_default(),
                        "value": a.value_str().unwrap_or_default(),
                    })
                })
                .collect();
            serde_json::json!({ "type": event.kind, "attributes": attributes })
        })
        .collect();
    serde_json::json!({
        "txhash": committed.hash,
        "height": committed.height.to_string(),
        "code": committed.code,
        "raw_log": committed.log,
        "gas_wanted": committed.gas_wanted.to_string(),
        "gas_used": committed.gas_used.to_string(),
        "events": events,
    })
}

pub async fn run(command: QueryCommand) -> Result<(), CliError> {
    if let QueryCommand::Bank(BankQuery::Balances { address, .. })
    | QueryCommand::Account { address, .. } = &command
    {
        rmesh_core::Address::from_bech32_any_prefix(address)?;
    }
    match command {
        QueryCommand::Staking(command) => return super::staking::run_query(command).await,
        QueryCommand::Distribution(command) => {
            super::print_json(&run_rewards_query(command).await?)
        }
        QueryCommand::Slashing(command) => super::print_json(&run_slashing_query(command).await?),
        QueryCommand::Converter(command) => {
            super::print_json(&super::mesh::run_converter_query(command).await?)
        }
        QueryCommand::Gov(command) => super::print_json(&super::gov::run_query(command).await?),
        QueryCommand::Upgrade(command) => {
            super::print_json(&super::gov::run_upgrade_query(command).await?)
        }
        QueryCommand::VirtualStaking(command) => {
            super::print_json(&super::mesh::run_virtual_staking_query(command).await?)
        }
        QueryCommand::ExternalStaking(command) => {
            super::print_json(&super::provider::run_external_staking_query(command).await?)
        }
        QueryCommand::Vault(command) => {
            super::print_json(&super::provider::run_vault_query(command).await?)
        }
        QueryCommand::Bank(BankQuery::Balances {
            address,
            height,
            node,
        }) => {
            let balances = ChainClient::connect(&node.node)?
                .balances(&address, height)
                .await?;
            super::print_json(&serde_json::json!({ "balances": coins_json(&balances) }));
        }
        QueryCommand::Bank(BankQuery::TotalSupply { node }) => {
            let client = ChainClient::connect(&node.node)?;
            let response: QueryTotalSupplyResponse = client
                .query(
                    "/cosmos.bank.v1beta1.Query/TotalSupply",
                    &QueryTotalSupplyRequest { pagination: None },
                    0,
                )
                .await?;
            super::print_json(&serde_json::json!({ "supply": coins_json(&response.supply) }));
        }
        QueryCommand::Account { address, node } => {
            let account = ChainClient::connect(&node.node)?.account(&address).await?;
            let pub_key = account.pub_key.map(
                |key| serde_json::json!({ "@type": key.type_url, "value": hex::encode(key.value) }),
            );
            super::print_json(&serde_json::json!({
                "account": {
                    "@type": "/cosmos.auth.v1beta1.BaseAccount",
                    "address": account.address,
                    "pub_key": pub_key,
                    "account_number": account.account_number.to_string(),
                    "sequence": account.sequence.to_string(),
                }
            }));
        }
        QueryCommand::Tx { hash, node } => {
            let committed = ChainClient::connect(&node.node)?
                .committed_tx(&hash)
                .await?;
            super::print_json(&committed_json(&committed));
        }
    }
    Ok(())
}

pub async fn status(args: NodeArgs) -> Result<(), CliError> {
    let client = ChainClient::connect(&args.node)?;
    let status = client.rpc().status().await.map_err(|e| CliError::Node {
        node: args.node.clone(),
        message: crate::client::rpc_error_text(&e),
    })?;
    let value = serde_json::to_value(&status).map_err(|e| CliError::Other(e.to_string()))?;
    super::print_json(&value);
    Ok(())
}
