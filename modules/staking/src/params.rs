use rmesh_core::Decimal;
use serde::{Deserialize, Serialize};

/// Staking parameters, SDK names; `unbonding_time` in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    pub unbonding_time_seconds: u64,
    pub max_validators: u32,
    pub max_entries: u32,
    /// How many past headers are kept for IBC light clients verifying us; must be positive.
    pub historical_entries: u32,
    pub bond_denom: String,
    pub min_commission_rate: Decimal,
    /// Tokens per unit of CometBFT voting power.
    pub power_reduction: u128,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            unbonding_time_seconds: 21 * 24 * 3600,
            max_validators: 100,
            max_entries: 7,
            historical_entries: 10_000,
            bond_denom: "urmesh".into(),
            min_commission_rate: Decimal::ZERO,
            power_reduction: 1_000_000,
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), String> {
        if self.unbonding_time_seconds == 0 {
            return Err("unbonding_time_seconds must be positive".into());
        }
        if self.max_validators == 0 || self.max_entries == 0 || self.historical_entries == 0 {
            return Err(
                "max_validators, max_entries and historical_entries must be positive".into(),
            );
        }
        if self.power_reduction == 0 {
            return Err("power_reduction must be positive".into());
        }
        if self.min_commission_rate > Decimal::ONE {
            return Err("min_commission_rate must be at most 1".into());
        }
        rmesh_core::coin::validate_denom(&self.bond_denom).map_err(|e| e.to_string())
    }

    pub fn unbonding_nanos(&self) -> u64 {
        self.unbonding_time_seconds.saturating_mul(1_000_000_000)
    }
}
