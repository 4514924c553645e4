//! A provider chain and the price conversion between its denom and ours.

use rmesh_core::decimal::mul_div_floor;
use rmesh_core::{coin::amount_string, Address, Decimal};
use rmesh_proto::converter::v1 as pb;
use serde::{Deserialize, Serialize};

use crate::error::ConverterError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderStatus {
    Active,
    Paused,
    Closing,
}

impl ProviderStatus {
    pub fn to_proto(self) -> pb::ProviderStatus {
        match self {
            ProviderStatus::Active => pb::ProviderStatus::Active,
            ProviderStatus::Paused => pb::ProviderStatus::Paused,
            ProviderStatus::Closing => pb::ProviderStatus::Closing,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub remote_denom: String,
    /// Our bond-denom tokens per provider token.
    pub price: Decimal,
    /// In [0, 1).
    pub discount: Decimal,
    /// Most virtual stake (bond denom) this provider may hold.
    #[serde(with = "amount_string")]
    pub cap: u128,
    pub status: ProviderStatus,
    #[serde(default)]
    pub price_feeder: Option<Address>,
    #[serde(default)]
    pub channel_id: Option<String>,
    /// The IBC connection to the provider chain; its mesh-security channel must use it.
    #[serde(default)]
    pub connection_id: Option<String>,
}

/// 1 / value, floored to 18 places (the reference multiplies by this inverse).
fn inverse(value: Decimal) -> Decimal {
    let one = Decimal::ONE.atomics();
    Decimal::from_atomics(mul_div_floor(one, one, value.atomics()).unwrap_or(0))
}

impl Provider {
    pub fn validate(&self) -> Result<(), ConverterError> {
        let invalid = |what: &str| Err(ConverterError::InvalidProvider(what.to_string()));
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !id_ok {
            return invalid("id must be 1-64 characters of [A-Za-z0-9._-]");
        }
        if self.remote_denom.is_empty() || self.remote_denom.len() > 128 {
            return invalid("remote_denom must be 1-128 characters");
        }
        if self.price.is_zero() {
            return invalid("price must be positive");
        }
        if self.discount >= Decimal::ONE {
            return invalid("discount must be within [0, 1)");
        }
        Ok(())
    }

    /// The share of the priced value we count: 1 - discount.
    fn adjustment(&self) -> Decimal {
        Decimal::ONE.saturating_sub(self.discount)
    }

    /// Provider tokens to ours: floor(floor(amount * price) * (1 - discount)).
    pub fn to_local(&self, remote: u128) -> u128 {
        let priced = self.price.mul_floor(remote).unwrap_or(u128::MAX);
        self.adjustment().mul_floor(priced).unwrap_or(u128::MAX)
    }

    /// Our tokens to the provider's: floor(floor(amount / price) / (1 - discount)), each
    /// division as a multiplication by the 18-place inverse, so 22,500,000 at price 0.5 and
    /// discount 0.1 gives 49,999,999 (as the reference computes).
    pub fn to_remote(&self, local: u128) -> u128 {
        let unpriced = inverse(self.price).mul_floor(local).unwrap_or(u128::MAX);
        inverse(self.adjustment())
            .mul_floor(unpriced)
            .unwrap_or(u128::MAX)
    }

    pub fn to_proto(&self, feeder: String) -> pb::Provider {
        pb::Provider {
            id: self.id.clone(),
            remote_denom: self.remote_denom.clone(),
            price: self.price.to_string(),
            discount: self.discount.to_string(),
            cap: self.cap.to_string(),
            status: self.status.to_proto() as i32,
            price_feeder: feeder,
            channel_id: self.channel_id.clone().unwrap_or_default(),
            connection_id: self.connection_id.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(price: &str, discount: &str) -> Provider {
        Provider {
            id: "osmo".into(),
            remote_denom: "uosmo".into(),
            price: price.parse().unwrap(),
            discount: discount.parse().unwrap(),
            cap: 0,
            status: ProviderStatus::Active,
            price_feeder: None,
            channel_id: None,
            connection_id: None,
        }
    }

    #[test]
    fn eighty_million_at_price_half_and_discount_tenth_is_thirty_six_million() {
        assert_eq!(provider("0.5", "0.1").to_local(80_000_000), 36_000_000);
    }

    #[test]
    fn the_inverse_conversion_loses_one_unit_to_rounding_like_the_reference() {
        let p = provider("0.5", "0.1");
        assert_eq!(p.to_local(50_000_000), 22_500_000);
        assert_eq!(p.to_remote(22_500_000), 49_999_999);
    }

    #[test]
    fn a_discount_of_one_or_a_zero_price_is_refused() {
        assert!(provider("0.5", "1").validate().is_err());
        assert!(provider("0", "0.1").validate().is_err());
        assert!(provider("0.5", "0.999").validate().is_ok());
    }
}
