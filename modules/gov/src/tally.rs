//! The SDK's tally: a delegator's vote counts its delegations to bonded validators; a validator
//! that voted adds what is left of its stake after the delegators who voted themselves. Virtual
//! stake is left out unless genesis lets it govern: it counts in no vote, in no validator's
//! inherited power and in no quorum.

use std::collections::BTreeMap;

use cnidarium::StateRead;
use cosmos_sdk_proto::cosmos::gov::v1::{Proposal, TallyResult, Vote, VoteOption};
use rmesh_auth::AccountRead;
use rmesh_core::decimal::mul_div_floor;
use rmesh_core::{Address, Decimal, SdkError};
use rmesh_staking::{BondStatus, StakingRead};
use rmesh_virtual_staking::{provider_delegator, VirtualStakingRead};

use crate::error::GovError;
use crate::view::GovRead;

/// What the votes decide.
#[derive(Debug, Clone, PartialEq)]
pub struct TallyOutcome {
    pub passes: bool,
    /// Whether the deposits are burned rather than refunded (quorum missed or vetoed, as the
    /// params say).
    pub burn_deposits: bool,
    pub result: TallyResult,
}

/// A bonded validator as the tally sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Voter {
    pub tokens: u128,
    pub delegator_shares: Decimal,
    /// Shares whose holders vote for themselves, or may not vote (virtual stake).
    pub deductions: Decimal,
    pub options: Option<Vec<(VoteOption, Decimal)>>,
}

impl Voter {
    /// The tokens `shares` of this validator are worth, with 18 places.
    fn power(&self, shares: Decimal) -> Result<Decimal, GovError> {
        if self.delegator_shares.is_zero() {
            return Ok(Decimal::ZERO);
        }
        let tokens = Decimal::from_integer(self.tokens)?;
        Ok(Decimal::from_atomics(mul_div_floor(
            shares.atomics(),
            tokens.atomics(),
            self.delegator_shares.atomics(),
        )?))
    }
}

/// Per-option sums, with 18 places as the SDK's `LegacyDec`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    yes: Decimal,
    abstain: Decimal,
    no: Decimal,
    veto: Decimal,
    total: Decimal,
}

impl Counts {
    fn add(&mut self, power: Decimal, options: &[(VoteOption, Decimal)]) -> Result<(), GovError> {
        let overflow = || GovError::Overflow("tally".into());
        for (option, weight) in options {
            let share = power.checked_mul(*weight)?;
            let slot = match option {
                VoteOption::Yes => &mut self.yes,
                VoteOption::Abstain => &mut self.abstain,
                VoteOption::No => &mut self.no,
                VoteOption::NoWithVeto => &mut self.veto,
                VoteOption::Unspecified => continue,
            };
            *slot = slot.checked_add(share).ok_or_else(overflow)?;
        }
        self.total = self.total.checked_add(power).ok_or_else(overflow)?;
        Ok(())
    }

    fn result(&self) -> TallyResult {
        TallyResult {
            yes_count: self.yes.floor().to_string(),
            abstain_count: self.abstain.floor().to_string(),
            no_count: self.no.floor().to_string(),
            no_with_veto_count: self.veto.floor().to_string(),
        }
    }
}

/// The weighted options of a stored vote.
pub(crate) fn vote_options(vote: &Vote) -> Result<Vec<(VoteOption, Decimal)>, GovError> {
    vote.options
        .iter()
        .map(|weighted| {
            let option = VoteOption::try_from(weighted.option)
                .map_err(|_| GovError::InvalidVote(format!("option {}", weighted.option)))?;
            let weight = weighted
                .weight
                .parse::<Decimal>()
                .map_err(|e| GovError::InvalidVote(format!("weight {}: {e}", weighted.weight)))?;
            Ok((option, weight))
        })
        .collect()
}

/// Counts `votes` over `validators` (bonded, keyed by operator) and `delegations` (each
/// voter's (validator, shares)), then decides as the SDK does. `governing` is the stake that
/// may govern, the quorum's denominator.
pub(crate) fn decide(
    mut validators: BTreeMap<Address, Voter>,
    votes: &[(Address, Vec<(VoteOption, Decimal)>)],
    delegations: &BTreeMap<Address, Vec<(Address, Decimal)>>,
    governing: Decimal,
    params: &crate::Params,
    expedited: bool,
) -> Result<TallyOutcome, GovError> {
    let overflow = || GovError::Overflow("tally deductions".into());
    let mut counts = Counts::default();
    for (voter, options) in votes {
        if let Some(validator) = validators.get_mut(voter) {
            validator.options = Some(options.clone());
        }
        for (operator, shares) in delegations.get(voter).into_iter().flatten() {
            let Some(validator) = validators.get_mut(operator) else {
                continue;
            };
            validator.deductions = validator
                .deductions
                .checked_add(*shares)
                .ok_or_else(overflow)?;
            counts.add(validator.power(*shares)?, options)?;
        }
    }
    for validator in validators.values() {
        let Some(options) = &validator.options else {
            continue;
        };
        let own = validator
            .delegator_shares
            .saturating_sub(validator.deductions);
        counts.add(validator.power(own)?, options)?;
    }
    let result = counts.result();
    let outcome = |passes, burn_deposits| TallyOutcome {
        passes,
        burn_deposits,
        result: result.clone(),
    };
    if governing.is_zero() {
        return Ok(outcome(false, false));
    }
    // quorum: total / governing >= quorum, compared without dividing.
    if counts.total < params.quorum.checked_mul(governing)? {
        return Ok(outcome(false, params.burn_vote_quorum));
    }
    let voting = counts.total.saturating_sub(counts.abstain);
    if voting.is_zero() {
        return Ok(outcome(false, false));
    }
    if counts.veto > params.veto_threshold.checked_mul(counts.total)? {
        return Ok(outcome(false, params.burn_vote_veto));
    }
    if counts.yes > params.threshold_of(expedited).checked_mul(voting)? {
        return Ok(outcome(true, false));
    }
    Ok(outcome(false, false))
}

/// Tallies `proposal`'s votes as the state stands.
pub async fn tally<S: StateRead>(state: &S, proposal: &Proposal) -> Result<TallyOutcome, SdkError> {
    let params = state.gov_params().await?;
    let mut validators = BTreeMap::new();
    let mut governing = Decimal::ZERO;
    let virtual_excluded = !state.virtual_stake_governs().await?;
    let providers: Vec<String> = if virtual_excluded {
        let mut names: Vec<String> = state
            .all_virtual_stakes()
            .await?
            .into_keys()
            .map(|(provider, _)| provider)
            .collect();
        names.dedup();
        names
    } else {
        vec![]
    };
    for validator in state.all_validators().await? {
        if validator.status != BondStatus::Bonded {
            continue;
        }
        let mut voter = Voter {
            tokens: validator.tokens,
            delegator_shares: validator.delegator_shares,
            deductions: Decimal::ZERO,
            options: None,
        };
        for provider in &providers {
            let shares = state
                .delegation(&provider_delegator(provider), &validator.operator)
                .await?;
            voter.deductions = voter
                .deductions
                .checked_add(shares)
                .ok_or_else(|| GovError::Overflow("virtual shares".into()))?;
        }
        let own = voter.delegator_shares.saturating_sub(voter.deductions);
        governing = governing
            .checked_add(voter.power(own)?)
            .ok_or_else(|| GovError::Overflow("governing stake".into()))?;
        validators.insert(validator.operator, voter);
    }
    let mut votes = Vec::new();
    let mut delegations = BTreeMap::new();
    for vote in state.votes(proposal.id).await? {
        let voter = state.parse_address(&vote.voter).await?;
        delegations.insert(voter, state.delegations_of(&voter).await?);
        votes.push((voter, vote_options(&vote)?));
    }
    Ok(decide(
        validators,
        &votes,
        &delegations,
        governing,
        &params,
        proposal.expedited,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Params;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn validator(tokens: u128) -> Voter {
        Voter {
            tokens,
            delegator_shares: Decimal::from_integer(tokens).unwrap(),
            deductions: Decimal::ZERO,
            options: None,
        }
    }

    fn params() -> Params {
        Params::default().with_default_deposits("urmesh")
    }

    fn one(option: VoteOption) -> Vec<(VoteOption, Decimal)> {
        vec![(option, Decimal::ONE)]
    }

    const VAL_A: Address = Address([1; 20]);
    const VAL_B: Address = Address([2; 20]);
    const ALICE: Address = Address([3; 20]);

    fn two_validators() -> BTreeMap<Address, Voter> {
        BTreeMap::from([(VAL_A, validator(600)), (VAL_B, validator(400))])
    }

    fn governing() -> Decimal {
        Decimal::from_integer(1_000).unwrap()
    }

    /// The default params' decision on the two validators, with no delegator voting.
    fn between_validators(
        votes: &[(Address, Vec<(VoteOption, Decimal)>)],
        expedited: bool,
    ) -> TallyOutcome {
        decide(
            two_validators(),
            votes,
            &BTreeMap::new(),
            governing(),
            &params(),
            expedited,
        )
        .unwrap()
    }

    #[test]
    fn a_validators_vote_carries_its_delegators_who_did_not_vote() {
        let votes = [(VAL_A, one(VoteOption::Yes))];
        let outcome = between_validators(&votes, false);
        assert!(outcome.passes);
        assert_eq!(outcome.result.yes_count, "600");
    }

    #[test]
    fn a_delegators_vote_overrides_its_validators_inherited_vote() {
        // Alice holds 200 of validator A's 600 and votes no; A votes yes with the other 400.
        let votes = [(VAL_A, one(VoteOption::Yes)), (ALICE, one(VoteOption::No))];
        let delegations = BTreeMap::from([(ALICE, vec![(VAL_A, dec("200"))])]);
        let outcome = decide(
            two_validators(),
            &votes,
            &delegations,
            governing(),
            &params(),
            false,
        )
        .unwrap();
        assert_eq!(outcome.result.yes_count, "400");
        assert_eq!(outcome.result.no_count, "200");
        assert!(outcome.passes, "400 yes of 600 voting is above one half");
    }

    #[test]
    fn below_quorum_nothing_passes_and_the_deposits_burn_only_when_the_params_say() {
        // 300 of 1000 voted: under the 0.334 quorum.
        let mut validators = two_validators();
        validators.insert(VAL_A, validator(300));
        let votes = [(VAL_A, one(VoteOption::Yes))];
        let mut params = params();
        let outcome = decide(
            validators.clone(),
            &votes,
            &BTreeMap::new(),
            governing(),
            &params,
            false,
        )
        .unwrap();
        assert!(!outcome.passes && !outcome.burn_deposits);
        params.burn_vote_quorum = true;
        let outcome = decide(
            validators,
            &votes,
            &BTreeMap::new(),
            governing(),
            &params,
            false,
        )
        .unwrap();
        assert!(!outcome.passes && outcome.burn_deposits);
    }

    #[test]
    fn a_veto_above_its_threshold_rejects_and_burns() {
        let votes = [
            (VAL_A, one(VoteOption::Yes)),
            (VAL_B, one(VoteOption::NoWithVeto)),
        ];
        let outcome = between_validators(&votes, false);
        assert!(!outcome.passes);
        assert!(outcome.burn_deposits, "burn_vote_veto is on by default");
    }

    #[test]
    fn weighted_votes_split_a_voters_power() {
        let split = vec![
            (VoteOption::Yes, dec("0.25")),
            (VoteOption::No, dec("0.75")),
        ];
        let votes = [(VAL_A, split), (VAL_B, one(VoteOption::Yes))];
        let outcome = between_validators(&votes, false);
        assert_eq!(outcome.result.yes_count, "550");
        assert_eq!(outcome.result.no_count, "450");
        assert!(outcome.passes);
    }

    #[test]
    fn everyone_abstaining_passes_nothing_and_burns_nothing() {
        let votes = [
            (VAL_A, one(VoteOption::Abstain)),
            (VAL_B, one(VoteOption::Abstain)),
        ];
        let outcome = between_validators(&votes, false);
        assert!(!outcome.passes && !outcome.burn_deposits);
    }

    #[test]
    fn virtual_shares_deducted_up_front_never_vote() {
        // Validator A has 600 tokens of which 500 are virtual: its yes carries only 100; B's
        // no carries 400, and the quorum is over the 500 governing tokens.
        let mut validators = two_validators();
        if let Some(a) = validators.get_mut(&VAL_A) {
            a.deductions = dec("500");
        }
        let votes = [(VAL_A, one(VoteOption::Yes)), (VAL_B, one(VoteOption::No))];
        let governing = Decimal::from_integer(500).unwrap();
        let outcome = decide(
            validators,
            &votes,
            &BTreeMap::new(),
            governing,
            &params(),
            false,
        )
        .unwrap();
        assert_eq!(outcome.result.yes_count, "100");
        assert_eq!(outcome.result.no_count, "400");
        assert!(!outcome.passes);
    }

    #[test]
    fn an_expedited_proposal_needs_its_higher_threshold() {
        // 60% yes passes a regular proposal, not an expedited one (0.667).
        let votes = [(VAL_A, one(VoteOption::Yes)), (VAL_B, one(VoteOption::No))];
        let regular = between_validators(&votes, false);
        let expedited = between_validators(&votes, true);
        assert!(regular.passes && !expedited.passes);
    }
}
