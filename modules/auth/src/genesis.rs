//! The auth section of genesis `app_state`, shaped like the SDK's.

use serde::{Deserialize, Serialize};

use crate::params::Params;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// The chain's bech32 account prefix (default `rmesh`).
    #[serde(default = "default_prefix")]
    pub bech32_prefix: String,
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
}

impl Default for GenesisState {
    fn default() -> Self {
        GenesisState {
            params: Params::default(),
            bech32_prefix: default_prefix(),
            accounts: vec![],
        }
    }
}

fn default_prefix() -> String {
    crate::view::DEFAULT_BECH32_PREFIX.to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    #[serde(rename = "@type", default = "base_account_type")]
    pub type_url: String,
    pub address: String,
    #[serde(
        default,
        serialize_with = "crate::params::serialize_u64",
        deserialize_with = "crate::params::deserialize_u64"
    )]
    pub account_number: u64,
    #[serde(
        default,
        serialize_with = "crate::params::serialize_u64",
        deserialize_with = "crate::params::deserialize_u64"
    )]
    pub sequence: u64,
    #[serde(default)]
    pub pub_key: Option<serde_json::Value>,
}

pub const BASE_ACCOUNT_TYPE: &str = "/cosmos.auth.v1beta1.BaseAccount";

fn base_account_type() -> String {
    BASE_ACCOUNT_TYPE.to_string()
}

impl GenesisAccount {
    pub fn new(address: String, account_number: u64) -> Self {
        GenesisAccount {
            type_url: base_account_type(),
            address,
            account_number,
            sequence: 0,
            pub_key: None,
        }
    }
}
