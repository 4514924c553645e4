//! secp256k1 account keys as the SDK encodes them (`/cosmos.crypto.secp256k1.PubKey` in an Any).

use k256::ecdsa::signature::Verifier;
use k256::ecdsa::{Signature, VerifyingKey};
use prost::Message;
use ripemd::Ripemd160;
use rmesh_core::{Address, SdkError};
use sha2::{Digest, Sha256};

pub const SECP256K1_TYPE_URL: &str = "/cosmos.crypto.secp256k1.PubKey";

pub type Any = cosmos_sdk_proto::Any;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, SdkError> {
        let key = VerifyingKey::from_sec1_bytes(bytes)
            .map_err(|_| SdkError::InvalidPubKey("malformed secp256k1 public key".into()))?;
        Ok(PublicKey { key })
    }

    pub fn from_any(any: &Any) -> Result<Self, SdkError> {
        if any.type_url != SECP256K1_TYPE_URL {
            return Err(SdkError::InvalidPubKey(format!(
                "unsupported public key type {:?}; only {SECP256K1_TYPE_URL} is accepted",
                any.type_url
            )));
        }
        let proto =
            cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey::decode(any.value.as_slice())
                .map_err(|e| SdkError::InvalidPubKey(format!("cannot decode public key: {e}")))?;
        PublicKey::from_sec1(&proto.key)
    }

    pub fn to_any(&self) -> Any {
        let proto = cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey {
            key: self.compressed(),
        };
        Any {
            type_url: SECP256K1_TYPE_URL.to_string(),
            value: proto.encode_to_vec(),
        }
    }

    pub fn compressed(&self) -> Vec<u8> {
        self.key.to_encoded_point(true).as_bytes().to_vec()
    }

    /// ripemd160(sha256(compressed key)), as the SDK derives secp256k1 addresses.
    pub fn address(&self) -> Address {
        let sha = Sha256::digest(self.compressed());
        let ripe = Ripemd160::digest(sha);
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&ripe);
        Address(bytes)
    }

    /// Verifies a 64-byte (r, s) signature over sha256(message); high-S forms are refused as in
    /// the SDK, so a signature cannot be malleated into a second valid one.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        if signature.normalize_s().is_some() {
            return false;
        }
        self.key.verify(message, &signature).is_ok()
    }
}
