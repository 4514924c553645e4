//! Mesh-security commands: `query converter|virtual-staking ...` and the authority's
//! `tx converter|virtual-staking ...`.

use std::path::Path;

use clap::{Args, Subcommand};
use rmesh_proto::converter::v1 as converter;
use rmesh_proto::virtualstaking::v1 as virtual_staking;
use serde_json::{json, Value};

use super::query::{page_json, NodeArgs, PageArgs};
use super::staking::{packed, sign_and_send};
use super::tx::TxArgs;
use crate::client::ChainClient;
use crate::error::CliError;

#[derive(Subcommand)]
pub enum ConverterQuery {
    /// Every provider: config, status, stake, virtual stake and held rewards.
    Providers {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// One provider.
    Provider {
        id: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A provider's positions (provider denom), optionally of one delegator.
    Positions {
        provider: String,
        #[arg(long, default_value = "")]
        delegator: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Packets waiting for a provider's channel or for its ack.
    Packets {
        #[arg(long, default_value = "")]
        provider: String,
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Subcommand)]
pub enum VirtualStakingQuery {
    /// Epoch length, caps, remote share, tombstone policy and the mesh authority.
    Params {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The current epoch and the height the next one ends at.
    Epoch {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Virtual stake per (provider, validator), optionally of one validator.
    Stake {
        #[arg(long, default_value = "")]
        validator: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Virtual tokens minted, burned and delegated (kept out of the bank's supply).
    Supply {
        #[command(flatten)]
        node: NodeArgs,
    },
}

fn provider_json(info: &converter::ProviderInfo) -> Value {
    let provider = info.provider.clone().unwrap_or_default();
    let status = converter::ProviderStatus::try_from(provider.status)
        .map(|s| {
            s.as_str_name()
                .trim_start_matches("PROVIDER_STATUS_")
                .to_lowercase()
        })
        .unwrap_or_default();
    json!({
        "id": provider.id,
        "remote_denom": provider.remote_denom,
        "price": provider.price,
        "discount": provider.discount,
        "cap": provider.cap,
        "status": status,
        "price_feeder": provider.price_feeder,
        "channel_id": provider.channel_id,
        "connection_id": provider.connection_id,
        "channel_close": provider.channel_close.map(|close| json!({
            "grace_period_seconds": close.grace_period_seconds,
            "grace_ends_at": close.grace_ends_at,
        })),
        "staked": info.staked,
        "delegated": info.delegated,
        "held_rewards": info.held_rewards,
        "unattributed_burns": info.unattributed_burns,
    })
}

pub async fn ask<Req: prost::Message, Resp: prost::Message + Default>(
    node: &NodeArgs,
    path: &str,
    request: &Req,
) -> Result<Resp, CliError> {
    ChainClient::connect(&node.node)?
        .query(path, request, 0)
        .await
}

pub async fn run_converter_query(command: ConverterQuery) -> Result<Value, CliError> {
    Ok(match command {
        ConverterQuery::Providers { node } => {
            let response: converter::QueryProvidersResponse = ask(
                &node,
                "/rmesh.converter.v1.Query/Providers",
                &converter::QueryProvidersRequest {},
            )
            .await?;
            json!({ "providers": response.providers.iter().map(provider_json).collect::<Vec<_>>() })
        }
        ConverterQuery::Provider { id, node } => {
            let response: converter::QueryProviderResponse = ask(
                &node,
                "/rmesh.converter.v1.Query/Provider",
                &converter::QueryProviderRequest { id },
            )
            .await?;
            provider_json(&response.provider.unwrap_or_default())
        }
        ConverterQuery::Positions {
            provider,
            delegator,
            page,
            node,
        } => {
            let response: converter::QueryPositionsResponse = ask(
                &node,
                "/rmesh.converter.v1.Query/Positions",
                &converter::QueryPositionsRequest {
                    provider_id: provider,
                    delegator,
                    pagination: Some(page.request()?),
                },
            )
            .await?;
            let positions: Vec<Value> = response
                .positions
                .iter()
                .map(|p| json!({ "provider": p.provider_id, "delegator": p.delegator, "validator": p.validator, "amount": p.amount }))
                .collect();
            json!({ "positions": positions, "pagination": page_json(response.pagination.as_ref()) })
        }
        ConverterQuery::Packets { provider, node } => {
            let response: converter::QueryPendingPacketsResponse = ask(
                &node,
                "/rmesh.converter.v1.Query/PendingPackets",
                &converter::QueryPendingPacketsRequest {
                    provider_id: provider,
                },
            )
            .await?;
            let packets: Vec<Value> = response
                .packets
                .iter()
                .map(|p| {
                    json!({
                        "provider": p.provider_id,
                        "id": p.id,
                        "data": serde_json::from_str::<Value>(&p.data).unwrap_or(Value::String(p.data.clone())),
                        "timeout_seconds": p.timeout_seconds,
                        "attempts": p.attempts,
                        "in_flight": p.in_flight,
                    })
                })
                .collect();
            json!({ "packets": packets })
        }
    })
}

fn params_json(params: &virtual_staking::Params) -> Value {
    json!({
        "epoch_length": params.epoch_length,
        "total_cap": params.total_cap,
        "max_remote_share": params.max_remote_share,
        "max_virtual_stake_per_validator": params.max_virtual_stake_per_validator,
        "tombstone_auto_unbond": params.tombstone_auto_unbond,
    })
}

async fn current_params(node: &NodeArgs) -> Result<virtual_staking::QueryParamsResponse, CliError> {
    ask(
        node,
        "/rmesh.virtualstaking.v1.Query/Params",
        &virtual_staking::QueryParamsRequest {},
    )
    .await
}

pub async fn run_virtual_staking_query(command: VirtualStakingQuery) -> Result<Value, CliError> {
    Ok(match command {
        VirtualStakingQuery::Params { node } => {
            let response = current_params(&node).await?;
            json!({
                "params": params_json(&response.params.unwrap_or_default()),
                "authority": response.authority,
            })
        }
        VirtualStakingQuery::Epoch { node } => {
            let response: virtual_staking::QueryEpochInfoResponse = ask(
                &node,
                "/rmesh.virtualstaking.v1.Query/EpochInfo",
                &virtual_staking::QueryEpochInfoRequest {},
            )
            .await?;
            json!({
                "current_epoch": response.current_epoch,
                "epoch_length": response.epoch_length,
                "last_epoch_height": response.last_epoch_height,
                "next_epoch_height": response.next_epoch_height,
            })
        }
        VirtualStakingQuery::Stake { validator, node } => {
            let response: virtual_staking::QueryVirtualStakeResponse = ask(
                &node,
                "/rmesh.virtualstaking.v1.Query/VirtualStake",
                &virtual_staking::QueryVirtualStakeRequest { validator },
            )
            .await?;
            let delegations: Vec<Value> = response
                .delegations
                .iter()
                .map(|d| json!({ "provider": d.provider_id, "validator": d.validator, "amount": d.amount }))
                .collect();
            json!({ "delegations": delegations, "total": response.total })
        }
        VirtualStakingQuery::Supply { node } => {
            let response: virtual_staking::QuerySupplyResponse = ask(
                &node,
                "/rmesh.virtualstaking.v1.Query/Supply",
                &virtual_staking::QuerySupplyRequest {},
            )
            .await?;
            json!({
                "denom": response.denom,
                "minted": response.minted,
                "burned": response.burned,
                "delegated": response.delegated,
            })
        }
    })
}

#[derive(Subcommand)]
pub enum ConverterTx {
    /// Admits a provider chain (mesh authority only).
    AddProvider {
        id: String,
        /// The provider's staking denom, e.g. uosmo.
        remote_denom: String,
        /// Our tokens per provider token, e.g. 0.5.
        #[arg(long)]
        price: String,
        #[arg(long, default_value = "0")]
        discount: String,
        /// Most virtual stake (our denom) the provider may hold.
        #[arg(long)]
        cap: String,
        /// An account that may post prices besides the authority.
        #[arg(long, default_value = "")]
        price_feeder: String,
        /// The IBC connection to the provider chain its mesh-security channel will use.
        #[arg(long, default_value = "")]
        connection_id: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Changes a provider's discount, cap, price feeder or status (active|paused).
    UpdateProvider {
        id: String,
        #[arg(long, default_value = "")]
        discount: String,
        #[arg(long, default_value = "")]
        cap: String,
        #[arg(long, default_value = "")]
        price_feeder: String,
        #[arg(long, default_value = "")]
        status: String,
        #[arg(long, default_value = "")]
        connection_id: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Posts a provider's price (the authority or its price feeder).
    SetPrice {
        id: String,
        price: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Winds a provider down at the next epoch and removes it.
    RemoveProvider {
        id: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Closes a provider's mesh-security channel: the next epoch unstakes every position on the
    /// provider over the open channel; once it acknowledged, its stakers have the grace period to
    /// withdraw held rewards; then the rest goes to the community pool and the channel closes.
    CloseChannel {
        id: String,
        /// Seconds (block time) stakers may withdraw rewards after the wind-down.
        #[arg(long, default_value_t = 86_400)]
        grace_period_seconds: u64,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

#[derive(Args)]
pub struct ParamsUpdate {
    #[arg(long)]
    pub epoch_length: Option<u64>,
    /// Empty for no limit.
    #[arg(long)]
    pub total_cap: Option<String>,
    #[arg(long)]
    pub max_remote_share: Option<String>,
    /// Empty for no limit.
    #[arg(long)]
    pub max_virtual_stake_per_validator: Option<String>,
    #[arg(long)]
    pub tombstone_auto_unbond: Option<bool>,
}

#[derive(Subcommand)]
pub enum VirtualStakingTx {
    /// Changes the given params, keeping the others (mesh authority only).
    UpdateParams {
        #[command(flatten)]
        params: ParamsUpdate,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

pub async fn run_converter_tx(home: &Path, command: ConverterTx) -> Result<(), CliError> {
    let (from, tx, message) = match command {
        ConverterTx::AddProvider {
            id,
            remote_denom,
            price,
            discount,
            cap,
            price_feeder,
            connection_id,
            from,
            tx,
        } => {
            let message = move |authority| {
                packed(converter::MsgAddProvider {
                    authority,
                    id,
                    remote_denom,
                    price,
                    discount,
                    cap,
                    price_feeder,
                    connection_id,
                })
            };
            (from, tx, Box::new(message) as Box<dyn FnOnce(String) -> _>)
        }
        ConverterTx::UpdateProvider {
            id,
            discount,
            cap,
            price_feeder,
            status,
            connection_id,
            from,
            tx,
        } => {
            let message = move |authority| {
                packed(converter::MsgUpdateProvider {
                    authority,
                    id,
                    discount,
                    cap,
                    price_feeder,
                    status,
                    connection_id,
                })
            };
            (from, tx, Box::new(message) as Box<dyn FnOnce(String) -> _>)
        }
        ConverterTx::SetPrice {
            id,
            price,
            from,
            tx,
        } => {
            let message = move |sender| packed(converter::MsgSetPrice { sender, id, price });
            (from, tx, Box::new(message) as Box<dyn FnOnce(String) -> _>)
        }
        ConverterTx::RemoveProvider { id, from, tx } => {
            let message = move |authority| packed(converter::MsgRemoveProvider { authority, id });
            (from, tx, Box::new(message) as Box<dyn FnOnce(String) -> _>)
        }
        ConverterTx::CloseChannel {
            id,
            grace_period_seconds,
            from,
            tx,
        } => {
            let message = move |authority| {
                packed(converter::MsgCloseChannel {
                    authority,
                    id,
                    grace_period_seconds,
                })
            };
            (from, tx, Box::new(message) as Box<dyn FnOnce(String) -> _>)
        }
    };
    let build = move |sender: String, _: String| Ok(vec![message(sender)]);
    sign_and_send(home, &from, &tx, Box::new(build)).await
}

pub async fn run_virtual_staking_tx(
    home: &Path,
    command: VirtualStakingTx,
) -> Result<(), CliError> {
    let VirtualStakingTx::UpdateParams { params, from, tx } = command;
    let mut current = current_params(&tx.node).await?.params.unwrap_or_default();
    if let Some(epoch_length) = params.epoch_length {
        current.epoch_length = epoch_length;
    }
    if let Some(total_cap) = params.total_cap {
        current.total_cap = total_cap;
    }
    if let Some(share) = params.max_remote_share {
        current.max_remote_share = share;
    }
    if let Some(cap) = params.max_virtual_stake_per_validator {
        current.max_virtual_stake_per_validator = cap;
    }
    if let Some(auto_unbond) = params.tombstone_auto_unbond {
        current.tombstone_auto_unbond = auto_unbond;
    }
    let build = move |authority: String, _: String| {
        Ok(vec![packed(virtual_staking::MsgUpdateParams {
            authority,
            params: Some(current),
        })])
    };
    sign_and_send(home, &from, &tx, Box::new(build)).await
}
