//! Gas metering. A tx's meter lives in the state's ephemeral object store, so every typed store
//! access made while executing the tx is charged without threading the meter through each call.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use cnidarium::{StateRead, StateWrite};

use crate::error::SdkError;

/// The SDK's KV-store gas schedule, so clients' gas estimates carry over.
pub mod cost {
    pub const READ_FLAT: u64 = 1000;
    pub const READ_PER_BYTE: u64 = 3;
    pub const WRITE_FLAT: u64 = 2000;
    pub const WRITE_PER_BYTE: u64 = 30;
    pub const DELETE: u64 = 1000;
    pub const ITER_NEXT_FLAT: u64 = 30;
}

const METER_KEY: &str = "rmesh/gas_meter";

#[derive(Debug)]
pub struct GasMeter {
    limit: u64,
    consumed: AtomicU64,
}

impl GasMeter {
    pub fn new(limit: u64) -> Arc<Self> {
        Arc::new(GasMeter {
            limit,
            consumed: AtomicU64::new(0),
        })
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn consumed(&self) -> u64 {
        self.consumed.load(Ordering::SeqCst)
    }

    pub fn consume(&self, amount: u64, location: &str) -> Result<(), SdkError> {
        let before = self.consumed.fetch_add(amount, Ordering::SeqCst);
        let used = before.saturating_add(amount);
        if used > self.limit {
            return Err(SdkError::OutOfGas {
                location: location.to_string(),
                limit: self.limit,
                used,
            });
        }
        Ok(())
    }
}

pub trait GasMeterExt: StateRead {
    /// The meter of the tx being executed; `None` outside txs (genesis, block hooks).
    fn gas_meter(&self) -> Option<Arc<GasMeter>> {
        self.object_get::<Arc<GasMeter>>(METER_KEY)
    }

    fn consume_gas(&self, amount: u64, location: &str) -> Result<(), SdkError> {
        match self.gas_meter() {
            Some(meter) => meter.consume(amount, location),
            None => Ok(()),
        }
    }
}

impl<T: StateRead + ?Sized> GasMeterExt for T {}

pub trait GasMeterWriteExt: StateWrite {
    fn install_gas_meter(&mut self, meter: Arc<GasMeter>) {
        self.object_put(METER_KEY, meter);
    }

    /// Removes the tx's meter, so that work charged at a flat price is not metered twice.
    fn take_gas_meter(&mut self) -> Option<Arc<GasMeter>> {
        let meter = self.gas_meter();
        self.object_delete(METER_KEY);
        meter
    }
}

impl<T: StateWrite + ?Sized> GasMeterWriteExt for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meter_fails_once_consumption_passes_the_limit() {
        let meter = GasMeter::new(100);
        meter.consume(60, "a").unwrap();
        meter.consume(40, "b").unwrap();
        let err = meter.consume(1, "c").unwrap_err();
        assert_eq!(
            err.to_string(),
            "out of gas in location: c; gasWanted: 100, gasUsed: 101: out of gas"
        );
    }
}
