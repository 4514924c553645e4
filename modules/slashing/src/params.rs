use rmesh_core::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// How many recent blocks liveness is judged over.
    pub signed_blocks_window: u64,
    /// The share of the window a validator must sign.
    pub min_signed_per_window: Decimal,
    pub downtime_jail_duration_seconds: u64,
    pub slash_fraction_double_sign: Decimal,
    pub slash_fraction_downtime: Decimal,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            signed_blocks_window: 100,
            min_signed_per_window: Decimal::from_atomics(500_000_000_000_000_000),
            downtime_jail_duration_seconds: 600,
            slash_fraction_double_sign: Decimal::from_atomics(50_000_000_000_000_000),
            slash_fraction_downtime: Decimal::from_atomics(10_000_000_000_000_000),
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), String> {
        if self.signed_blocks_window == 0 {
            return Err("signed_blocks_window must be positive".into());
        }
        let fractions = [
            self.min_signed_per_window,
            self.slash_fraction_double_sign,
            self.slash_fraction_downtime,
        ];
        if fractions.iter().any(|f| *f > Decimal::ONE) {
            return Err("fractions must be at most 1".into());
        }
        Ok(())
    }

    /// Missed blocks beyond which a validator is down: window - floor(window x min_signed).
    pub fn max_missed(&self) -> u64 {
        let signed = self
            .min_signed_per_window
            .mul_floor(u128::from(self.signed_blocks_window))
            .unwrap_or(0);
        self.signed_blocks_window.saturating_sub(signed as u64)
    }
}
