//! Coins with 128-bit amounts, parsed and printed the SDK way (`1000urmesh`, `1a,2b`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::SdkError;

#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Coin {
    pub denom: String,
    #[serde(with = "amount_string")]
    pub amount: u128,
}

/// SDK denoms: a letter, then 2..=127 of letters, digits and `/:._-`.
pub fn validate_denom(denom: &str) -> Result<(), SdkError> {
    let mut chars = denom.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c));
    if starts_with_letter && rest_ok && (3..=128).contains(&denom.len()) {
        Ok(())
    } else {
        Err(SdkError::InvalidCoins(format!("invalid denom: {denom:?}")))
    }
}

impl Coin {
    pub fn new(amount: u128, denom: impl Into<String>) -> Self {
        Coin {
            denom: denom.into(),
            amount,
        }
    }

    /// Converts a protobuf coin, rejecting bad denoms and non-decimal amounts.
    pub fn from_proto(denom: &str, amount: &str) -> Result<Self, SdkError> {
        validate_denom(denom)?;
        let amount = parse_amount(amount)?;
        Ok(Coin::new(amount, denom))
    }
}

/// Whether `text` is a plain decimal integer (what the SDK's `Int`/`Uint128` print): no sign,
/// no spaces, not empty.
pub fn is_plain_uint(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A plain decimal integer that fits 128 bits.
pub fn parse_uint(text: &str) -> Option<u128> {
    is_plain_uint(text).then(|| text.parse().ok()).flatten()
}

fn parse_amount(amount: &str) -> Result<u128, SdkError> {
    if !is_plain_uint(amount) {
        return Err(SdkError::InvalidCoins(format!(
            "invalid amount: {amount:?}"
        )));
    }
    parse_uint(amount)
        .ok_or_else(|| SdkError::InvalidCoins(format!("amount out of range: {amount}")))
}

impl fmt::Display for Coin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

impl FromStr for Coin {
    type Err = SdkError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (amount, denom) = s.split_at(split);
        Coin::from_proto(denom, amount)
    }
}

/// A set of coins, one amount per denom, in denom order; zero amounts are never stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coins(BTreeMap<String, u128>);

impl Coins {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, coin: &Coin) -> Result<(), SdkError> {
        if coin.amount == 0 {
            return Ok(());
        }
        let entry = self.0.entry(coin.denom.clone()).or_insert(0);
        *entry = entry
            .checked_add(coin.amount)
            .ok_or_else(|| SdkError::InvalidCoins(format!("overflow adding {coin}")))?;
        Ok(())
    }

    pub fn amount_of(&self, denom: &str) -> u128 {
        self.0.get(denom).copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Coin> + '_ {
        self.0
            .iter()
            .map(|(denom, amount)| Coin::new(*amount, denom.clone()))
    }

    pub fn to_vec(&self) -> Vec<Coin> {
        self.iter().collect()
    }
}

impl Coins {
    /// A coin list as the SDK's `Coins.Validate` accepts it wherever coins cross into the chain
    /// (fees, message amounts, genesis): valid denoms, positive amounts, denoms in strictly
    /// ascending byte order, so none twice. An empty list is valid.
    pub fn validated<'a>(
        coins: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Coins, SdkError> {
        let mut set = Coins::new();
        let mut previous: Option<&str> = None;
        for (denom, amount) in coins {
            let coin = Coin::from_proto(denom, amount)?;
            if let Some(previous) = previous {
                if denom == previous {
                    return Err(SdkError::InvalidCoins(format!(
                        "duplicate denomination {denom}"
                    )));
                }
                if denom < previous {
                    return Err(SdkError::InvalidCoins(format!(
                        "denomination {denom} is not sorted"
                    )));
                }
            }
            if coin.amount == 0 {
                return Err(SdkError::InvalidCoins(format!(
                    "coin {coin} amount is not positive"
                )));
            }
            previous = Some(denom);
            set.0.insert(coin.denom, coin.amount);
        }
        Ok(set)
    }

    /// `validated` for coins already parsed (genesis files).
    pub fn validated_list(coins: &[Coin]) -> Result<Coins, SdkError> {
        let amounts: Vec<String> = coins.iter().map(|coin| coin.amount.to_string()).collect();
        Coins::validated(
            coins
                .iter()
                .zip(&amounts)
                .map(|(coin, amount)| (coin.denom.as_str(), amount.as_str())),
        )
    }
}

/// Merges coins listed in any order (CLI input, genesis being assembled).
impl TryFrom<&[Coin]> for Coins {
    type Error = SdkError;

    fn try_from(coins: &[Coin]) -> Result<Self, SdkError> {
        let mut set = Coins::new();
        for coin in coins {
            set.add(coin)?;
        }
        Ok(set)
    }
}

impl fmt::Display for Coins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.iter().map(|c| c.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for Coins {
    type Err = SdkError;

    /// Parses `1a,2b`; an empty string is the empty set.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut set = Coins::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            set.add(&part.parse()?)?;
        }
        Ok(set)
    }
}

/// Amounts travel as decimal strings in JSON, as in the SDK (u128 does not fit a JSON number).
pub mod amount_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(amount: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&amount.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_amount(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_coin_string_parses_into_amount_and_denom() {
        let coin: Coin = "1000urmesh".parse().unwrap();
        assert_eq!(coin, Coin::new(1000, "urmesh"));
        assert_eq!(coin.to_string(), "1000urmesh");
    }

    #[test]
    fn malformed_coin_strings_are_refused() {
        for bad in [
            "",
            "urmesh",
            "10",
            "-5urmesh",
            "10u",
            "10 urmesh!",
            "1.5urmesh",
        ] {
            assert!(bad.parse::<Coin>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn coin_sets_merge_denoms_and_drop_zeros() {
        let coins: Coins = "5b,1a,0c,2a".parse().unwrap_or_default();
        assert!(coins.is_empty(), "single-letter denoms are invalid");
        let coins: Coins = "5ubbb,1uaaa,0uccc,2uaaa".parse().unwrap();
        assert_eq!(coins.to_string(), "3uaaa,5ubbb");
    }

    fn validated(list: &[(&str, &str)]) -> Result<String, String> {
        Coins::validated(list.iter().copied())
            .map(|coins| coins.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn coin_lists_are_validated_as_the_sdk_validates_them() {
        assert_eq!(validated(&[]), Ok(String::new()));
        assert_eq!(
            validated(&[("uaaa", "1"), ("ubbb", "2")]),
            Ok("1uaaa,2ubbb".into())
        );
        let refusal = |list: &[(&str, &str)]| validated(list).unwrap_err();
        assert!(refusal(&[("urmesh", "1000"), ("urmesh", "1000")])
            .contains("duplicate denomination urmesh"));
        assert!(
            refusal(&[("ubbb", "1"), ("uaaa", "1")]).contains("denomination uaaa is not sorted")
        );
        assert!(refusal(&[("urmesh", "0")]).contains("coin 0urmesh amount is not positive"));
        assert!(refusal(&[("uaaa", "1"), ("ubbb", "0")]).contains("amount is not positive"));
        assert!(refusal(&[("u", "1")]).contains("invalid denom"));
        assert!(refusal(&[("urmesh", "-1")]).contains("invalid amount"));
    }

    proptest! {
        #[test]
        fn coin_display_and_parse_round_trip(amount in any::<u128>(), denom in "[a-z][a-z0-9/]{2,20}") {
            let coin = Coin::new(amount, denom);
            prop_assert_eq!(coin.to_string().parse::<Coin>().unwrap(), coin);
        }
    }
}
