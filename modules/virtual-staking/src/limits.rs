//! From what providers ask for to what is delegated: each limit scales the entries it covers
//! down pro rata (floor), so no limit is ever exceeded. Applied in this order: the provider's
//! cap, the total cap, the per-validator cap, the maximum remote share.

use std::collections::BTreeMap;

use rmesh_core::decimal::mul_div_floor;
use rmesh_core::Address;

/// What one provider's positions are worth per validator (bond denom), with its cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRequest {
    pub provider: String,
    pub cap: u128,
    pub per_validator: BTreeMap<Address, u128>,
}

/// The chain-wide limits, already in tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub total_cap: Option<u128>,
    pub per_validator_cap: Option<u128>,
    /// Most virtual stake the minimum local share allows.
    pub max_remote: Option<u128>,
}

pub type Targets = BTreeMap<(String, Address), u128>;

/// The virtual delegation each (provider, validator) should hold.
pub fn targets(requests: &[ProviderRequest], limits: &Limits) -> Targets {
    let mut targets = Targets::new();
    for request in requests {
        let mut entries: Vec<u128> = request.per_validator.values().copied().collect();
        scale_down(&mut entries, request.cap);
        for (operator, amount) in request.per_validator.keys().zip(entries) {
            if amount > 0 {
                targets.insert((request.provider.clone(), *operator), amount);
            }
        }
    }
    if let Some(cap) = limits.total_cap {
        scale_down(targets.values_mut(), cap);
    }
    if let Some(cap) = limits.per_validator_cap {
        let mut by_validator: BTreeMap<Address, Vec<&mut u128>> = BTreeMap::new();
        for ((_, operator), amount) in targets.iter_mut() {
            by_validator.entry(*operator).or_default().push(amount);
        }
        for amounts in by_validator.into_values() {
            scale_down(amounts, cap);
        }
    }
    if let Some(cap) = limits.max_remote {
        scale_down(targets.values_mut(), cap);
    }
    targets.retain(|_, amount| *amount > 0);
    targets
}

/// Scales the amounts by `limit / sum` (floor) when their sum exceeds `limit`.
fn scale_down<'a>(amounts: impl IntoIterator<Item = &'a mut u128>, limit: u128) {
    let mut amounts: Vec<&mut u128> = amounts.into_iter().collect();
    let total = amounts
        .iter()
        .fold(0u128, |sum, amount| sum.saturating_add(**amount));
    if total <= limit {
        return;
    }
    for amount in amounts.iter_mut() {
        **amount = mul_div_floor(**amount, limit, total).unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn validator(index: u8) -> Address {
        Address([index; 20])
    }

    fn request(provider: &str, cap: u128, amounts: &[u128]) -> ProviderRequest {
        ProviderRequest {
            provider: provider.into(),
            cap,
            per_validator: amounts
                .iter()
                .enumerate()
                .map(|(index, amount)| (validator(index as u8), *amount))
                .collect(),
        }
    }

    fn amounts_of(targets: &Targets, provider: &str) -> Vec<u128> {
        targets
            .iter()
            .filter(|((p, _), _)| p == provider)
            .map(|(_, amount)| *amount)
            .collect()
    }

    #[test]
    fn requests_over_a_providers_cap_are_scaled_by_cap_over_total_with_floor() {
        let targets = targets(&[request("osmo", 5, &[10, 40])], &Limits::default());
        assert_eq!(amounts_of(&targets, "osmo"), vec![1, 4]);
    }

    #[test]
    fn the_remote_share_limit_scales_every_provider_proportionally() {
        let requests = [
            request("a", u128::MAX, &[500]),
            request("b", u128::MAX, &[1000]),
            request("c", u128::MAX, &[1000]),
        ];
        let limits = Limits {
            max_remote: Some(1000),
            ..Limits::default()
        };
        let targets = targets(&requests, &limits);
        let all: Vec<u128> = ["a", "b", "c"]
            .iter()
            .flat_map(|p| amounts_of(&targets, p))
            .collect();
        assert_eq!(all, vec![200, 400, 400]);
    }

    #[test]
    fn a_validators_cap_counts_every_providers_stake_on_it() {
        let requests = [
            request("a", u128::MAX, &[300, 50]),
            request("b", u128::MAX, &[100]),
        ];
        let limits = Limits {
            per_validator_cap: Some(200),
            ..Limits::default()
        };
        let targets = targets(&requests, &limits);
        assert_eq!(targets[&("a".to_string(), validator(0))], 150);
        assert_eq!(targets[&("b".to_string(), validator(0))], 50);
        assert_eq!(targets[&("a".to_string(), validator(1))], 50);
    }

    #[test]
    fn the_total_cap_applies_after_each_providers_cap() {
        let requests = [request("a", 100, &[400]), request("b", 1000, &[300])];
        let limits = Limits {
            total_cap: Some(200),
            ..Limits::default()
        };
        let targets = targets(&requests, &limits);
        assert_eq!(amounts_of(&targets, "a"), vec![50]);
        assert_eq!(amounts_of(&targets, "b"), vec![150]);
    }

    proptest! {
        #[test]
        fn no_limit_is_ever_exceeded_and_nothing_grows(
            raw in prop::collection::vec((0u128..5, 0u128..1_000_000, prop::collection::vec(0u128..1_000_000, 1..6)), 1..5),
            total_cap in prop::option::of(0u128..3_000_000),
            per_validator_cap in prop::option::of(0u128..1_000_000),
            max_remote in prop::option::of(0u128..3_000_000),
        ) {
            let requests: Vec<ProviderRequest> = raw
                .iter()
                .enumerate()
                .map(|(index, (_, cap, amounts))| request(&format!("p{index}"), *cap, amounts))
                .collect();
            let limits = Limits { total_cap, per_validator_cap, max_remote };
            let targets = targets(&requests, &limits);
            let total: u128 = targets.values().sum();
            for request in &requests {
                let provider_total: u128 = amounts_of(&targets, &request.provider).iter().sum();
                prop_assert!(provider_total <= request.cap);
                for (operator, asked) in &request.per_validator {
                    let given = targets.get(&(request.provider.clone(), *operator)).copied().unwrap_or(0);
                    prop_assert!(given <= *asked);
                }
            }
            if let Some(cap) = total_cap { prop_assert!(total <= cap); }
            if let Some(cap) = max_remote { prop_assert!(total <= cap); }
            if let Some(cap) = per_validator_cap {
                let mut by_validator: BTreeMap<Address, u128> = BTreeMap::new();
                for ((_, operator), amount) in &targets {
                    *by_validator.entry(*operator).or_default() += amount;
                }
                prop_assert!(by_validator.values().all(|sum| *sum <= cap));
            }
        }
    }
}
