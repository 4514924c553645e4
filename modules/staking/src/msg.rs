//! Pieces shared by the staking message handlers.

use cnidarium::StateRead;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use rmesh_core::{Coin, Decimal, SdkError};

use crate::view::StakingRead;

/// The amount of a bond-denom coin, refusing other denoms and zero.
pub async fn bond_amount<S: StateRead + ?Sized>(
    state: &S,
    coin: Option<&ProtoCoin>,
) -> Result<u128, SdkError> {
    let coin = coin.ok_or_else(|| SdkError::InvalidRequest("missing amount".into()))?;
    let coin = Coin::from_proto(&coin.denom, &coin.amount)?;
    let bond_denom = state.staking_params().await?.bond_denom;
    if coin.denom != bond_denom {
        return Err(SdkError::InvalidRequest(format!(
            "invalid coin denomination: got {}, expected {bond_denom}",
            coin.denom
        )));
    }
    if coin.amount == 0 {
        return Err(SdkError::InvalidRequest("invalid delegation amount".into()));
    }
    Ok(coin.amount)
}

/// The SDK's proto form of a decimal: its 18-place atomics as an integer string.
pub fn decimal_from_proto(text: &str) -> Result<Decimal, SdkError> {
    let atomics: u128 = text
        .parse()
        .map_err(|_| SdkError::InvalidRequest(format!("invalid decimal {text:?}")))?;
    Ok(Decimal::from_atomics(atomics))
}

pub fn decimal_to_proto(value: Decimal) -> String {
    value.atomics().to_string()
}

pub fn parse_amount(text: &str, what: &str) -> Result<u128, SdkError> {
    text.parse()
        .map_err(|_| SdkError::InvalidRequest(format!("invalid {what} {text:?}")))
}
