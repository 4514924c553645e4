//! Every storage key of the auth module.

use rmesh_core::Address;

pub fn account(address: &Address) -> String {
    format!("auth/accounts/{}", address.to_hex())
}

pub const ACCOUNTS_PREFIX: &str = "auth/accounts/";
pub const NEXT_ACCOUNT_NUMBER: &str = "auth/next_account_number";
pub const PARAMS: &str = "auth/params";
pub const BECH32_PREFIX: &str = "auth/bech32_prefix";

/// In-memory (object store) copies, valid for one block or mempool overlay.
pub const BECH32_PREFIX_CACHE: &str = "auth/cache/bech32_prefix";
pub const PARAMS_CACHE: &str = "auth/cache/params";

#[cfg(test)]
mod tests {
    use super::*;

    /// These keys are what the chain commits to: changing one forks the chain unless a store
    /// migration moves the data (the upgrade work), so a change here must come with one.
    #[test]
    fn storage_keys_are_pinned() {
        let account_address = rmesh_core::Address([0xab; 20]);
        let hex = "abababababababababababababababababababab";
        assert_eq!(account(&account_address), format!("auth/accounts/{hex}"));
        assert_eq!(ACCOUNTS_PREFIX, "auth/accounts/");
        assert_eq!(NEXT_ACCOUNT_NUMBER, "auth/next_account_number");
        assert_eq!(PARAMS, "auth/params");
        assert_eq!(BECH32_PREFIX, "auth/bech32_prefix");
        assert_eq!(BECH32_PREFIX_CACHE, "auth/cache/bech32_prefix");
        assert_eq!(PARAMS_CACHE, "auth/cache/params");
    }
}
