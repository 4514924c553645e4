//! Limits and timing of virtual stake.

use rmesh_core::Decimal;
use rmesh_proto::virtualstaking::v1 as proto;
use serde::{Deserialize, Serialize};

use crate::error::VirtualStakingError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Blocks per epoch; an epoch ends at every height divisible by it.
    pub epoch_length: u64,
    /// Most virtual stake all providers together may hold (bond denom); none means unlimited.
    #[serde(with = "optional_amount")]
    pub total_cap: Option<u128>,
    /// Largest share of bonded stake that may be virtual; 1 means no limit.
    pub max_remote_share: Decimal,
    /// Most virtual stake a single validator may receive; none means unlimited.
    #[serde(with = "optional_amount")]
    pub max_virtual_stake_per_validator: Option<u128>,
    /// Whether virtual stake leaves a tombstoned validator at the next epoch.
    pub tombstone_auto_unbond: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            epoch_length: 10,
            total_cap: None,
            max_remote_share: Decimal::ONE,
            max_virtual_stake_per_validator: None,
            tombstone_auto_unbond: true,
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), VirtualStakingError> {
        if self.epoch_length == 0 {
            return Err(VirtualStakingError::InvalidParams(
                "epoch_length must be at least 1 block".into(),
            ));
        }
        if self.max_remote_share > Decimal::ONE {
            return Err(VirtualStakingError::InvalidParams(
                "max_remote_share must be within [0, 1]".into(),
            ));
        }
        Ok(())
    }

    pub fn to_proto(&self) -> proto::Params {
        let text = |amount: Option<u128>| amount.map(|a| a.to_string()).unwrap_or_default();
        proto::Params {
            epoch_length: self.epoch_length,
            total_cap: text(self.total_cap),
            max_remote_share: self.max_remote_share.to_string(),
            max_virtual_stake_per_validator: text(self.max_virtual_stake_per_validator),
            tombstone_auto_unbond: self.tombstone_auto_unbond,
        }
    }

    pub fn from_proto(params: &proto::Params) -> Result<Self, VirtualStakingError> {
        let invalid = |what: &str, text: &str| {
            VirtualStakingError::InvalidParams(format!("{what} {text:?} is not valid"))
        };
        let amount = |what: &str, text: &str| -> Result<Option<u128>, VirtualStakingError> {
            if text.is_empty() {
                return Ok(None);
            }
            text.parse().map(Some).map_err(|_| invalid(what, text))
        };
        let parsed = Params {
            epoch_length: params.epoch_length,
            total_cap: amount("total_cap", &params.total_cap)?,
            max_remote_share: params
                .max_remote_share
                .parse()
                .map_err(|_| invalid("max_remote_share", &params.max_remote_share))?,
            max_virtual_stake_per_validator: amount(
                "max_virtual_stake_per_validator",
                &params.max_virtual_stake_per_validator,
            )?,
            tombstone_auto_unbond: params.tombstone_auto_unbond,
        };
        parsed.validate()?;
        Ok(parsed)
    }
}

/// `Option<u128>` as an amount string or null.
mod optional_amount {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<u128>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(amount) => s.serialize_str(&amount.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| text.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}
