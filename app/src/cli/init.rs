use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;

use super::genesis::{read_genesis, write_genesis};
use crate::config::AppConfig;
use crate::error::CliError;
use crate::genesis::AppState;

#[derive(Args)]
pub struct InitArgs {
    /// The node's name on the p2p network.
    pub moniker: String,
    #[arg(long)]
    pub chain_id: String,
    /// The native denom (fees, minimum gas price).
    #[arg(long, default_value = "urmesh")]
    pub denom: String,
    /// The chain's bech32 account prefix.
    #[arg(long, default_value = "rmesh")]
    pub prefix: String,
    /// Replace an existing genesis and app.toml.
    #[arg(long)]
    pub overwrite: bool,
}

/// CometBFT from PATH, else where `go install` puts it.
pub fn cometbft_binary() -> PathBuf {
    let in_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("cometbft"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .find(|candidate| candidate.is_file());
    in_path.unwrap_or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join("go/bin/cometbft")
    })
}

pub fn run(home: &Path, args: InitArgs) -> Result<(), CliError> {
    rmesh_core::address::validate_prefix(&args.prefix)?;
    rmesh_core::coin::validate_denom(&args.denom)?;
    let genesis_path = home.join("config").join("genesis.json");
    if genesis_path.exists() && !args.overwrite {
        return Err(CliError::Input(format!(
            "{} already exists; pass --overwrite to replace it",
            genesis_path.display()
        )));
    }
    let cometbft = cometbft_binary();
    let output = Command::new(&cometbft)
        .args(["init", "--home"])
        .arg(home)
        .output()
        .map_err(|e| {
            CliError::Other(format!(
                "cannot run {} (install CometBFT v0.38): {e}",
                cometbft.display()
            ))
        })?;
    if !output.status.success() {
        return Err(CliError::Other(format!(
            "cometbft init failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    set_moniker(home, &args.moniker)?;
    let mut genesis = read_genesis(home)?;
    genesis["chain_id"] = args.chain_id.clone().into();
    let mut app_state = AppState::default();
    app_state.auth.bech32_prefix = args.prefix.clone();
    app_state.bank.denom_metadata = vec![native_denom_metadata(&args.denom)];
    genesis["app_state"] =
        serde_json::to_value(&app_state).map_err(|e| CliError::Other(e.to_string()))?;
    write_genesis(home, &genesis)?;
    let config = AppConfig {
        minimum_gas_prices: format!("0.0025{}", args.denom),
        ..AppConfig::default()
    };
    config.save(home)?;
    super::print_json(&serde_json::json!({
        "moniker": args.moniker,
        "chain_id": args.chain_id,
        "home": home.display().to_string(),
    }));
    Ok(())
}

/// Wallets and explorers show the native denom by its metadata: a `u`-prefixed base denom is
/// the micro unit of its display denom (`urmesh` = 10^-6 `rmesh`), as on SDK chains.
pub(crate) fn native_denom_metadata(base: &str) -> serde_json::Value {
    let micro = base
        .strip_prefix('u')
        .filter(|display| rmesh_core::coin::validate_denom(display).is_ok());
    let display = micro.unwrap_or(base);
    let mut units = vec![serde_json::json!({ "denom": base, "exponent": 0 })];
    if micro.is_some() {
        units.push(serde_json::json!({ "denom": display, "exponent": 6 }));
    }
    serde_json::json!({
        "description": format!("The native staking and fee token ({display})"),
        "denom_units": units,
        "base": base,
        "display": display,
        "name": display,
        "symbol": display.to_uppercase(),
    })
}

fn set_moniker(home: &Path, moniker: &str) -> Result<(), CliError> {
    let path = home.join("config").join("config.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
    let quoted = serde_json::to_string(moniker).map_err(|e| CliError::Input(e.to_string()))?;
    let updated: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("moniker = ") {
                format!("moniker = {quoted}")
            } else {
                line.to_string()
            }
        })
        .collect();
    std::fs::write(&path, updated.join("\n") + "\n").map_err(|e| CliError::io(&path, e))
}
