//! A provider chain and the price conversion between its denom and ours.

use std::str::FromStr;

use ibc::core::host::types::identifiers::ConnectionId;
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
    /// Set by the authority's `MsgCloseChannel`: the provider is wound down over its open
    /// channel before the channel closes (absent otherwise, so stored providers keep their
    /// encoding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_close: Option<ChannelClose>,
}

/// The authority's close of a provider's channel, in progress: every position is unstaked on
/// the provider (`internal_unstake`) and acknowledged, then stakers have `grace_seconds` of
/// block time to withdraw the rewards we hold for them (`transfer_rewards` needs the channel),
/// then what is left goes to the community pool and the channel closes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelClose {
    pub grace_seconds: u64,
    /// Block time (unix seconds) the grace period ends; set once the wind-down is acknowledged.
    #[serde(default)]
    pub grace_ends_at: Option<u64>,
}

/// An IBC connection identifier as ibc-go issues them (`connection-<n>`): relayers and the
/// connection queries parse the number, so anything else would break them later.
pub fn check_connection_id(text: &str) -> Result<ConnectionId, ConverterError> {
    let refused = |why: String| {
        ConverterError::InvalidProvider(format!(
            "connection id {text:?} is not an IBC connection id (connection-<number>): {why}"
        ))
    };
    let id = ConnectionId::from_str(text).map_err(|e| refused(e.to_string()))?;
    let numbered = text.strip_prefix("connection-").is_some_and(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<u64>().is_ok()
    });
    if !numbered {
        return Err(refused("it must end in a sequence number".into()));
    }
    Ok(id)
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
        if let Some(connection) = &self.connection_id {
            check_connection_id(connection)?;
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
            channel_close: self.channel_close.as_ref().map(|close| pb::ChannelClose {
                grace_period_seconds: close.grace_seconds,
                grace_ends_at: close.grace_ends_at.unwrap_or(0),
            }),
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
            channel_close: None,
        }
    }

    #[test]
    fn eighty_million_at_price_half_and_discount_tenth_is_thirty_six_million() {
        assert_eq!(provider("0.5", "0.1").to_local(80_000_000), 36_000_000);
    }

    #[test]
    fn a_connection_id_must_be_an_ibc_connection_id_with_a_number() {
        for good in ["connection-0", "connection-17"] {
            let p = Provider {
                connection_id: Some(good.into()),
                ..provider("0.5", "0.1")
            };
            assert!(p.validate().is_ok(), "{good}");
        }
        for bad in [
            "connection-localhost",
            "connection-",
            "connection-01x",
            "conn-0",
            "",
            "connection-99999999999999999999",
        ] {
            let p = Provider {
                connection_id: Some(bad.into()),
                ..provider("0.5", "0.1")
            };
            let err = p.validate().unwrap_err().to_string();
            assert!(err.contains("is not an IBC connection id"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_discount_of_one_or_a_zero_price_is_refused() {
        assert!(provider("0.5", "1").validate().is_err());
        assert!(provider("0", "0.1").validate().is_err());
        assert!(provider("0.5", "0.999").validate().is_ok());
    }
}
