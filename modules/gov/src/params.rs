//! Gov params, in the SDK's `cosmos.gov.v1.Params` shape (genesis JSON included: durations as
//! `"172800s"`, decimals and amounts as strings). `proposal_cancel_*` are absent: rmesh has no
//! `MsgCancelProposal`.

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::gov::v1 as proto;
use rmesh_core::{Coin, Coins, Decimal};
use serde::{Deserialize, Serialize};

use crate::error::GovError;

/// The SDK's default deposit amount, in the bond denom when genesis names no deposit.
pub const DEFAULT_MIN_DEPOSIT: u128 = 10_000_000;
pub const DEFAULT_EXPEDITED_MIN_DEPOSIT: u128 = 50_000_000;
/// Metadata, title and summary limits (the SDK's `MaxMetadataLen` default and summary limit).
pub const MAX_METADATA_LEN: usize = 255;
pub const MAX_TITLE_LEN: usize = 255;
pub const MAX_SUMMARY_LEN: usize = 10_200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Deposits that move a proposal into its voting period. Empty in genesis: the SDK's
    /// default amount in the bond denom.
    pub min_deposit: Vec<Coin>,
    #[serde(with = "seconds")]
    pub max_deposit_period: u64,
    #[serde(with = "seconds")]
    pub voting_period: u64,
    /// Least share of governing stake that must vote.
    pub quorum: Decimal,
    /// Least share of yes among non-abstaining votes to pass.
    pub threshold: Decimal,
    /// Share of no-with-veto above which a proposal is vetoed.
    pub veto_threshold: Decimal,
    /// Share of `min_deposit` a proposal must bring when submitted.
    pub min_initial_deposit_ratio: Decimal,
    #[serde(with = "seconds")]
    pub expedited_voting_period: u64,
    pub expedited_threshold: Decimal,
    /// Empty in genesis: the SDK's default amount in the bond denom.
    pub expedited_min_deposit: Vec<Coin>,
    pub burn_vote_quorum: bool,
    pub burn_proposal_deposit_prevote: bool,
    pub burn_vote_veto: bool,
    /// Least share of `min_deposit` a single deposit must be.
    pub min_deposit_ratio: Decimal,
}

fn milli(thousandths: u128) -> Decimal {
    Decimal::from_atomics(thousandths * 1_000_000_000_000_000)
}

impl Default for Params {
    /// The SDK's defaults.
    fn default() -> Self {
        Params {
            min_deposit: vec![],
            max_deposit_period: 172_800,
            voting_period: 172_800,
            quorum: milli(334),
            threshold: milli(500),
            veto_threshold: milli(334),
            min_initial_deposit_ratio: Decimal::ZERO,
            expedited_voting_period: 86_400,
            expedited_threshold: milli(667),
            expedited_min_deposit: vec![],
            burn_vote_quorum: false,
            burn_proposal_deposit_prevote: false,
            burn_vote_veto: true,
            min_deposit_ratio: milli(10),
        }
    }
}

impl Params {
    /// Fills the deposits genesis left empty with the SDK's default amounts of `bond_denom`.
    pub fn with_default_deposits(mut self, bond_denom: &str) -> Self {
        if self.min_deposit.is_empty() {
            self.min_deposit = vec![Coin::new(DEFAULT_MIN_DEPOSIT, bond_denom)];
        }
        if self.expedited_min_deposit.is_empty() {
            self.expedited_min_deposit = vec![Coin::new(DEFAULT_EXPEDITED_MIN_DEPOSIT, bond_denom)];
        }
        self
    }

    pub fn min_deposit_coins(&self, expedited: bool) -> Result<Coins, GovError> {
        let list = if expedited {
            &self.expedited_min_deposit
        } else {
            &self.min_deposit
        };
        Coins::validated_list(list).map_err(|e| GovError::InvalidParams(e.to_string()))
    }

    pub fn voting_period_of(&self, expedited: bool) -> u64 {
        if expedited {
            self.expedited_voting_period
        } else {
            self.voting_period
        }
    }

    pub fn threshold_of(&self, expedited: bool) -> Decimal {
        if expedited {
            self.expedited_threshold
        } else {
            self.threshold
        }
    }

    /// The SDK's `Params.ValidateBasic`.
    pub fn validate(&self) -> Result<(), GovError> {
        let invalid = |why: String| Err(GovError::InvalidParams(why));
        let min = self.min_deposit_coins(false)?;
        let expedited = self.min_deposit_coins(true)?;
        if min.is_empty() || expedited.is_empty() {
            return invalid("min_deposit and expedited_min_deposit must not be empty".into());
        }
        for coin in min.iter() {
            if expedited.amount_of(&coin.denom) <= coin.amount {
                return invalid(format!(
                    "expedited_min_deposit must be greater than min_deposit in {}",
                    coin.denom
                ));
            }
        }
        if self.max_deposit_period == 0 || self.voting_period == 0 {
            return invalid("max_deposit_period and voting_period must be positive".into());
        }
        if self.expedited_voting_period == 0 || self.expedited_voting_period >= self.voting_period {
            return invalid(format!(
                "expedited_voting_period {}s must be positive and below voting_period {}s",
                self.expedited_voting_period, self.voting_period
            ));
        }
        for (name, value) in [
            ("quorum", self.quorum),
            ("threshold", self.threshold),
            ("veto_threshold", self.veto_threshold),
            ("min_initial_deposit_ratio", self.min_initial_deposit_ratio),
            ("expedited_threshold", self.expedited_threshold),
            ("min_deposit_ratio", self.min_deposit_ratio),
        ] {
            if value > Decimal::ONE {
                return invalid(format!("{name} {value} must be within [0, 1]"));
            }
        }
        if self.threshold.is_zero() || self.veto_threshold.is_zero() {
            return invalid("threshold and veto_threshold must be positive".into());
        }
        if self.expedited_threshold <= self.threshold {
            return invalid(format!(
                "expedited_threshold {} must be above threshold {}",
                self.expedited_threshold, self.threshold
            ));
        }
        Ok(())
    }

    pub fn to_proto(&self) -> proto::Params {
        proto::Params {
            min_deposit: coins_proto(&self.min_deposit),
            max_deposit_period: Some(duration(self.max_deposit_period)),
            voting_period: Some(duration(self.voting_period)),
            quorum: self.quorum.to_string(),
            threshold: self.threshold.to_string(),
            veto_threshold: self.veto_threshold.to_string(),
            min_initial_deposit_ratio: self.min_initial_deposit_ratio.to_string(),
            proposal_cancel_ratio: Decimal::ZERO.to_string(),
            proposal_cancel_dest: String::new(),
            expedited_voting_period: Some(duration(self.expedited_voting_period)),
            expedited_threshold: self.expedited_threshold.to_string(),
            expedited_min_deposit: coins_proto(&self.expedited_min_deposit),
            burn_vote_quorum: self.burn_vote_quorum,
            burn_proposal_deposit_prevote: self.burn_proposal_deposit_prevote,
            burn_vote_veto: self.burn_vote_veto,
            min_deposit_ratio: self.min_deposit_ratio.to_string(),
        }
    }

    /// Params from a `MsgUpdateParams`; the cancel fields must stay unset (no cancel here).
    pub fn from_proto(params: &proto::Params) -> Result<Self, GovError> {
        let decimal = |name: &str, text: &str| {
            text.parse::<Decimal>()
                .map_err(|e| GovError::InvalidParams(format!("{name}: {e}")))
        };
        let seconds = |name: &str, value: &Option<tendermint_proto::google::protobuf::Duration>| {
            let value = value
                .as_ref()
                .ok_or_else(|| GovError::InvalidParams(format!("{name} is missing")))?;
            if value.nanos != 0 {
                return Err(GovError::InvalidParams(format!(
                    "{name} must be whole seconds"
                )));
            }
            u64::try_from(value.seconds)
                .map_err(|_| GovError::InvalidParams(format!("{name} must be positive")))
        };
        let coins = |name: &str, list: &[ProtoCoin]| {
            list.iter()
                .map(|coin| {
                    Coin::from_proto(&coin.denom, &coin.amount)
                        .map_err(|e| GovError::InvalidParams(format!("{name}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let cancel_ratio = params.proposal_cancel_ratio.trim();
        if !(cancel_ratio.is_empty() || decimal("proposal_cancel_ratio", cancel_ratio)?.is_zero())
            || !params.proposal_cancel_dest.is_empty()
        {
            return Err(GovError::InvalidParams(
                "proposal_cancel_ratio and proposal_cancel_dest must be unset: rmesh has no MsgCancelProposal".into(),
            ));
        }
        let params = Params {
            min_deposit: coins("min_deposit", &params.min_deposit)?,
            max_deposit_period: seconds("max_deposit_period", &params.max_deposit_period)?,
            voting_period: seconds("voting_period", &params.voting_period)?,
            quorum: decimal("quorum", &params.quorum)?,
            threshold: decimal("threshold", &params.threshold)?,
            veto_threshold: decimal("veto_threshold", &params.veto_threshold)?,
            min_initial_deposit_ratio: decimal(
                "min_initial_deposit_ratio",
                &params.min_initial_deposit_ratio,
            )?,
            expedited_voting_period: seconds(
                "expedited_voting_period",
                &params.expedited_voting_period,
            )?,
            expedited_threshold: decimal("expedited_threshold", &params.expedited_threshold)?,
            expedited_min_deposit: coins("expedited_min_deposit", &params.expedited_min_deposit)?,
            burn_vote_quorum: params.burn_vote_quorum,
            burn_proposal_deposit_prevote: params.burn_proposal_deposit_prevote,
            burn_vote_veto: params.burn_vote_veto,
            min_deposit_ratio: decimal("min_deposit_ratio", &params.min_deposit_ratio)?,
        };
        params.validate()?;
        Ok(params)
    }
}

pub fn coins_proto(coins: &[Coin]) -> Vec<ProtoCoin> {
    coins
        .iter()
        .map(|coin| ProtoCoin {
            denom: coin.denom.clone(),
            amount: coin.amount.to_string(),
        })
        .collect()
}

fn duration(seconds: u64) -> tendermint_proto::google::protobuf::Duration {
    tendermint_proto::google::protobuf::Duration {
        seconds: i64::try_from(seconds).unwrap_or(i64::MAX),
        nanos: 0,
    }
}

/// Whole-second durations as the SDK's JSON writes them: `"172800s"`.
mod seconds {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(seconds: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{seconds}s"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        text.strip_suffix('s')
            .and_then(|digits| digits.parse().ok())
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "duration {text:?}: expected whole seconds such as \"172800s\""
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdks_defaults_are_valid_once_the_deposits_name_a_denom() {
        let params = Params::default().with_default_deposits("urmesh");
        params.validate().unwrap();
        assert_eq!(params.quorum.to_string(), "0.334000000000000000");
        assert!(Params::default().validate().is_err(), "no deposit denom");
    }

    #[test]
    fn genesis_json_takes_the_sdks_shape_and_round_trips_through_proto() {
        let json = r#"{"min_deposit":[{"denom":"urmesh","amount":"1000"}],"voting_period":"20s",
            "max_deposit_period":"30s","expedited_voting_period":"10s","quorum":"0.2"}"#;
        let params: Params = serde_json::from_str(json).unwrap();
        let params = params.with_default_deposits("urmesh");
        assert_eq!((params.voting_period, params.max_deposit_period), (20, 30));
        assert_eq!(Params::from_proto(&params.to_proto()).unwrap(), params);
        assert!(serde_json::from_str::<Params>(r#"{"voting_period":"20m"}"#).is_err());
    }

    #[test]
    fn an_expedited_threshold_not_above_the_threshold_is_refused() {
        let mut params = Params::default().with_default_deposits("urmesh");
        params.expedited_threshold = params.threshold;
        assert!(matches!(params.validate(), Err(GovError::InvalidParams(_))));
    }
}
