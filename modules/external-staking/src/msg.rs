//! Parsing shared by the user messages.

use cnidarium::StateRead;
use rmesh_auth::AccountRead;
use rmesh_core::coin::parse_uint;
use rmesh_core::{Address, SdkError};

use crate::error::ExternalStakingError;

/// A positive integer amount of the bond denom.
pub fn positive_amount(text: &str) -> Result<u128, SdkError> {
    match parse_uint(text) {
        Some(amount) if amount > 0 => Ok(amount),
        _ => Err(ExternalStakingError::InvalidAmount(format!(
            "{text:?} is not a positive integer amount"
        ))
        .into()),
    }
}

/// The owner signs every user message.
pub async fn owner<S: StateRead + ?Sized>(
    state: &S,
    owner: &str,
) -> Result<Vec<Address>, SdkError> {
    Ok(vec![state.parse_address(owner).await?])
}
