//! Reducing stake that a provider-side slash or our own slash took: spread over validators
//! evenly, and over the positions with one validator pro rata, both exact to the unit.

use cnidarium::StateWrite;
use rmesh_core::decimal::mul_div_floor;
use rmesh_core::{Address, SdkError};

use crate::view::{ConverterRead, ConverterWrite};

/// Cuts `reduction` from the provider's positions with `operator`, pro rata (floor), the
/// remainder a unit at a time to positions in key order. Returns what was cut.
pub async fn reduce_pro_rata<S: StateWrite>(
    state: &mut S,
    provider: &str,
    operator: &Address,
    reduction: u128,
) -> Result<u128, SdkError> {
    let positions = state.positions_with(provider, operator).await?;
    let total: u128 = positions.values().sum();
    let reduction = reduction.min(total);
    if reduction == 0 {
        return Ok(0);
    }
    let mut cuts: Vec<u128> = positions
        .values()
        .map(|amount| mul_div_floor(*amount, reduction, total).unwrap_or(0))
        .collect();
    let mut leftover = reduction - cuts.iter().sum::<u128>();
    for (cut, amount) in cuts.iter_mut().zip(positions.values()) {
        let extra = leftover.min(amount - *cut);
        *cut += extra;
        leftover -= extra;
    }
    for (((validator, delegator), amount), cut) in positions.iter().zip(cuts) {
        if cut > 0 {
            state
                .put_position(provider, validator, delegator, amount - cut)
                .await?;
        }
    }
    Ok(reduction)
}
