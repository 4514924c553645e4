use serde::{Deserialize, Serialize};

/// The SDK's auth params; their values are the SDK defaults so gas estimates carry over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    #[serde(with = "u64_string")]
    pub max_memo_characters: u64,
    #[serde(with = "u64_string")]
    pub tx_sig_limit: u64,
    #[serde(with = "u64_string")]
    pub tx_size_cost_per_byte: u64,
    #[serde(with = "u64_string")]
    pub sig_verify_cost_ed25519: u64,
    #[serde(with = "u64_string")]
    pub sig_verify_cost_secp256k1: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            max_memo_characters: 256,
            tx_sig_limit: 7,
            tx_size_cost_per_byte: 10,
            sig_verify_cost_ed25519: 590,
            sig_verify_cost_secp256k1: 1000,
        }
    }
}

impl Params {
    pub fn to_proto(&self) -> cosmos_sdk_proto::cosmos::auth::v1beta1::Params {
        cosmos_sdk_proto::cosmos::auth::v1beta1::Params {
            max_memo_characters: self.max_memo_characters,
            tx_sig_limit: self.tx_sig_limit,
            tx_size_cost_per_byte: self.tx_size_cost_per_byte,
            sig_verify_cost_ed25519: self.sig_verify_cost_ed25519,
            sig_verify_cost_secp256k1: self.sig_verify_cost_secp256k1,
        }
    }
}

/// The SDK writes u64 genesis fields as JSON strings; accept numbers too.
mod u64_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Number(u64),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(n),
            Either::Text(text) => text.parse().map_err(serde::de::Error::custom),
        }
    }
}

pub use u64_string::{deserialize as deserialize_u64, serialize as serialize_u64};
