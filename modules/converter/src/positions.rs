//! Reducing stake that a provider-side slash or our own slash took: spread over validators
//! evenly, and over the positions with one validator pro rata, both exact to the unit.

use cnidarium::StateWrite;
use rmesh_core::decimal::mul_div_floor;
use rmesh_core::{Address, SdkError};

use crate::error::ConverterError;
use crate::view::{ConverterRead, ConverterWrite};

/// Splits `amount` evenly over validators holding `staked` each; what one cannot take (and the
/// remainder) goes to the first with room: 100 over 100/200/300 gives 34/33/33.
pub fn split_evenly(amount: u128, staked: &[u128]) -> Result<Vec<u128>, ConverterError> {
    let available: u128 = staked.iter().sum();
    if staked.is_empty() || available < amount {
        return Err(ConverterError::BurnExceedsStake {
            wanted: amount,
            available,
        });
    }
    let base = amount / staked.len() as u128;
    let mut shares: Vec<u128> = staked.iter().map(|s| base.min(*s)).collect();
    let mut leftover = amount - shares.iter().sum::<u128>();
    for (share, room) in shares.iter_mut().zip(staked) {
        let extra = leftover.min(room - *share);
        *share += extra;
        leftover -= extra;
    }
    Ok(shares)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn burning_one_hundred_over_one_two_three_hundred_gives_thirty_four_thirty_three_thirty_three()
    {
        assert_eq!(
            split_evenly(100, &[100, 200, 300]).unwrap(),
            vec![34, 33, 33]
        );
    }

    #[test]
    fn a_validator_with_too_little_stake_passes_its_share_to_the_next_with_room() {
        assert_eq!(split_evenly(90, &[10, 100, 100]).unwrap(), vec![10, 50, 30]);
        assert!(split_evenly(301, &[100, 200]).is_err());
    }

    proptest! {
        #[test]
        fn an_even_split_is_exact_and_never_exceeds_a_validators_stake(
            staked in prop::collection::vec(0u128..1_000, 1..8),
            fraction in 0u128..=100,
        ) {
            let available: u128 = staked.iter().sum();
            let amount = available * fraction / 100;
            let shares = split_evenly(amount, &staked).unwrap();
            prop_assert_eq!(shares.iter().sum::<u128>(), amount);
            for (share, room) in shares.iter().zip(&staked) {
                prop_assert!(share <= room);
            }
        }
    }
}
