//! Provider-role commands: `tx vault ...`, `tx external-staking ...`, `query vault ...` and
//! `query external-staking ...`.

use std::path::Path;

use clap::Subcommand;
use cosmos_sdk_proto::Any;
use rmesh_proto::externalstaking::v1 as external_staking;
use rmesh_proto::vault::v1 as vault;
use serde_json::{json, Value};

use super::mesh::ask;
use super::query::NodeArgs;
use super::staking::{packed, sign_and_send};
use super::tx::TxArgs;
use crate::error::CliError;

#[derive(Subcommand)]
pub enum VaultTx {
    /// Moves tokens of the bond denom into the vault as collateral.
    Bond {
        /// An integer amount of the bond denom.
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Takes free collateral back out of the vault.
    Unbond {
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Delegates collateral to one of this chain's validators.
    StakeLocal {
        validator: String,
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Starts unbonding local stake; the collateral is free again once it completes.
    UnstakeLocal {
        validator: String,
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Pays you the staking rewards of your local stake (one validator, or all).
    WithdrawLocalRewards {
        #[arg(default_value = "")]
        validator: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Cross-stakes collateral with a consumer chain's validator (counts once the consumer
    /// acknowledges it).
    StakeRemote {
        consumer: String,
        /// The consumer's validator operator address.
        validator: String,
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

#[derive(Subcommand)]
pub enum ExternalStakingTx {
    /// Asks the consumer to remove cross-stake; it then unbonds for the consumer's period.
    Unstake {
        consumer: String,
        validator: String,
        amount: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Returns finished unbondings on a consumer to the vault.
    WithdrawUnbonded {
        consumer: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// Has the consumer pay your rewards from one validator to an address there.
    WithdrawRewards {
        consumer: String,
        validator: String,
        /// Your address on the consumer chain.
        #[arg(long)]
        recipient: String,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

#[derive(Subcommand)]
pub enum VaultQuery {
    /// Collateral, liens and free collateral of an owner.
    Account {
        owner: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// An owner's local stake and its unbondings.
    LocalStakes {
        owner: String,
        #[command(flatten)]
        node: NodeArgs,
    },
}

type OwnerMessage = Box<dyn FnOnce(String) -> Any>;

/// Signs and sends one message whose owner is the `--from` key.
async fn send_as_owner(
    home: &Path,
    from: &str,
    tx: &TxArgs,
    message: OwnerMessage,
) -> Result<(), CliError> {
    let build = move |owner: String, _: String| Ok(vec![message(owner)]);
    sign_and_send(home, from, tx, Box::new(build)).await
}

pub async fn run_vault_tx(home: &Path, command: VaultTx) -> Result<(), CliError> {
    let (from, tx, message): (String, TxArgs, OwnerMessage) = match command {
        VaultTx::Bond { amount, from, tx } => (
            from,
            tx,
            Box::new(move |owner| packed(vault::MsgBond { owner, amount })),
        ),
        VaultTx::Unbond { amount, from, tx } => (
            from,
            tx,
            Box::new(move |owner| packed(vault::MsgUnbond { owner, amount })),
        ),
        VaultTx::StakeLocal {
            validator,
            amount,
            from,
            tx,
        } => (
            from,
            tx,
            Box::new(move |owner| {
                packed(vault::MsgStakeLocal {
                    owner,
                    validator,
                    amount,
                })
            }),
        ),
        VaultTx::UnstakeLocal {
            validator,
            amount,
            from,
            tx,
        } => (
            from,
            tx,
            Box::new(move |owner| {
                packed(vault::MsgUnstakeLocal {
                    owner,
                    validator,
                    amount,
                })
            }),
        ),
        VaultTx::WithdrawLocalRewards {
            validator,
            from,
            tx,
        } => (
            from,
            tx,
            Box::new(move |owner| packed(vault::MsgWithdrawLocalRewards { owner, validator })),
        ),
        VaultTx::StakeRemote {
            consumer,
            validator,
            amount,
            from,
            tx,
        } => (
            from,
            tx,
            Box::new(move |owner| {
                packed(vault::MsgStakeRemote {
                    owner,
                    consumer_id: consumer,
                    validator,
                    amount,
                })
            }),
        ),
    };
    send_as_owner(home, &from, &tx, message).await
}

pub async fn run_external_staking_tx(
    home: &Path,
    command: ExternalStakingTx,
) -> Result<(), CliError> {
    let (from, tx, message): (String, TxArgs, OwnerMessage) = match command {
        ExternalStakingTx::Unstake {
            consumer,
            validator,
            amount,
            from,
            tx,
        } => (
            from,
            tx,
            Box::new(move |owner| {
                packed(external_staking::MsgUnstake {
                    owner,
                    consumer_id: consumer,
                    validator,
                    amount,
                })
            }),
        ),
        ExternalStakingTx::WithdrawUnbonded { consumer, from, tx } => (
            from,
            tx,
            Box::new(move |owner| {
                packed(external_staking::MsgWithdrawUnbonded {
                    owner,
                    consumer_id: consumer,
                })
            }),
        ),
        ExternalStakingTx::WithdrawRewards {
            consumer,
            validator,
            recipient,
            from,
            tx,
        } => (
            from,
            tx,
            Box::new(move |owner| {
                packed(external_staking::MsgWithdrawRewards {
                    owner,
                    consumer_id: consumer,
                    validator,
                    recipient,
                })
            }),
        ),
    };
    send_as_owner(home, &from, &tx, message).await
}

pub async fn run_vault_query(command: VaultQuery) -> Result<Value, CliError> {
    Ok(match command {
        VaultQuery::Account { owner, node } => {
            let response: vault::QueryAccountResponse = ask(
                &node,
                "/rmesh.vault.v1.Query/Account",
                &vault::QueryAccountRequest { owner },
            )
            .await?;
            let account = response.account.unwrap_or_default();
            let liens: Vec<Value> = account
                .liens
                .iter()
                .map(
                    |l| json!({ "holder": l.holder, "amount": l.amount, "slashable": l.slashable }),
                )
                .collect();
            json!({
                "owner": account.owner,
                "collateral": account.collateral,
                "max_lien": account.max_lien,
                "slashable": account.slashable,
                "free": account.free,
                "liens": liens,
            })
        }
        VaultQuery::LocalStakes { owner, node } => {
            let response: vault::QueryLocalStakesResponse = ask(
                &node,
                "/rmesh.vault.v1.Query/LocalStakes",
                &vault::QueryLocalStakesRequest { owner },
            )
            .await?;
            let stakes: Vec<Value> = response
                .stakes
                .iter()
                .map(|s| {
                    let unbondings: Vec<Value> = s
                        .unbondings
                        .iter()
                        .map(|u| json!({ "amount": u.amount, "completes_at": u.completes_at }))
                        .collect();
                    json!({ "validator": s.validator, "amount": s.amount, "unbondings": unbondings })
                })
                .collect();
            json!({ "stakes": stakes })
        }
    })
}

#[derive(Subcommand)]
pub enum ExternalStakingQuery {
    /// Every consumer this chain secures: its connection, port, channel and terms.
    Consumers {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The validators a consumer reported, with their state and the height it was set at.
    Validators {
        consumer: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Cross-stakes on a consumer (optionally one owner's): amount, unbondings, rewards.
    Stakes {
        consumer: String,
        #[arg(long, default_value = "")]
        owner: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Stakes, unstakes and reward withdrawals waiting for the consumer's ack.
    PendingTxs {
        consumer: String,
        #[command(flatten)]
        node: NodeArgs,
    },
}

pub async fn run_external_staking_query(command: ExternalStakingQuery) -> Result<Value, CliError> {
    Ok(match command {
        ExternalStakingQuery::Consumers { node } => {
            let response: external_staking::QueryConsumersResponse = ask(
                &node,
                "/rmesh.externalstaking.v1.Query/Consumers",
                &external_staking::QueryConsumersRequest {},
            )
            .await?;
            let consumers: Vec<Value> = response
                .consumers
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "connection_id": c.connection_id,
                        "counterparty_port": c.counterparty_port,
                        "channel_id": c.channel_id,
                        "unbonding_seconds": c.unbonding_seconds,
                        "max_slashing": c.max_slashing,
                        "packet_timeout_seconds": c.packet_timeout_seconds,
                    })
                })
                .collect();
            json!({ "consumers": consumers })
        }
        ExternalStakingQuery::Validators { consumer, node } => {
            let response: external_staking::QueryValidatorsResponse = ask(
                &node,
                "/rmesh.externalstaking.v1.Query/Validators",
                &external_staking::QueryValidatorsRequest {
                    consumer_id: consumer,
                },
            )
            .await?;
            let validators: Vec<Value> = response
                .validators
                .iter()
                .map(|v| {
                    json!({
                        "valoper": v.valoper,
                        "pub_key": v.pub_key,
                        "state": v.state,
                        "since_height": v.since_height,
                    })
                })
                .collect();
            json!({ "validators": validators })
        }
        ExternalStakingQuery::Stakes {
            consumer,
            owner,
            node,
        } => {
            let response: external_staking::QueryStakesResponse = ask(
                &node,
                "/rmesh.externalstaking.v1.Query/Stakes",
                &external_staking::QueryStakesRequest {
                    consumer_id: consumer,
                    owner,
                },
            )
            .await?;
            let stakes: Vec<Value> = response
                .stakes
                .iter()
                .map(|s| {
                    let unbondings: Vec<Value> = s
                        .unbondings
                        .iter()
                        .map(|u| json!({ "amount": u.amount, "release_at": u.release_at }))
                        .collect();
                    json!({
                        "owner": s.owner,
                        "validator": s.validator,
                        "amount": s.amount,
                        "unbondings": unbondings,
                        "pending_rewards": s.pending_rewards,
                    })
                })
                .collect();
            json!({ "stakes": stakes })
        }
        ExternalStakingQuery::PendingTxs { consumer, node } => {
            let response: external_staking::QueryPendingTxsResponse = ask(
                &node,
                "/rmesh.externalstaking.v1.Query/PendingTxs",
                &external_staking::QueryPendingTxsRequest {
                    consumer_id: consumer,
                },
            )
            .await?;
            let txs: Vec<Value> = response
                .txs
                .iter()
                .map(|t| {
                    json!({
                        "tx_id": t.tx_id,
                        "kind": t.kind,
                        "owner": t.owner,
                        "validator": t.validator,
                        "amount": t.amount,
                    })
                })
                .collect();
            json!({ "txs": txs })
        }
    })
}
