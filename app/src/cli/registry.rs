//! `rmeshd chain-registry`: the files wallets and explorers take a chain from — `chain.json` and
//! `assetlist.json` in the cosmos chain-registry's shape, and the chain info Keplr's
//! `experimentalSuggestChain` takes (`keplr.json`) — from a node home's genesis and configs and
//! the net's public endpoints.

use std::path::{Path, PathBuf};

use clap::Args;
use rmesh_core::Decimal;
use serde_json::{json, Value};

use crate::cli::genesis::read_genesis;
use crate::config::{parse_gas_prices, AppConfig};
use crate::error::CliError;

/// The SLIP-44 coin type of Cosmos keys (the keyring derives m/44'/118'/0'/0/0).
const COIN_TYPE: u32 = 118;

#[derive(Args)]
pub struct RegistryArgs {
    /// Where to write chain.json, assetlist.json and keplr.json.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// The registry's name of the chain (lower case letters and digits); default: from the chain id.
    #[arg(long)]
    pub chain_name: Option<String>,
    /// The name people see; default: the chain id.
    #[arg(long)]
    pub pretty_name: Option<String>,
    /// mainnet, testnet or devnet.
    #[arg(long, default_value = "devnet")]
    pub network_type: String,
    /// CometBFT RPC URLs (repeat for several); default: this home's `rpc.laddr`.
    #[arg(long)]
    pub rpc: Vec<String>,
    /// REST API URLs; default: this home's `api.address`.
    #[arg(long)]
    pub rest: Vec<String>,
    /// gRPC addresses (host:port); default: this home's `grpc-address`.
    #[arg(long)]
    pub grpc: Vec<String>,
}

/// What the files say of the chain, read from the home.
struct ChainFacts {
    chain_id: String,
    bech32_prefix: String,
    bond_denom: String,
    /// The bond denom's metadata from genesis (`denom_units`, `display`, `symbol`, ...).
    metadata: Value,
    min_gas_price: Decimal,
    rpc: Vec<String>,
    rest: Vec<String>,
    grpc: Vec<String>,
}

pub fn run(home: &Path, args: RegistryArgs) -> Result<(), CliError> {
    let facts = read_facts(home, &args)?;
    let name = match &args.chain_name {
        Some(name) => name.clone(),
        None => registry_name(&facts.chain_id),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Err(CliError::Input(format!(
            "chain name {name:?} must be lower-case letters and digits (--chain-name)"
        )));
    }
    if !["mainnet", "testnet", "devnet"].contains(&args.network_type.as_str()) {
        return Err(CliError::Input(format!(
            "network type {:?} must be mainnet, testnet or devnet",
            args.network_type
        )));
    }
    let pretty = args
        .pretty_name
        .clone()
        .unwrap_or_else(|| facts.chain_id.clone());
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::io(&args.out, e))?;
    let files = [
        (
            "chain.json",
            chain_json(&facts, &name, &pretty, &args.network_type)?,
        ),
        ("assetlist.json", assetlist_json(&facts, &name)),
        ("keplr.json", keplr_json(&facts, &pretty)?),
    ];
    for (file, value) in files {
        let path = args.out.join(file);
        let text =
            serde_json::to_string_pretty(&value).map_err(|e| CliError::Other(e.to_string()))?;
        std::fs::write(&path, text + "\n").map_err(|e| CliError::io(&path, e))?;
    }
    crate::cli::print_json(&json!({
        "chain_name": name,
        "written": ["chain.json", "assetlist.json", "keplr.json"],
        "out": args.out.display().to_string(),
    }));
    Ok(())
}

/// `rmesh-local-1` → `rmeshlocal`: the registry's names are letters and digits.
fn registry_name(chain_id: &str) -> String {
    let base = chain_id
        .rsplit_once('-')
        .filter(|(_, revision)| revision.chars().all(|c| c.is_ascii_digit()))
        .map_or(chain_id, |(base, _)| base);
    base.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn read_facts(home: &Path, args: &RegistryArgs) -> Result<ChainFacts, CliError> {
    let genesis = read_genesis(home)?;
    let text = |value: &Value, what: &str| {
        value.as_str().map(str::to_string).ok_or_else(|| {
            CliError::Input(format!("the genesis of {} names no {what}", home.display()))
        })
    };
    let chain_id = text(&genesis["chain_id"], "chain_id")?;
    let bond_denom = text(
        &genesis["app_state"]["staking"]["params"]["bond_denom"],
        "staking bond_denom",
    )?;
    // A genesis not written by `rmeshd init` (the localnet's starts from `cometbft testnet`) may
    // carry no metadata: the display unit is then derived as `rmeshd init` derives it.
    let metadata = genesis["app_state"]["bank"]["denom_metadata"]
        .as_array()
        .and_then(|all| all.iter().find(|m| m["base"] == bond_denom.as_str()))
        .cloned()
        .unwrap_or_else(|| crate::cli::init::native_denom_metadata(&bond_denom));
    let config = AppConfig::load(home)?;
    let min_gas_price = parse_gas_prices(&config.minimum_gas_prices)?
        .into_iter()
        .find(|price| price.denom == bond_denom)
        .map(|price| price.price)
        .unwrap_or_default();
    let or_default = |given: &[String], default: String| {
        if given.is_empty() {
            vec![default]
        } else {
            given.to_vec()
        }
    };
    let rpc_default = comet_rpc_address(home)?;
    let default_prefix = rmesh_auth::GenesisState::default().bech32_prefix;
    Ok(ChainFacts {
        chain_id,
        bech32_prefix: genesis["app_state"]["auth"]["bech32_prefix"]
            .as_str()
            .filter(|prefix| !prefix.is_empty())
            .unwrap_or(&default_prefix)
            .to_string(),
        bond_denom,
        metadata,
        min_gas_price,
        rpc: or_default(&args.rpc, rpc_default),
        rest: or_default(&args.rest, format!("http://{}", config.api.address)),
        grpc: or_default(&args.grpc, config.grpc_address.clone()),
    })
}

/// The home's CometBFT RPC address (`[rpc] laddr`) as an http URL.
fn comet_rpc_address(home: &Path) -> Result<String, CliError> {
    let path = home.join("config").join("config.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
    let config: toml::Value =
        toml::from_str(&text).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    let laddr = config
        .get("rpc")
        .and_then(|rpc| rpc.get("laddr"))
        .and_then(toml::Value::as_str)
        .unwrap_or("tcp://127.0.0.1:26657");
    Ok(format!(
        "http://{}",
        laddr.strip_prefix("tcp://").unwrap_or(laddr)
    ))
}

/// A decimal as a JSON number (the registry's and Keplr's gas prices are numbers).
fn number(value: Decimal) -> Result<Value, CliError> {
    serde_json::from_str(&value.to_string())
        .map_err(|e| CliError::Other(format!("gas price {value}: {e}")))
}

/// Low, average and high gas prices: the node's floor, twice and four times it (Keplr's steps).
fn gas_price_steps(floor: Decimal) -> Result<[Value; 3], CliError> {
    let times = |n: u128| {
        floor
            .checked_mul_int(n)
            .map_err(|e| CliError::Other(format!("gas price {floor} × {n}: {e}")))
    };
    Ok([number(floor)?, number(times(2)?)?, number(times(4)?)?])
}

fn display_exponent(facts: &ChainFacts) -> u64 {
    let display = facts.metadata["display"].as_str().unwrap_or_default();
    facts.metadata["denom_units"]
        .as_array()
        .and_then(|units| units.iter().find(|u| u["denom"] == display))
        .and_then(|unit| unit["exponent"].as_u64())
        .unwrap_or(0)
}

fn endpoints(addresses: &[String]) -> Value {
    addresses
        .iter()
        .map(|address| json!({ "address": address, "provider": "rmesh" }))
        .collect()
}

fn chain_json(
    facts: &ChainFacts,
    name: &str,
    pretty: &str,
    network_type: &str,
) -> Result<Value, CliError> {
    let [low, average, high] = gas_price_steps(facts.min_gas_price)?;
    Ok(json!({
        "$schema": "../chain.schema.json",
        "chain_name": name,
        "chain_type": "cosmos",
        "status": "live",
        "network_type": network_type,
        "pretty_name": pretty,
        "chain_id": facts.chain_id,
        "bech32_prefix": facts.bech32_prefix,
        "daemon_name": "rmeshd",
        "node_home": "$HOME/.rmesh",
        "key_algos": ["secp256k1"],
        "slip44": COIN_TYPE,
        "fees": {
            "fee_tokens": [{
                "denom": facts.bond_denom,
                "fixed_min_gas_price": number(facts.min_gas_price)?,
                "low_gas_price": low,
                "average_gas_price": average,
                "high_gas_price": high,
            }]
        },
        "staking": {
            "staking_tokens": [{ "denom": facts.bond_denom }]
        },
        "codebase": {
            "recommended_version": env!("CARGO_PKG_VERSION"),
            "compatible_versions": [env!("CARGO_PKG_VERSION")],
            "language": { "type": "rust" },
            "consensus": { "type": "cometbft", "version": "0.38" },
            // The SDK whose APIs (gRPC, REST, amino) the node answers like.
            "sdk": { "type": "cosmos", "version": "0.50" },
            "ibc": { "type": "rust", "version": "0.57", "ics_enabled": ["ics20-1"] },
        },
        "apis": {
            "rpc": endpoints(&facts.rpc),
            "rest": endpoints(&facts.rest),
            "grpc": endpoints(&facts.grpc),
        },
    }))
}

fn assetlist_json(facts: &ChainFacts, name: &str) -> Value {
    let metadata = &facts.metadata;
    let display = metadata["display"].as_str().unwrap_or(&facts.bond_denom);
    json!({
        "$schema": "../assetlist.schema.json",
        "chain_name": name,
        "assets": [{
            "description": metadata["description"],
            "denom_units": metadata["denom_units"],
            "type_asset": "sdk.coin",
            "base": facts.bond_denom,
            "name": metadata["name"].as_str().unwrap_or(display),
            "display": display,
            "symbol": metadata["symbol"].as_str().unwrap_or(display),
        }]
    })
}

fn keplr_json(facts: &ChainFacts, pretty: &str) -> Result<Value, CliError> {
    let [low, average, high] = gas_price_steps(facts.min_gas_price)?;
    let currency = json!({
        "coinDenom": facts.metadata["symbol"],
        "coinMinimalDenom": facts.bond_denom,
        "coinDecimals": display_exponent(facts),
    });
    let mut fee_currency = currency.clone();
    fee_currency["gasPriceStep"] = json!({ "low": low, "average": average, "high": high });
    let prefix = &facts.bech32_prefix;
    Ok(json!({
        "chainId": facts.chain_id,
        "chainName": pretty,
        "rpc": facts.rpc.first(),
        "rest": facts.rest.first(),
        "bip44": { "coinType": COIN_TYPE },
        "bech32Config": {
            "bech32PrefixAccAddr": prefix,
            "bech32PrefixAccPub": format!("{prefix}pub"),
            "bech32PrefixValAddr": format!("{prefix}valoper"),
            "bech32PrefixValPub": format!("{prefix}valoperpub"),
            "bech32PrefixConsAddr": format!("{prefix}valcons"),
            "bech32PrefixConsPub": format!("{prefix}valconspub"),
        },
        "currencies": [currency.clone()],
        "feeCurrencies": [fee_currency],
        "stakeCurrency": currency,
        "features": ["ibc-transfer", "ibc-go"],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_drop_the_revision_and_punctuation() {
        assert_eq!(registry_name("rmesh-local-1"), "rmeshlocal");
        assert_eq!(registry_name("consumer"), "consumer");
        assert_eq!(registry_name("Mesh_Test-7"), "meshtest");
    }

    #[test]
    fn gas_price_steps_rise_from_the_nodes_floor() {
        let floor: Decimal = "0.0025".parse().unwrap();
        let [low, average, high] = gas_price_steps(floor).unwrap();
        assert_eq!(low, json!(0.0025));
        assert_eq!(average, json!(0.005));
        assert_eq!(high, json!(0.01));
    }
}
