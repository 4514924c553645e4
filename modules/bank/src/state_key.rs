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

#[cfg(test)]
mod tests {
    use super::*;

    /// These keys are what the chain commits to: changing one forks the chain unless a store
    /// migration moves the data (the upgrade work), so a change here must come with one.
    #[test]
    fn storage_keys_are_pinned() {
        let holder = Address([0xab; 20]);
        let hex = "abababababababababababababababababababab";
        assert_eq!(
            balance(&holder, "urmesh"),
            format!("bank/balances/{hex}/urmesh")
        );
        assert_eq!(BALANCES_PREFIX, "bank/balances/");
        assert_eq!(balances_of(&holder), format!("bank/balances/{hex}/"));
        assert_eq!(supply("urmesh"), "bank/supply/urmesh");
        assert_eq!(SUPPLY_PREFIX, "bank/supply/");
        assert_eq!(metadata("urmesh"), "bank/metadata/urmesh");
        assert_eq!(METADATA_PREFIX, "bank/metadata/");
        assert_eq!(virtual_supply("urmesh"), "bank/virtual_supply/urmesh");
    }
}
