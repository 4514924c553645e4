//! Every storage key of the bank module.

use rmesh_core::Address;

pub fn balance(address: &Address, denom: &str) -> String {
    format!("{BALANCES_PREFIX}{}/{denom}", address.to_hex())
}

pub const BALANCES_PREFIX: &str = "bank/balances/";

pub fn balances_of(address: &Address) -> String {
    format!("{BALANCES_PREFIX}{}/", address.to_hex())
}

pub fn supply(denom: &str) -> String {
    format!("bank/supply/{denom}")
}

pub const SUPPLY_PREFIX: &str = "bank/supply/";

pub fn metadata(denom: &str) -> String {
    format!("bank/metadata/{denom}")
}

pub const METADATA_PREFIX: &str = "bank/metadata/";

/// Tokens minted by virtual staking: in balances, kept out of the supply.
pub fn virtual_supply(denom: &str) -> String {
    format!("bank/virtual_supply/{denom}")
}
