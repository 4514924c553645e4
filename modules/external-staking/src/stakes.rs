//! Cross-stake bookkeeping: each owner's stake with each consumer validator, its unbondings,
//! and rewards by points — a per-validator index of rewards per staked token, so paying a
//! validator's stakers is one write however many there are, and a validator nobody stakes
//! with keeps its rewards aside instead of dividing by zero.

use rmesh_core::coin::amount_string;
use rmesh_core::decimal::{mul_div_floor, Decimal};
use serde::{Deserialize, Serialize};

/// Released stake waiting out the consumer's unbonding period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unbonding {
    #[serde(with = "amount_string")]
    pub amount: u128,
    /// Block time (unix seconds) it was acknowledged: a slash for an infraction before then
    /// still reaches it.
    pub started_at: u64,
    pub release_at: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeRecord {
    #[serde(with = "amount_string")]
    pub amount: u128,
    /// Part of `amount` asked back from the consumer and not yet acknowledged.
    #[serde(with = "amount_string")]
    pub unstaking: u128,
    /// The validator's reward index when `rewards` was last brought up to date.
    pub reward_index: Decimal,
    /// Rewards earned and not yet withdrawn (the consumer's denom).
    #[serde(with = "amount_string")]
    pub rewards: u128,
    pub unbondings: Vec<Unbonding>,
}

/// All stake with one consumer validator and the rewards earned per token of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorPool {
    #[serde(with = "amount_string")]
    pub total: u128,
    pub index: Decimal,
    /// Rewards that arrived while nobody staked with the validator.
    #[serde(with = "amount_string")]
    pub unallocated: u128,
}

impl ValidatorPool {
    /// Spreads `reward` over the stake by points; with no stake it is kept aside.
    pub fn add_reward(&mut self, reward: u128) {
        let per_token = if self.total == 0 {
            None
        } else {
            mul_div_floor(reward, Decimal::ONE.atomics(), self.total).ok()
        };
        match per_token.and_then(|atomics| self.index.checked_add(Decimal::from_atomics(atomics))) {
            Some(index) => self.index = index,
            None => self.unallocated = self.unallocated.saturating_add(reward),
        }
    }
}

impl StakeRecord {
    /// Brings `rewards` up to the pool's index (call before the amount changes).
    pub fn settle(&mut self, pool: &ValidatorPool) {
        let earned = pool
            .index
            .saturating_sub(self.reward_index)
            .mul_floor(self.amount)
            .unwrap_or(0);
        self.rewards = self.rewards.saturating_add(earned);
        self.reward_index = pool.index;
    }

    /// Stake not already asked back.
    pub fn available(&self) -> u128 {
        self.amount.saturating_sub(self.unstaking)
    }

    pub fn is_empty(&self) -> bool {
        self.amount == 0 && self.unstaking == 0 && self.rewards == 0 && self.unbondings.is_empty()
    }

    /// Takes the unbondings released by `now`, returning their sum.
    pub fn take_released(&mut self, now: u64) -> u128 {
        let (released, waiting): (Vec<_>, Vec<_>) = self
            .unbondings
            .drain(..)
            .partition(|unbonding| unbonding.release_at <= now);
        self.unbondings = waiting;
        released.iter().map(|unbonding| unbonding.amount).sum()
    }

    /// Cuts `amount` (at most all of it) from the stake; returns what was cut.
    pub fn cut_stake(&mut self, amount: u128) -> u128 {
        let cut = amount.min(self.amount);
        self.amount -= cut;
        self.unstaking = self.unstaking.min(self.amount);
        cut
    }

    /// Slashes `ratio` of every unbonding started at or after the infraction: it was at stake
    /// when the infraction happened. Returns what was cut.
    pub fn slash_unbondings(&mut self, ratio: Decimal, infraction_time: u64) -> u128 {
        let mut cut_total = 0;
        for unbonding in &mut self.unbondings {
            if unbonding.started_at >= infraction_time {
                let cut = ratio.mul_floor(unbonding.amount).unwrap_or(0);
                unbonding.amount -= cut;
                cut_total += cut;
            }
        }
        self.unbondings.retain(|unbonding| unbonding.amount > 0);
        cut_total
    }

    /// Takes up to `wanted` from the unbondings, latest first (they are furthest from
    /// release). Returns what was taken.
    pub fn cut_unbondings(&mut self, wanted: u128) -> u128 {
        let mut taken = 0;
        for unbonding in self.unbondings.iter_mut().rev() {
            let cut = (wanted - taken).min(unbonding.amount);
            unbonding.amount -= cut;
            taken += cut;
        }
        self.unbondings.retain(|unbonding| unbonding.amount > 0);
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(amount: u128) -> StakeRecord {
        StakeRecord {
            amount,
            ..StakeRecord::default()
        }
    }

    #[test]
    fn rewards_are_shared_by_stake_and_a_validator_without_stake_keeps_them_aside() {
        let mut pool = ValidatorPool::default();
        pool.add_reward(500);
        assert_eq!(pool.unallocated, 500);
        assert!(pool.index.is_zero());

        let (mut alice, mut bob) = (record(300), record(100));
        pool.total = 400;
        pool.add_reward(1_000);
        alice.settle(&pool);
        bob.settle(&pool);
        assert_eq!((alice.rewards, bob.rewards), (750, 250));
        // Settling again pays nothing twice.
        alice.settle(&pool);
        assert_eq!(alice.rewards, 750);
    }

    #[test]
    fn rewards_that_do_not_divide_evenly_never_pay_out_more_than_arrived() {
        let mut pool = ValidatorPool {
            total: 3,
            ..ValidatorPool::default()
        };
        pool.add_reward(100);
        let mut shares = [record(1), record(1), record(1)];
        for share in &mut shares {
            share.settle(&pool);
        }
        let paid: u128 = shares.iter().map(|s| s.rewards).sum();
        assert_eq!(paid, 99);
    }

    #[test]
    fn a_slash_reaches_the_unbondings_started_after_the_infraction_only() {
        let mut stake = StakeRecord {
            amount: 100,
            unstaking: 95,
            unbondings: vec![
                Unbonding {
                    amount: 50,
                    started_at: 90,
                    release_at: 1_000,
                },
                Unbonding {
                    amount: 40,
                    started_at: 110,
                    release_at: 1_100,
                },
            ],
            ..StakeRecord::default()
        };
        let ratio: Decimal = "0.1".parse().unwrap();
        assert_eq!(stake.slash_unbondings(ratio, 100), 4);
        assert_eq!(stake.unbondings[0].amount, 50);
        assert_eq!(stake.unbondings[1].amount, 36);
        assert_eq!(stake.cut_stake(10), 10);
        assert_eq!((stake.amount, stake.unstaking), (90, 90));
        assert_eq!(stake.cut_stake(1_000), 90);
    }

    #[test]
    fn released_unbondings_are_taken_once_their_time_comes() {
        let mut stake = StakeRecord {
            unbondings: vec![
                Unbonding {
                    amount: 5,
                    started_at: 0,
                    release_at: 10,
                },
                Unbonding {
                    amount: 7,
                    started_at: 0,
                    release_at: 20,
                },
            ],
            ..StakeRecord::default()
        };
        assert_eq!(stake.take_released(9), 0);
        assert_eq!(stake.take_released(15), 5);
        assert_eq!(stake.take_released(20), 7);
        assert!(stake.is_empty());
    }
}
