//! Parsing shared by the vault's messages.

use rmesh_core::coin::parse_uint;
use rmesh_core::SdkError;

use crate::error::VaultError;

/// A positive integer amount of the bond denom.
pub fn positive_amount(text: &str) -> Result<u128, SdkError> {
    match parse_uint(text) {
        Some(0) => Err(VaultError::InvalidAmount("the amount must be positive".into()).into()),
        Some(amount) => Ok(amount),
        None => Err(VaultError::InvalidAmount(format!(
            "{text:?} is not an integer amount of the bond denom"
        ))
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_amounts_must_be_positive_integers() {
        assert_eq!(positive_amount("42"), Ok(42));
        for bad in ["0", "", "-1", "1.5", " 1", "1urmesh"] {
            assert!(positive_amount(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
