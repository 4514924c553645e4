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
