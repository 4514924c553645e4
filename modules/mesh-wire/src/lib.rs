//! The mesh-security wire format (../shared/PROTOCOL.md), shared by both ends of a channel: the
//! channel version, the packets each side sends (externally tagged snake_case enums, every field
//! present, no unknown fields, 128-bit amounts as strings, u64 as JSON integers) and the acks.

use base64::Engine;
use rmesh_core::coin::parse_uint;
use rmesh_core::decimal::mul_div_floor;
use serde::{Deserialize, Serialize};

/// The channel version both ends propose and answer with, exactly.
pub const VERSION: &str = r#"{"protocol":"mesh-security","version":"0.11.0"}"#;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("malformed packet: {0}")]
    Malformed(String),
    #[error("wrong denom: expected {expected}, got {got}")]
    WrongDenom { expected: String, got: String },
    #[error("{0}")]
    Version(String),
}

/// A counterparty version is acceptable when its protocol is mesh-security and its semver is
/// at least 0.11.0 with the same major.
pub fn check_version(version: &str) -> Result<(), WireError> {
    #[derive(Deserialize)]
    struct MeshVersion {
        protocol: String,
        version: String,
    }
    let parsed: MeshVersion = serde_json::from_str(version).map_err(|e| {
        WireError::Version(format!(
            "channel version {version} is not mesh-security's: {e}"
        ))
    })?;
    let numbers: Vec<Option<u64>> = parsed
        .version
        .split('.')
        .map(|part| part.parse().ok())
        .collect();
    let compatible = parsed.protocol == "mesh-security"
        && matches!(numbers[..], [Some(0), Some(minor), Some(_)] if minor >= 11);
    compatible
        .then_some(())
        .ok_or_else(|| WireError::Version(format!("unsupported mesh-security version {version}")))
}

/// `{"denom":..,"amount":"<uint128>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireCoin {
    pub denom: String,
    pub amount: String,
}

impl WireCoin {
    pub fn new(amount: u128, denom: impl Into<String>) -> Self {
        WireCoin {
            denom: denom.into(),
            amount: amount.to_string(),
        }
    }

    /// The amount, which must be a plain decimal integer (as `Uint128` is).
    pub fn amount(&self) -> Result<u128, WireError> {
        parse_uint(&self.amount)
            .ok_or_else(|| WireError::Malformed(format!("invalid amount {:?}", self.amount)))
    }

    /// The amount in `denom`, refusing any other denom.
    pub fn amount_in(&self, denom: &str) -> Result<u128, WireError> {
        if self.denom != denom {
            return Err(WireError::WrongDenom {
                expected: denom.to_string(),
                got: self.denom.clone(),
            });
        }
        self.amount()
    }
}

/// What a provider sends us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProviderPacket {
    Stake {
        delegator: String,
        validator: String,
        stake: WireCoin,
        tx_id: u64,
    },
    Unstake {
        delegator: String,
        validator: String,
        unstake: WireCoin,
        tx_id: u64,
    },
    Burn {
        validators: Vec<String>,
        burn: WireCoin,
    },
    TransferRewards {
        rewards: WireCoin,
        recipient: String,
        tx_id: u64,
    },
}

impl ProviderPacket {
    pub fn parse(data: &[u8]) -> Result<Self, WireError> {
        serde_json::from_slice(data).map_err(|e| WireError::Malformed(e.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorEntry {
    pub valoper: String,
    /// Base64 of the ed25519 consensus key.
    pub pub_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashInfo {
    pub address: String,
    pub infraction_height: u64,
    pub infraction_time: u64,
    pub power: u64,
    /// In the provider's denom.
    pub slash_amount: WireCoin,
    pub slash_ratio: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValsetUpdate {
    pub height: u64,
    pub time: u64,
    pub additions: Vec<ValidatorEntry>,
    pub removals: Vec<String>,
    pub updated: Vec<ValidatorEntry>,
    pub jailed: Vec<String>,
    pub unjailed: Vec<String>,
    pub tombstoned: Vec<String>,
    pub slashed: Vec<SlashInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardInfo {
    pub validator: String,
    pub reward: String,
}

/// What we send a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConsumerPacket {
    ValsetUpdate(ValsetUpdate),
    InternalUnstake {
        delegator: String,
        validator: String,
        normalize_amount: WireCoin,
        inverted_amount: WireCoin,
    },
    Distribute {
        validator: String,
        rewards: WireCoin,
    },
    DistributeBatch {
        rewards: Vec<RewardInfo>,
        denom: String,
    },
}

impl ConsumerPacket {
    pub fn parse(data: &[u8]) -> Result<Self, WireError> {
        serde_json::from_slice(data).map_err(|e| WireError::Malformed(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The packet's tag on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            ConsumerPacket::ValsetUpdate(_) => "valset_update",
            ConsumerPacket::InternalUnstake { .. } => "internal_unstake",
            ConsumerPacket::Distribute { .. } => "distribute",
            ConsumerPacket::DistributeBatch { .. } => "distribute_batch",
        }
    }

    /// How long the provider has to receive it, in seconds (PROTOCOL.md).
    pub fn timeout_seconds(&self) -> u64 {
        match self {
            ConsumerPacket::ValsetUpdate(_) => 24 * 60 * 60,
            _ => 60 * 60,
        }
    }
}

/// Gives `leftover` to the entries with room (`room[i] - shares[i]`), `first` first, then the
/// others in order. Returns what found no room.
fn spill(shares: &mut [u128], room: &[u128], mut leftover: u128, first: Option<usize>) -> u128 {
    let order = first
        .into_iter()
        .chain((0..shares.len()).filter(|i| Some(*i) != first));
    for index in order {
        let extra = leftover.min(room[index] - shares[index]);
        shares[index] += extra;
        leftover -= extra;
    }
    leftover
}

/// How a provider's `burn` of `amount` spreads over the distinct validators it names, each
/// holding `staked` (both ends use this rule): an even share each, at most what it holds, and
/// the rest first to `remainder_to`, then to the others with room, in order. This mirrors the
/// reference provider's `distribute_burn`, which burns the remainder from one validator and
/// names that validator a second time in the packet (`burn_targets` finds it); where the
/// reference capped a share by the burned owner's own stake, which the packet does not carry,
/// only the validator's total caps it here. 100 over 100/200/300: 34/33/33. `None` when they
/// hold less than `amount`.
pub fn split_burn(amount: u128, staked: &[u128], remainder_to: Option<usize>) -> Option<Vec<u128>> {
    let available = staked
        .iter()
        .try_fold(0u128, |sum, s| sum.checked_add(*s))?;
    if staked.is_empty() || available < amount {
        return None;
    }
    let base = amount / staked.len() as u128;
    let mut shares: Vec<u128> = staked.iter().map(|s| base.min(*s)).collect();
    let leftover = amount - shares.iter().sum::<u128>();
    (spill(&mut shares, staked, leftover, remainder_to) == 0).then_some(shares)
}

/// Splits `amount` over `weights` in proportion (floored), none above its weight, the rest to
/// the first entries with room. `None` when the weights hold less than `amount`.
pub fn pro_rata(amount: u128, weights: &[u128]) -> Option<Vec<u128>> {
    let total = weights
        .iter()
        .try_fold(0u128, |sum, w| sum.checked_add(*w))?;
    if total < amount {
        return None;
    }
    if amount == 0 {
        return Some(vec![0; weights.len()]);
    }
    let mut shares: Vec<u128> = weights
        .iter()
        .map(|w| mul_div_floor(*w, amount, total).unwrap_or(0))
        .collect();
    let leftover = amount - shares.iter().sum::<u128>();
    (spill(&mut shares, weights, leftover, None) == 0).then_some(shares)
}

/// The distinct validators a `burn` names, in order, and which of them the packet names a
/// second time at its end (the reference provider's way of saying where the remainder was
/// burned). Any other repetition is malformed.
pub fn burn_targets(validators: &[String]) -> Result<(Vec<String>, Option<usize>), WireError> {
    let mut distinct: Vec<String> = Vec::with_capacity(validators.len());
    let mut remainder_to = None;
    for (position, validator) in validators.iter().enumerate() {
        match distinct.iter().position(|v| v == validator) {
            None => distinct.push(validator.clone()),
            Some(index) if position + 1 == validators.len() && remainder_to.is_none() => {
                remainder_to = Some(index);
            }
            Some(_) => {
                return Err(WireError::Malformed(format!(
                    "{validator} is listed twice (only the last entry may name a validator \
                     again, for the remainder)"
                )))
            }
        }
    }
    Ok((distinct, remainder_to))
}

/// The success ack every packet type answers with: `{"result":"e30="}` (base64 of `{}`).
pub fn success_ack() -> Vec<u8> {
    let result = base64::engine::general_purpose::STANDARD.encode(b"{}");
    serde_json::json!({ "result": result })
        .to_string()
        .into_bytes()
}

pub fn error_ack(message: &str) -> Vec<u8> {
    serde_json::json!({ "error": message })
        .to_string()
        .into_bytes()
}

/// Whether an ack from the provider reports success.
pub fn ack_is_success(ack: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Ack {
        Result(#[allow(dead_code)] String),
        Error(#[allow(dead_code)] String),
    }
    matches!(serde_json::from_slice::<Ack>(ack), Ok(Ack::Result(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_success_ack_is_exactly_the_references() {
        assert_eq!(success_ack(), br#"{"result":"e30="}"#.to_vec());
        assert_eq!(error_ack("no \"x\""), br#"{"error":"no \"x\""}"#.to_vec());
        assert!(ack_is_success(br#"{"result":"e30="}"#));
        assert!(!ack_is_success(br#"{"error":"boom"}"#));
    }

    #[test]
    fn versions_of_the_same_major_from_0_11_on_are_accepted() {
        assert!(check_version(VERSION).is_ok());
        assert!(check_version(r#"{"protocol":"mesh-security","version":"0.12.3"}"#).is_ok());
        for refused in [
            r#"{"protocol":"mesh-security","version":"0.10.0"}"#,
            r#"{"protocol":"mesh-security","version":"1.11.0"}"#,
            r#"{"protocol":"ics20","version":"0.11.0"}"#,
            r#"{"protocol":"mesh-security","version":"0.11"}"#,
            "ics20-1",
        ] {
            assert!(check_version(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn burning_one_hundred_over_one_two_three_hundred_gives_thirty_four_thirty_three_thirty_three()
    {
        assert_eq!(
            split_burn(100, &[100, 200, 300], None).unwrap(),
            vec![34, 33, 33]
        );
    }

    #[test]
    fn a_validator_with_too_little_stake_passes_its_share_to_the_next_with_room() {
        assert_eq!(
            split_burn(90, &[10, 100, 100], None).unwrap(),
            vec![10, 50, 30]
        );
        assert!(split_burn(301, &[100, 200], None).is_none());
    }

    /// The reference's `distribute_burn` of 101 over one owner's 100 and 1 burns 50 + 50 from
    /// the first and 1 from the second, and names the first again: [v1, v2, v1].
    #[test]
    fn the_validator_a_reference_burn_names_again_takes_the_remainder() {
        let listed = ["v1", "v2", "v1"].map(String::from);
        let (distinct, remainder_to) = burn_targets(&listed).unwrap();
        assert_eq!((distinct.len(), remainder_to), (2, Some(0)));
        assert_eq!(
            split_burn(101, &[100, 1], remainder_to).unwrap(),
            vec![100, 1]
        );
        let three = ["a", "b", "c", "b"].map(String::from);
        let (_, remainder_to) = burn_targets(&three).unwrap();
        assert_eq!(
            split_burn(101, &[500, 500, 500], remainder_to).unwrap(),
            vec![33, 35, 33]
        );
        for malformed in [["a", "a", "b"], ["a", "a", "a"]] {
            assert!(
                burn_targets(&malformed.map(String::from)).is_err(),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn pro_rata_shares_are_floored_and_the_rest_goes_to_the_first_with_room() {
        assert_eq!(pro_rata(10, &[30, 30, 40]).unwrap(), vec![3, 3, 4]);
        assert_eq!(pro_rata(2, &[1, 1, 1]).unwrap(), vec![1, 1, 0]);
        assert_eq!(pro_rata(0, &[5]).unwrap(), vec![0]);
        assert!(pro_rata(4, &[1, 2]).is_none());
    }

    #[test]
    fn a_stake_packet_with_a_tx_id_above_two_to_the_63_parses_exactly() {
        let data = br#"{"stake":{"delegator":"osmo1x","validator":"rmeshvaloper1y","stake":{"denom":"uosmo","amount":"80000000"},"tx_id":9223372036854775809}}"#;
        let packet = ProviderPacket::parse(data).unwrap();
        let ProviderPacket::Stake { tx_id, stake, .. } = packet else {
            panic!("not a stake packet");
        };
        assert_eq!(tx_id, 9_223_372_036_854_775_809);
        assert_eq!(stake.amount_in("uosmo").unwrap(), 80_000_000);
    }

    #[test]
    fn unknown_or_missing_fields_and_bad_amounts_are_malformed() {
        for data in [
            r#"{"stake":{"delegator":"a","validator":"b","stake":{"denom":"u","amount":"1"},"tx_id":1,"extra":1}}"#,
            r#"{"stake":{"delegator":"a","validator":"b","stake":{"denom":"u","amount":"1"}}}"#,
            r#"{"mint":{}}"#,
            r#"{"burn":{"validators":["b"],"burn":{"denom":"u","amount":"1","x":2}}}"#,
        ] {
            assert!(ProviderPacket::parse(data.as_bytes()).is_err(), "{data}");
        }
        for amount in ["-1", "1.5", "", "1e3", " 1"] {
            assert!(WireCoin::new(0, "u").amount().is_ok());
            let coin = WireCoin {
                denom: "u".into(),
                amount: amount.into(),
            };
            assert!(coin.amount().is_err(), "{amount:?}");
        }
    }

    #[test]
    fn a_valset_update_serializes_every_field_with_the_references_names() {
        let packet = ConsumerPacket::ValsetUpdate(ValsetUpdate {
            height: 120,
            time: 1_700_000_000,
            slashed: vec![SlashInfo {
                address: "v".into(),
                infraction_height: 110,
                infraction_time: 1_699_999_900,
                power: 46,
                slash_amount: WireCoin::new(10_000_000, "uosmo"),
                slash_ratio: "0.100000000000000000".into(),
            }],
            ..ValsetUpdate::default()
        });
        assert_eq!(
            packet.to_json(),
            r#"{"valset_update":{"height":120,"time":1700000000,"additions":[],"removals":[],"updated":[],"jailed":[],"unjailed":[],"tombstoned":[],"slashed":[{"address":"v","infraction_height":110,"infraction_time":1699999900,"power":46,"slash_amount":{"denom":"uosmo","amount":"10000000"},"slash_ratio":"0.100000000000000000"}]}}"#
        );
        let unstake = ConsumerPacket::InternalUnstake {
            delegator: "osmo1x".into(),
            validator: "v".into(),
            normalize_amount: WireCoin::new(22_500_000, "urmesh"),
            inverted_amount: WireCoin::new(49_999_999, "uosmo"),
        };
        assert_eq!(
            unstake.to_json(),
            r#"{"internal_unstake":{"delegator":"osmo1x","validator":"v","normalize_amount":{"denom":"urmesh","amount":"22500000"},"inverted_amount":{"denom":"uosmo","amount":"49999999"}}}"#
        );
    }

    proptest! {
        #[test]
        fn a_burn_split_is_exact_and_never_exceeds_a_validators_stake(
            staked in prop::collection::vec(0u128..1_000, 1..8),
            fraction in 0u128..=100,
        ) {
            let available: u128 = staked.iter().sum();
            let amount = available * fraction / 100;
            let shares = split_burn(amount, &staked, None).unwrap();
            prop_assert_eq!(shares.iter().sum::<u128>(), amount);
            for (share, room) in shares.iter().zip(&staked) {
                prop_assert!(share <= room);
            }
            let shares = pro_rata(amount, &staked).unwrap();
            prop_assert_eq!(shares.iter().sum::<u128>(), amount);
            for (share, room) in shares.iter().zip(&staked) {
                prop_assert!(share <= room);
            }
        }
    }
}
