use std::path::Path;
use std::time::Duration;

use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_core::{Address, Coins};

use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
    MsgWithdrawDelegatorReward, MsgWithdrawValidatorCommission,
};
use cosmos_sdk_proto::cosmos::slashing::v1beta1::MsgUnjail;

use super::query::{committed_json, NodeArgs};
use super::staking::{packed, sign_and_send};
use crate::client::{sign_tx, ChainClient, SignerAccount, TxFee};
use crate::error::CliError;
use crate::keyring::{Key, Keyring};

#[derive(Subcommand)]
pub enum TxCommand {
    /// Bank transactions.
    #[command(subcommand)]
    Bank(BankTx),
    /// Staking transactions.
    #[command(subcommand)]
    Staking(super::staking::StakingTx),
    /// Slashing transactions.
    #[command(subcommand)]
    Slashing(SlashingTx),
    /// Reward transactions.
    #[command(subcommand)]
    Distribution(DistributionTx),
    /// Mesh-security providers (mesh authority; prices also by a provider's price feeder).
    #[command(subcommand)]
    Converter(super::mesh::ConverterTx),
    /// Mesh-security params (mesh authority).
    #[command(subcommand)]
    VirtualStaking(super::mesh::VirtualStakingTx),
    /// Provider role: collateral, local staking and cross-staking.
    #[command(subcommand)]
    Vault(super::provider::VaultTx),
    /// Provider role: unstake, withdraw unbonded collateral and rewards from a consumer.
    #[command(subcommand)]
    ExternalStaking(super::provider::ExternalStakingTx),
    /// Governance: proposals, deposits and votes.
    #[command(subcommand)]
    Gov(super::gov::GovTx),
}

#[derive(Subcommand)]
pub enum SlashingTx {
    /// Brings the `--from` key's jailed validator back once its jail time is over.
    Unjail {
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

#[derive(Subcommand)]
pub enum DistributionTx {
    /// Withdraws a delegation's rewards; with --commission, the validator's commission too.
    WithdrawRewards {
        validator: String,
        #[arg(long)]
        commission: bool,
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

#[derive(Subcommand)]
pub enum BankTx {
    /// Sends coins from a key in the keyring to an address.
    Send {
        from: String,
        to: String,
        /// e.g. 1000urmesh
        amount: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

#[derive(Args)]
pub struct TxArgs {
    /// The chain id in the sign doc (default: the node's).
    #[arg(long)]
    pub chain_id: Option<String>,
    /// Fee coins, e.g. 2000urmesh.
    #[arg(long, default_value = "")]
    pub fees: String,
    /// Gas limit, or `auto` to simulate the tx and add 30%.
    #[arg(long, default_value = "auto")]
    pub gas: String,
    #[arg(long, default_value = "")]
    pub note: String,
    /// Wait until the tx is committed and print its block result.
    #[arg(long)]
    pub wait: bool,
    /// Accepted for SDK compatibility; rmeshd never prompts.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub node: NodeArgs,
}

pub async fn run(home: &Path, command: TxCommand) -> Result<(), CliError> {
    match command {
        TxCommand::Staking(command) => super::staking::run_tx(home, command).await,
        TxCommand::Gov(command) => super::gov::run_tx(home, command).await,
        TxCommand::Converter(command) => super::mesh::run_converter_tx(home, command).await,
        TxCommand::Vault(command) => super::provider::run_vault_tx(home, command).await,
        TxCommand::ExternalStaking(command) => {
            super::provider::run_external_staking_tx(home, command).await
        }
        TxCommand::VirtualStaking(command) => {
            super::mesh::run_virtual_staking_tx(home, command).await
        }
        TxCommand::Slashing(SlashingTx::Unjail { from, tx }) => {
            let build = |_: String, operator: String| {
                Ok(vec![packed(MsgUnjail {
                    validator_addr: operator,
                })])
            };
            sign_and_send(home, &from, &tx, Box::new(build)).await
        }
        TxCommand::Distribution(DistributionTx::WithdrawRewards {
            validator,
            commission,
            from,
            tx,
        }) => {
            let build = move |delegator: String, _: String| {
                let mut messages = vec![packed(MsgWithdrawDelegatorReward {
                    delegator_address: delegator,
                    validator_address: validator.clone(),
                })];
                if commission {
                    messages.push(packed(MsgWithdrawValidatorCommission {
                        validator_address: validator,
                    }));
                }
                Ok(messages)
            };
            sign_and_send(home, &from, &tx, Box::new(build)).await
        }
        TxCommand::Bank(BankTx::Send {
            from,
            to,
            amount,
            tx,
        }) => {
            let coins: Coins = amount.parse()?;
            let key = Keyring::open(home).get(&from)?;
            Address::from_bech32_any_prefix(&to)?;
            let client = ChainClient::connect(&tx.node.node)?;
            let prefix = client.bech32_prefix().await?;
            let message = MsgSend {
                from_address: key.address(&prefix)?,
                to_address: to,
                amount: coins
                    .iter()
                    .map(|c| ProtoCoin {
                        denom: c.denom,
                        amount: c.amount.to_string(),
                    })
                    .collect(),
            };
            let any = Any {
                type_url: MsgSend::type_url(),
                value: message.encode_to_vec(),
            };
            sign_and_broadcast(&client, &key, vec![any], &tx).await
        }
    }
}

pub async fn sign_and_broadcast(
    client: &ChainClient,
    key: &Key,
    messages: Vec<Any>,
    args: &TxArgs,
) -> Result<(), CliError> {
    let prefix = client.bech32_prefix().await?;
    let account = client.account(&key.address(&prefix)?).await?;
    let chain_id = match &args.chain_id {
        Some(chain_id) => chain_id.clone(),
        None => client.chain_id().await?,
    };
    let signer = SignerAccount {
        chain_id,
        account_number: account.account_number,
        sequence: account.sequence,
    };
    let amount = args.fees.parse::<Coins>()?.to_vec();
    let gas_limit = match args.gas.as_str() {
        "auto" => {
            let unpaid = TxFee {
                amount: vec![],
                gas_limit: 0,
            };
            let probe = sign_tx(
                &key.signing_key,
                &signer,
                messages.clone(),
                &unpaid,
                &args.note,
            )?;
            client.simulate(probe).await? * 13 / 10
        }
        text => text
            .parse()
            .map_err(|_| CliError::Input(format!("invalid --gas {text:?}: a number or auto")))?,
    };
    let fee = TxFee { amount, gas_limit };
    let tx = sign_tx(&key.signing_key, &signer, messages, &fee, &args.note)?;
    let broadcast = client.broadcast(tx).await?;
    if broadcast.code != 0 {
        super::print_json(&serde_json::json!({
            "txhash": broadcast.hash, "code": broadcast.code, "raw_log": broadcast.log,
        }));
        return Err(CliError::Other(format!(
            "tx refused with code {}: {}",
            broadcast.code, broadcast.log
        )));
    }
    if !args.wait {
        super::print_json(
            &serde_json::json!({ "txhash": broadcast.hash, "code": 0, "raw_log": broadcast.log }),
        );
        return Ok(());
    }
    let committed = client
        .wait_for_tx(&broadcast.hash, Duration::from_secs(60))
        .await?;
    super::print_json(&committed_json(&committed));
    if committed.code != 0 {
        return Err(CliError::Other(format!(
            "tx failed in block with code {}: {}",
            committed.code, committed.log
        )));
    }
    Ok(())
}
