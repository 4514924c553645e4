use std::path::Path;

use clap::Subcommand;
use rmesh_auth::GenesisAccount;
use rmesh_bank::Balance;
use rmesh_core::{Address, Coins};

use crate::error::CliError;
use crate::genesis::AppState;
use crate::keyring::Keyring;

#[derive(Subcommand)]
pub enum GenesisCommand {
    /// Adds a funded account: an address or the name of a key in the keyring.
    AddAccount {
        address_or_key: String,
        /// e.g. 1000000urmesh
        coins: String,
    },
    /// Adds a genesis validator (our gentx): this home's consensus key, self-bonded by an
    /// account that add-account funded.
    AddValidator {
        /// The operator: a key name in the keyring or an address.
        operator: String,
        /// Self-bond in the bond denom, e.g. 10000000urmesh.
        self_bond: String,
        #[arg(long)]
        moniker: String,
        /// Base64 ed25519 key; default: this home's config/priv_validator_key.json.
        #[arg(long)]
        pubkey: Option<String>,
        #[command(flatten)]
        commission: super::staking::CommissionArgs,
    },
    /// Provider role: accepts a mesh-security channel from a consumer chain, only on this
    /// connection and from this counterparty port.
    AddConsumer {
        id: String,
        #[arg(long)]
        connection_id: String,
        /// The consumer's converter port.
        #[arg(long, default_value = "mesh-security")]
        port: String,
        /// How long released cross-stake waits before it returns to the vault.
        #[arg(long, default_value_t = rmesh_external_staking::DEFAULT_UNBONDING_SECONDS)]
        unbonding_seconds: u64,
        /// The share of a lien the consumer may slash.
        #[arg(long, default_value = "0.1")]
        max_slashing: String,
        /// How long the consumer has to receive a packet before it times out and rolls back.
        #[arg(long, default_value_t = rmesh_external_staking::DEFAULT_PACKET_TIMEOUT_SECONDS)]
        packet_timeout_seconds: u64,
        /// For tests: refuse the consumer's channel close as the reference provider does.
        #[arg(long, hide = true)]
        refuse_close_confirm: bool,
    },
    /// Sets chain-wide genesis settings.
    SetParams {
        /// The bech32 account prefix.
        #[arg(long)]
        prefix: Option<String>,
        /// Staking: how long unbonding takes, in seconds.
        #[arg(long)]
        unbonding_time_seconds: Option<u64>,
        /// Staking: the size of the active validator set.
        #[arg(long)]
        max_validators: Option<u32>,
        /// Slashing: how many recent blocks liveness is judged over.
        #[arg(long)]
        signed_blocks_window: Option<u64>,
        /// Slashing: how long a validator jailed for downtime stays jailed, in seconds.
        #[arg(long)]
        downtime_jail_seconds: Option<u64>,
        /// Distribution: tokens minted into every block's rewards.
        #[arg(long)]
        block_provision: Option<u128>,
        /// Mesh security: the account that manages providers and params (bech32).
        #[arg(long)]
        mesh_authority: Option<String>,
        /// Mesh security: blocks per virtual-staking epoch.
        #[arg(long)]
        epoch_length: Option<u64>,
        /// Governance: how long a proposal is voted on, in seconds (expedited ones: half).
        #[arg(long)]
        voting_period_seconds: Option<u64>,
        /// Governance: how long a proposal may gather its deposit, in seconds.
        #[arg(long)]
        max_deposit_period_seconds: Option<u64>,
        /// Governance: the deposit that starts a proposal's vote, e.g. 10000000urmesh
        /// (expedited proposals: five times it).
        #[arg(long)]
        min_deposit: Option<String>,
    },
}

pub fn read_genesis(home: &Path) -> Result<serde_json::Value, CliError> {
    let path = home.join("config").join("genesis.json");
    let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

pub fn write_genesis(home: &Path, genesis: &serde_json::Value) -> Result<(), CliError> {
    let path = home.join("config").join("genesis.json");
    let text = serde_json::to_string_pretty(genesis).map_err(|e| CliError::Other(e.to_string()))?;
    std::fs::write(&path, text + "\n").map_err(|e| CliError::io(&path, e))
}

/// The genesis's `app_state`; a missing or null one (as `cometbft testnet` writes) is empty.
fn app_state(genesis: &serde_json::Value) -> Result<AppState, CliError> {
    match genesis.get("app_state") {
        None | Some(serde_json::Value::Null) => Ok(AppState::default()),
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|e| CliError::Input(format!("invalid app_state in genesis: {e}"))),
    }
}

fn edit_app_state(
    home: &Path,
    edit: impl FnOnce(&mut AppState) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let mut genesis = read_genesis(home)?;
    let mut state = app_state(&genesis)?;
    edit(&mut state)?;
    genesis["app_state"] =
        serde_json::to_value(&state).map_err(|e| CliError::Other(e.to_string()))?;
    write_genesis(home, &genesis)
}

pub fn run(home: &Path, command: GenesisCommand) -> Result<(), CliError> {
    match command {
        GenesisCommand::AddAccount {
            address_or_key,
            coins,
        } => edit_app_state(home, |state| {
            let address = resolve_address(home, &address_or_key, &state.auth.bech32_prefix)?;
            let coins: Coins = coins.parse()?;
            add_account(state, address, &coins)
        }),
        GenesisCommand::AddValidator {
            operator,
            self_bond,
            moniker,
            pubkey,
            commission,
        } => {
            let pubkey = match pubkey {
                Some(key) => key,
                None => super::staking::node_consensus_pubkey(home)?,
            };
            edit_app_state(home, |state| {
                let address = resolve_address(home, &operator, &state.auth.bech32_prefix)?;
                let bond: rmesh_core::Coin = self_bond.parse()?;
                if bond.denom != state.staking.params.bond_denom {
                    return Err(CliError::Input(format!(
                        "the self-bond must be in {}",
                        state.staking.params.bond_denom
                    )));
                }
                let decimal =
                    |text: &str| text.parse().map_err(|e| CliError::Input(format!("{e}")));
                state
                    .staking
                    .validators
                    .push(rmesh_staking::GenesisValidator {
                        operator: address,
                        consensus_pubkey: pubkey,
                        moniker,
                        self_bond: bond.amount,
                        commission_rate: decimal(&commission.commission_rate)?,
                        commission_max_rate: decimal(&commission.commission_max_rate)?,
                        commission_max_change_rate: decimal(
                            &commission.commission_max_change_rate,
                        )?,
                        min_self_delegation: commission
                            .min_self_delegation
                            .parse()
                            .map_err(|_| CliError::Input("invalid --min-self-delegation".into()))?,
                    });
                Ok(())
            })
        }
        GenesisCommand::AddConsumer {
            id,
            connection_id,
            port,
            unbonding_seconds,
            max_slashing,
            packet_timeout_seconds,
            refuse_close_confirm,
        } => edit_app_state(home, |state| {
            let consumer = rmesh_external_staking::Consumer {
                id,
                connection_id,
                counterparty_port: port,
                channel_id: None,
                unbonding_seconds,
                packet_timeout_seconds,
                refuse_close_confirm,
                max_slashing: max_slashing.parse().map_err(|_| {
                    CliError::Input(format!("invalid --max-slashing {max_slashing:?}"))
                })?,
            };
            consumer
                .validate()
                .map_err(|e| CliError::Input(e.to_string()))?;
            let consumers = &mut state.external_staking.consumers;
            if consumers
                .iter()
                .any(|c| c.id == consumer.id || c.connection_id == consumer.connection_id)
            {
                return Err(CliError::Input(format!(
                    "a consumer with id {:?} or on {} exists",
                    consumer.id, consumer.connection_id
                )));
            }
            consumers.push(consumer);
            Ok(())
        }),
        GenesisCommand::SetParams {
            prefix,
            unbonding_time_seconds,
            max_validators,
            signed_blocks_window,
            downtime_jail_seconds,
            block_provision,
            mesh_authority,
            epoch_length,
            voting_period_seconds,
            max_deposit_period_seconds,
            min_deposit,
        } => edit_app_state(home, |state| {
            let gov = &mut state.gov.params;
            if let Some(seconds) = voting_period_seconds {
                if seconds < 2 {
                    return Err(CliError::Input(
                        "the voting period must be at least 2 s".into(),
                    ));
                }
                gov.voting_period = seconds;
                gov.expedited_voting_period = seconds / 2;
            }
            if let Some(seconds) = max_deposit_period_seconds {
                gov.max_deposit_period = seconds;
            }
            if let Some(text) = min_deposit {
                let coins: Coins = text.parse()?;
                let times = |factor: u128| -> Result<Vec<rmesh_core::Coin>, CliError> {
                    coins
                        .iter()
                        .map(|coin| {
                            let amount = coin.amount.checked_mul(factor).ok_or_else(|| {
                                CliError::Input(format!("min deposit {coin} is too large"))
                            })?;
                            Ok(rmesh_core::Coin::new(amount, coin.denom))
                        })
                        .collect()
                };
                gov.min_deposit = times(1)?;
                gov.expedited_min_deposit = times(5)?;
            }
            if let Some(authority) = mesh_authority {
                Address::from_bech32(&authority, &state.auth.bech32_prefix)?;
                state.virtual_staking.authority = authority;
            }
            if let Some(length) = epoch_length {
                if length == 0 {
                    return Err(CliError::Input("epoch length must be at least 1".into()));
                }
                state.virtual_staking.params.epoch_length = length;
            }
            if let Some(seconds) = unbonding_time_seconds {
                state.staking.params.unbonding_time_seconds = seconds;
            }
            if let Some(max) = max_validators {
                state.staking.params.max_validators = max;
            }
            if let Some(window) = signed_blocks_window {
                state.slashing.params.signed_blocks_window = window;
            }
            if let Some(seconds) = downtime_jail_seconds {
                state.slashing.params.downtime_jail_duration_seconds = seconds;
            }
            if let Some(amount) = block_provision {
                state.distribution.params.block_provision = amount;
            }
            if let Some(prefix) = prefix {
                rmesh_core::address::validate_prefix(&prefix)?;
                if !state.auth.accounts.is_empty() {
                    return Err(CliError::Input(
                        "set the prefix before adding accounts".into(),
                    ));
                }
                state.auth.bech32_prefix = prefix;
            }
            Ok(())
        }),
    }
}

/// An address given as bech32, or as the name of a key in the home's keyring.
fn resolve_address(home: &Path, address_or_key: &str, prefix: &str) -> Result<String, CliError> {
    match Address::from_bech32(address_or_key, prefix) {
        Ok(address) => Ok(address.to_bech32(prefix)),
        Err(_) => Keyring::open(home).get(address_or_key)?.address(prefix),
    }
}

/// Adds the account (if new) and merges the coins into its genesis balance.
fn add_account(state: &mut AppState, address: String, coins: &Coins) -> Result<(), CliError> {
    if !state
        .auth
        .accounts
        .iter()
        .any(|account| account.address == address)
    {
        let number = state
            .auth
            .accounts
            .iter()
            .map(|a| a.account_number + 1)
            .max()
            .unwrap_or(0);
        state
            .auth
            .accounts
            .push(GenesisAccount::new(address.clone(), number));
    }
    let position = state
        .bank
        .balances
        .iter()
        .position(|balance| balance.address == address);
    let balance = match position {
        Some(index) => &mut state.bank.balances[index],
        None => {
            state.bank.balances.push(Balance {
                address,
                coins: vec![],
            });
            state
                .bank
                .balances
                .last_mut()
                .ok_or_else(|| CliError::Other("balance vanished".into()))?
        }
    };
    let mut merged = Coins::try_from(balance.coins.as_slice())?;
    for coin in coins.iter() {
        merged.add(&coin)?;
    }
    balance.coins = merged.to_vec();
    state.bank.supply.clear();
    Ok(())
}
