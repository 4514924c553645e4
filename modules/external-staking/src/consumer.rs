//! A consumer chain this provider secures and the terms of the stake sent to it.

use std::str::FromStr;

use ibc::core::host::types::identifiers::{ConnectionId, PortId};
use rmesh_core::Decimal;
use rmesh_proto::externalstaking::v1 as pb;
use serde::{Deserialize, Serialize};

use crate::error::ExternalStakingError;

/// The reference provider's unbonding period: 21 days.
pub const DEFAULT_UNBONDING_SECONDS: u64 = 21 * 24 * 60 * 60;
/// The reference provider's packet timeout: 10 minutes.
pub const DEFAULT_PACKET_TIMEOUT_SECONDS: u64 = 10 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    pub id: String,
    /// The only connection a channel for this consumer is accepted on.
    pub connection_id: String,
    /// The consumer's port (the converter's, `mesh-security` on rmesh).
    pub counterparty_port: String,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default = "default_unbonding")]
    pub unbonding_seconds: u64,
    /// The share of a lien this consumer may slash.
    pub max_slashing: Decimal,
    /// How long the consumer has to receive our packets before they time out and roll back.
    #[serde(default = "default_packet_timeout")]
    pub packet_timeout_seconds: u64,
    /// Test switch: behave as the reference provider contract, which refuses a close the
    /// consumer starts (ChanCloseConfirm), so a consumer can be tested against that. Our end
    /// then stays open. Absent (false) on real chains.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refuse_close_confirm: bool,
}

fn default_unbonding() -> u64 {
    DEFAULT_UNBONDING_SECONDS
}

fn default_packet_timeout() -> u64 {
    DEFAULT_PACKET_TIMEOUT_SECONDS
}

fn invalid(text: String) -> ExternalStakingError {
    ExternalStakingError::InvalidConsumer(text)
}

impl Consumer {
    pub fn validate(&self) -> Result<(), ExternalStakingError> {
        if self.id.is_empty() || self.id.contains('/') {
            return Err(invalid(format!(
                "consumer id {:?} must be non-empty and without '/'",
                self.id
            )));
        }
        ConnectionId::from_str(&self.connection_id).map_err(|e| {
            invalid(format!(
                "connection id {:?} is not an IBC connection id: {e}",
                self.connection_id
            ))
        })?;
        PortId::from_str(&self.counterparty_port).map_err(|e| {
            invalid(format!(
                "port {:?} is not an IBC port id: {e}",
                self.counterparty_port
            ))
        })?;
        if self.max_slashing > Decimal::ONE {
            return Err(invalid(format!(
                "max slashing {} is above 1",
                self.max_slashing
            )));
        }
        if self.unbonding_seconds == 0 || self.packet_timeout_seconds == 0 {
            return Err(invalid(
                "the unbonding period and the packet timeout must be positive".into(),
            ));
        }
        Ok(())
    }

    pub fn to_proto(&self) -> pb::Consumer {
        pb::Consumer {
            id: self.id.clone(),
            connection_id: self.connection_id.clone(),
            counterparty_port: self.counterparty_port.clone(),
            channel_id: self.channel_id.clone().unwrap_or_default(),
            unbonding_seconds: self.unbonding_seconds,
            max_slashing: self.max_slashing.to_string(),
            packet_timeout_seconds: self.packet_timeout_seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consumer() -> Consumer {
        Consumer {
            id: "consumer-1".into(),
            connection_id: "connection-0".into(),
            counterparty_port: "mesh-security".into(),
            channel_id: None,
            unbonding_seconds: DEFAULT_UNBONDING_SECONDS,
            max_slashing: "0.1".parse().unwrap(),
            packet_timeout_seconds: DEFAULT_PACKET_TIMEOUT_SECONDS,
            refuse_close_confirm: false,
        }
    }

    #[test]
    fn a_consumer_needs_ibc_identifiers_and_a_slashing_share_of_at_most_one() {
        assert!(consumer().validate().is_ok());
        let broken = [
            Consumer {
                id: "a/b".into(),
                ..consumer()
            },
            Consumer {
                connection_id: "conn".into(),
                ..consumer()
            },
            Consumer {
                counterparty_port: "".into(),
                ..consumer()
            },
            Consumer {
                max_slashing: "1.5".parse().unwrap(),
                ..consumer()
            },
            Consumer {
                unbonding_seconds: 0,
                ..consumer()
            },
        ];
        for consumer in broken {
            assert!(consumer.validate().is_err(), "{consumer:?}");
        }
    }
}
