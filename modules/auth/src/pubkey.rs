//! secp256k1 account keys as the SDK encodes them (`/cosmos.crypto.secp256k1.PubKey` in an Any).

use std::sync::OnceLock;

use k256::ecdsa::VerifyingKey;
use prost::Message;
use ripemd::Ripemd160;
use rmesh_core::{Address, SdkError};
use secp256k1::{ecdsa, Secp256k1, VerifyOnly};
use sha2::{Digest, Sha256};

pub const SECP256K1_TYPE_URL: &str = "/cosmos.crypto.secp256k1.PubKey";

pub type Any = cosmos_sdk_proto::Any;

/// A key in its 33-byte compressed form. The curve point is parsed (a field square root) only
/// to verify a signature, which a node does once per signature: keys read back from accounts
/// need no parsing at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    compressed: Vec<u8>,
}

impl PublicKey {
    /// A key from outside the chain: it must be a point on the curve.
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, SdkError> {
        let key = VerifyingKey::from_sec1_bytes(bytes).map_err(|_| malformed())?;
        Ok(PublicKey {
            compressed: key.to_encoded_point(true).as_bytes().to_vec(),
        })
    }

    /// A key carried by a tx: decoded and checked to be on the curve.
    pub fn from_any(any: &Any) -> Result<Self, SdkError> {
        PublicKey::from_sec1(&decode_any(any)?)
    }

    /// A key this chain stored on an account: it was checked when stored, so only its encoding
    /// is read. [`PublicKey::verify`] still refuses a key that is not a point.
    pub fn from_stored_any(any: &Any) -> Result<Self, SdkError> {
        let compressed = decode_any(any)?;
        if compressed.len() != COMPRESSED_LEN {
            return Err(malformed());
        }
        Ok(PublicKey { compressed })
    }

    pub fn to_any(&self) -> Any {
        let proto = cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey {
            key: self.compressed.clone(),
        };
        Any {
            type_url: SECP256K1_TYPE_URL.to_string(),
            value: proto.encode_to_vec(),
        }
    }

    pub fn compressed(&self) -> &[u8] {
        &self.compressed
    }

    /// ripemd160(sha256(compressed key)), as the SDK derives secp256k1 addresses.
    pub fn address(&self) -> Address {
        let sha = Sha256::digest(&self.compressed);
        let ripe = Ripemd160::digest(sha);
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&ripe);
        Address(bytes)
    }

    /// Verifies a 64-byte (r, s) signature over sha256(message); high-S forms are refused as in
    /// the SDK (libsecp256k1 accepts only low-S), so a signature cannot be malleated into a
    /// second valid one.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        static VERIFIER: OnceLock<Secp256k1<VerifyOnly>> = OnceLock::new();
        let (Ok(signature), Ok(key)) = (
            ecdsa::Signature::from_compact(signature),
            secp256k1::PublicKey::from_slice(&self.compressed),
        ) else {
            return false;
        };
        let digest = secp256k1::Message::from_digest(Sha256::digest(message).into());
        VERIFIER
            .get_or_init(Secp256k1::verification_only)
            .verify_ecdsa(&digest, &signature, &key)
            .is_ok()
    }
}

const COMPRESSED_LEN: usize = 33;

fn malformed() -> SdkError {
    SdkError::InvalidPubKey("malformed secp256k1 public key".into())
}

/// The key bytes of a `/cosmos.crypto.secp256k1.PubKey` Any.
fn decode_any(any: &Any) -> Result<Vec<u8>, SdkError> {
    if any.type_url != SECP256K1_TYPE_URL {
        return Err(SdkError::InvalidPubKey(format!(
            "unsupported public key type {:?}; only {SECP256K1_TYPE_URL} is accepted",
            any.type_url
        )));
    }
    cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey::decode(any.value.as_slice())
        .map(|proto| proto.key)
        .map_err(|e| SdkError::InvalidPubKey(format!("cannot decode public key: {e}")))
}
