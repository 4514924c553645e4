//! Validators, delegations and the exact token/share arithmetic between them.

use rmesh_core::{Address, Decimal, SdkError};

use crate::error::StakingError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BondStatus {
    Unbonded,
    Unbonding,
    Bonded,
}

impl BondStatus {
    /// The SDK's enum numbers (BOND_STATUS_UNBONDED = 1, UNBONDING = 2, BONDED = 3).
    pub fn proto(self) -> i32 {
        match self {
            BondStatus::Unbonded => 1,
            BondStatus::Unbonding => 2,
            BondStatus::Bonded => 3,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    pub moniker: String,
    pub identity: String,
    pub website: String,
    pub security_contact: String,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commission {
    pub rate: Decimal,
    pub max_rate: Decimal,
    pub max_change_rate: Decimal,
    /// Block time (unix nanos) of the last rate change.
    pub update_time_nanos: u64,
}

impl Commission {
    pub fn validate(&self, min_rate: Decimal) -> Result<(), StakingError> {
        let (rate, max_rate, max_change_rate) = (self.rate, self.max_rate, self.max_change_rate);
        if max_rate > Decimal::ONE {
            return Err(StakingError::CommissionHuge { max_rate });
        }
        if rate > max_rate {
            return Err(StakingError::CommissionGtMaxRate { rate, max_rate });
        }
        if max_change_rate > max_rate {
            return Err(StakingError::CommissionChangeRateGtMaxRate {
                max_change_rate,
                max_rate,
            });
        }
        if rate < min_rate {
            return Err(StakingError::CommissionLtMinRate { rate, min_rate });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub operator: Address,
    /// The ed25519 consensus key CometBFT signs with.
    pub consensus_pubkey: [u8; 32],
    pub jailed: bool,
    pub status: BondStatus,
    pub tokens: u128,
    pub delegator_shares: Decimal,
    pub description: Description,
    pub unbonding_height: u64,
    pub unbonding_time_nanos: u64,
    pub commission: Commission,
    pub min_self_delegation: u128,
}

/// CometBFT's validator address: the first 20 bytes of sha256(ed25519 public key).
pub fn consensus_address(pubkey: &[u8; 32]) -> [u8; 20] {
    let digest = Sha256::digest(pubkey);
    let mut address = [0u8; 20];
    address.copy_from_slice(&digest[..20]);
    address
}

impl Validator {
    /// A validator about to be created: no tokens yet, unbonded until the set takes it in.
    pub fn new(
        operator: Address,
        consensus_pubkey: [u8; 32],
        description: Description,
        commission: Commission,
        min_self_delegation: u128,
    ) -> Self {
        Validator {
            operator,
            consensus_pubkey,
            jailed: false,
            status: BondStatus::Unbonded,
            tokens: 0,
            delegator_shares: Decimal::ZERO,
            description,
            unbonding_height: 0,
            unbonding_time_nanos: 0,
            commission,
            min_self_delegation,
        }
    }

    pub fn consensus_address(&self) -> [u8; 20] {
        consensus_address(&self.consensus_pubkey)
    }

    /// CometBFT voting power: whole units of `power_reduction` tokens.
    pub fn power(&self, power_reduction: u128) -> u64 {
        u64::try_from(self.tokens / power_reduction.max(1)).unwrap_or(u64::MAX)
    }

    /// Whether this validator may be in the active set.
    pub fn is_eligible(&self, power_reduction: u128) -> bool {
        !self.jailed && self.power(power_reduction) > 0
    }

    /// Shares minted for `amount` new tokens: 1:1 for an empty validator, else pro rata.
    pub fn shares_for_tokens(&self, amount: u128) -> Result<Decimal, SdkError> {
        if self.tokens == 0 || self.delegator_shares.is_zero() {
            return Decimal::from_integer(amount).map_err(overflow);
        }
        // shares = amount * total_shares / tokens, floored in the delegator's disfavour.
        let atomics = mul_div(amount, self.delegator_shares.atomics(), self.tokens)?;
        Ok(Decimal::from_atomics(atomics))
    }

    /// Tokens that `shares` are worth, floored.
    pub fn tokens_for_shares(&self, shares: Decimal) -> Result<u128, SdkError> {
        if self.delegator_shares.is_zero() {
            return Ok(0);
        }
        mul_div(
            shares.atomics(),
            self.tokens,
            self.delegator_shares.atomics(),
        )
    }

    /// Adds tokens and mints the matching shares.
    pub fn add_tokens(&mut self, amount: u128) -> Result<Decimal, SdkError> {
        let shares = self.shares_for_tokens(amount)?;
        self.tokens = self
            .tokens
            .checked_add(amount)
            .ok_or_else(|| overflow("tokens"))?;
        self.delegator_shares = Decimal::from_atomics(
            self.delegator_shares
                .atomics()
                .checked_add(shares.atomics())
                .ok_or_else(|| overflow("shares"))?,
        );
        Ok(shares)
    }

    /// Burns `shares` and removes the tokens they are worth; returns those tokens.
    pub fn remove_shares(&mut self, shares: Decimal) -> Result<u128, SdkError> {
        let remaining = self
            .delegator_shares
            .checked_sub(shares)
            .ok_or(StakingError::InsufficientShares)?;
        let tokens = if remaining.is_zero() {
            self.tokens
        } else {
            self.tokens_for_shares(shares)?
        };
        self.tokens = self
            .tokens
            .checked_sub(tokens)
            .ok_or_else(|| overflow("shares worth more than the validator's tokens"))?;
        self.delegator_shares = remaining;
        Ok(tokens)
    }
}

fn overflow(what: impl std::fmt::Display) -> SdkError {
    StakingError::ArithmeticOverflow(what.to_string()).into()
}

/// floor(a * b / c) without intermediate overflow.
pub fn mul_div(a: u128, b: u128, c: u128) -> Result<u128, SdkError> {
    rmesh_core::decimal::mul_div_floor(a, b, c).map_err(overflow)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbondingEntry {
    pub creation_height: u64,
    pub completion_time_nanos: u64,
    pub initial_balance: u128,
    pub balance: u128,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedelegationEntry {
    pub creation_height: u64,
    pub completion_time_nanos: u64,
    pub initial_balance: u128,
    /// Shares received at the destination, which a slash of the source reduces.
    pub shares_dst: Decimal,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn validator(tokens: u128, shares: u128) -> Validator {
        let commission = Commission {
            rate: Decimal::ZERO,
            max_rate: Decimal::ONE,
            max_change_rate: Decimal::ONE,
            update_time_nanos: 0,
        };
        let mut v = Validator::new(
            Address([1; 20]),
            [2; 32],
            Description::default(),
            commission,
            1,
        );
        v.status = BondStatus::Bonded;
        v.tokens = tokens;
        v.delegator_shares = Decimal::from_integer(shares).unwrap();
        v
    }

    #[test]
    fn a_slashed_validator_mints_more_shares_per_token() {
        let mut slashed = validator(90, 100);
        let shares = slashed.add_tokens(9).unwrap();
        assert_eq!(shares, Decimal::from_integer(10).unwrap());
        assert_eq!(slashed.tokens_for_shares(shares).unwrap(), 9);
    }

    proptest! {
        #[test]
        fn delegating_then_undelegating_never_returns_more_than_was_put_in(
            tokens in 1u128..1_000_000_000_000, extra in 0u128..1_000_000, amount in 1u128..1_000_000_000_000,
        ) {
            let mut v = validator(tokens, tokens + extra);
            let (before_tokens, before_shares) = (v.tokens, v.delegator_shares);
            let shares = v.add_tokens(amount).unwrap();
            let back = v.remove_shares(shares).unwrap();
            prop_assert!(back <= amount);
            prop_assert!(v.tokens >= before_tokens, "other delegators never lose value");
            prop_assert_eq!(v.delegator_shares, before_shares);
        }
    }
}
