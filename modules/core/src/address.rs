//! 20-byte account addresses with bech32 text forms, as the SDK derives them.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::bech32;
use crate::error::SdkError;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// The address of a module account: the first 20 bytes of sha256(name), as the SDK does.
    pub fn module(name: &str) -> Self {
        let digest = Sha256::digest(name.as_bytes());
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&digest[..20]);
        Address(bytes)
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Self, SdkError> {
        let array: [u8; 20] = bytes.try_into().map_err(|_| {
            SdkError::InvalidAddress(format!("address must be 20 bytes, got {}", bytes.len()))
        })?;
        Ok(Address(array))
    }

    /// Decodes a bech32 address and checks that it carries the expected prefix.
    pub fn from_bech32(text: &str, prefix: &str) -> Result<Self, SdkError> {
        let (hrp, address) = Address::from_bech32_any_prefix(text)?;
        if hrp != prefix {
            return Err(SdkError::InvalidAddress(format!(
                "address {text} has prefix {hrp:?}, expected {prefix:?}"
            )));
        }
        Ok(address)
    }

    /// Decodes a bech32 address of any prefix, returning the prefix with it.
    pub fn from_bech32_any_prefix(text: &str) -> Result<(String, Self), SdkError> {
        let (hrp, bytes) = bech32::decode(text).map_err(|e| {
            SdkError::InvalidAddress(format!("invalid bech32 address {text:?}: {e}"))
        })?;
        Ok((hrp, Address::from_slice(&bytes)?))
    }

    pub fn to_bech32(&self, prefix: &str) -> String {
        // Encoding only fails for an invalid prefix, which genesis validation rules out.
        bech32::encode(prefix, &self.0)
            .unwrap_or_else(|_| format!("{prefix}1{}", hex_lower(&self.0)))
    }

    pub fn to_hex(&self) -> String {
        hex_lower(&self.0)
    }

    /// Parses the 40-digit lowercase hex form used inside storage keys.
    pub fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 40 {
            return None;
        }
        let mut bytes = [0u8; 20];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Address(bytes))
    }
}

/// A bech32 human-readable part must be lowercase ASCII letters/digits and encode an address.
pub fn validate_prefix(prefix: &str) -> Result<(), SdkError> {
    let valid = !prefix.is_empty()
        && prefix.len() <= 40
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(SdkError::InvalidRequest(format!(
            "invalid bech32 prefix {prefix:?}"
        )))
    }
}

/// The bech32 prefix of validator operator addresses: the account prefix with `valoper`
/// appended, as the SDK derives it.
pub fn operator_prefix(account_prefix: &str) -> String {
    format!("{account_prefix}valoper")
}

/// Every storage key of an account goes through this: one allocation, no formatter.
fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// In stored JSON an address is its hex form: state does not depend on the bech32 prefix.
impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Address::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid address {text:?}")))
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_collector_module_address_matches_the_sdk() {
        // cosmos-sdk's fee_collector is cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta.
        let addr = Address::module("fee_collector");
        assert_eq!(
            addr.to_bech32("cosmos"),
            "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta"
        );
    }

    #[test]
    fn bech32_round_trips_and_checks_the_prefix() {
        let addr = Address([7u8; 20]);
        let text = addr.to_bech32("rmesh");
        assert_eq!(Address::from_bech32(&text, "rmesh").unwrap(), addr);
        assert!(Address::from_bech32(&text, "cosmos").is_err());
        assert!(Address::from_bech32("rmesh1notanaddress", "rmesh").is_err());
    }

    #[test]
    fn the_hex_form_is_forty_lowercase_digits_and_round_trips() {
        let mut bytes = [0u8; 20];
        bytes[0] = 0x0f;
        bytes[1] = 0xa0;
        bytes[19] = 0xff;
        let addr = Address(bytes);
        let text = addr.to_hex();
        assert_eq!(text, format!("0fa0{}ff", "00".repeat(17)));
        assert_eq!(Address::from_hex(&text), Some(addr));
    }
}
