//! Parsing shared by the authority messages.

use cnidarium::StateRead;
use rmesh_auth::AccountRead;
use rmesh_core::coin::parse_uint;
use rmesh_core::{Address, Decimal, SdkError};

use crate::error::ConverterError;

pub fn decimal(what: &str, text: &str) -> Result<Decimal, SdkError> {
    text.parse().map_err(|_| {
        ConverterError::InvalidProvider(format!("{what} {text:?} is not a decimal")).into()
    })
}

pub fn amount(what: &str, text: &str) -> Result<u128, SdkError> {
    parse_uint(text).ok_or_else(|| {
        ConverterError::InvalidProvider(format!("{what} {text:?} is not an amount")).into()
    })
}

/// `None` for an empty field (keep the current value).
pub fn optional<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, SdkError>,
) -> Result<Option<T>, SdkError> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

/// An account address, or `None` for an empty field.
pub async fn optional_address<S: StateRead + ?Sized>(
    state: &S,
    text: &str,
) -> Result<Option<Address>, SdkError> {
    if text.is_empty() {
        return Ok(None);
    }
    state.parse_address(text).await.map(Some)
}
