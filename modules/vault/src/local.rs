//! Local staking: collateral delegated to this chain's validators under the "local" lien, from a
//! proxy address derived from the owner (staking sees one ordinary delegator per owner, so its
//! hooks, rewards and slashes apply unchanged).
//!
//! Per (owner, validator) the vault records the part of the lien backing the delegation and the
//! balance of each unbonding; their sum is the owner's "claims", which the "local" lien equals
//! until a cut lowers the lien (see `settle_local_cuts`). Staking rounds shares down, so after
//! every change the delegation record is lowered to what the proxy's shares are worth and the
//! difference is lost like a slash (`slash_burned`). Other delegators' rounding only raises a
//! delegation's worth, so the record is the worth just before the next slash, and what a slash
//! took is exactly `record - worth after`.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_bank::BankRead;
use rmesh_core::{Address, BlockContextExt, Decimal, SdkError, StoreRead, StoreWrite};
use rmesh_distribution::DistributionWrite;
use rmesh_slashing::SlashingRead;
use rmesh_staking::{StakingHooks, StakingRead, StakingWrite};

use crate::error::VaultError;
use crate::event;
use crate::state_key;
use crate::view::{VaultRead, VaultWrite};
use crate::VAULT_ACCOUNT;

/// The lien holder of local staking.
pub const LOCAL_HOLDER: &str = "local";

/// The delegator address that holds an owner's local stake. Derived like a module account, so
/// no key can sign for it and only the vault moves its tokens.
pub fn local_proxy(owner: &Address) -> Address {
    Address::module(&format!("vault/local/{}", owner.to_hex()))
}

/// The share of local stake a native slash can take at once: the larger slashing fraction.
pub async fn local_slash_ratio<S: StateRead + ?Sized>(state: &S) -> Result<Decimal, SdkError> {
    let params = state.slashing_params().await?;
    Ok(params
        .slash_fraction_double_sign
        .max(params.slash_fraction_downtime))
}

/// An unbonding of local stake, as the vault tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalUnbonding {
    pub validator: Address,
    /// Unix nanos, as staking's unbonding entry has it.
    pub completes_at_nanos: u64,
    /// What staking still holds for it (slashes lower it).
    pub amount: u128,
}

fn corrupt(key: &str) -> SdkError {
    SdkError::Internal(format!("corrupt local stake entry at {key}"))
}

fn overflow(what: &str) -> SdkError {
    VaultError::InvalidAmount(format!("{what} overflows")).into()
}

#[async_trait]
pub trait LocalRead: StateRead {
    /// The lien backing an owner's delegation to a validator.
    async fn local_delegation(
        &self,
        owner: &Address,
        validator: &Address,
    ) -> Result<u128, SdkError> {
        self.get_amount(&state_key::local_delegation(owner, validator))
            .await
    }

    /// (validator, lien backing the delegation) of an owner, in validator order.
    async fn local_delegations(&self, owner: &Address) -> Result<Vec<(Address, u128)>, SdkError> {
        let prefix = state_key::local_delegations_of(owner);
        let mut out = Vec::new();
        for (key, value) in self.prefix_entries(&prefix).await? {
            let validator = key
                .strip_prefix(&prefix)
                .and_then(Address::from_hex)
                .ok_or_else(|| corrupt(&key))?;
            out.push((validator, amount_of(&key, &value)?));
        }
        Ok(out)
    }

    /// An owner's unbondings, by validator then completion time.
    async fn local_unbondings(&self, owner: &Address) -> Result<Vec<LocalUnbonding>, SdkError> {
        let prefix = state_key::local_unbondings_of(owner);
        let mut out = Vec::new();
        for (key, value) in self.prefix_entries(&prefix).await? {
            let (validator, time) = key
                .strip_prefix(&prefix)
                .and_then(|rest| rest.split_once('/'))
                .ok_or_else(|| corrupt(&key))?;
            out.push(LocalUnbonding {
                validator: Address::from_hex(validator).ok_or_else(|| corrupt(&key))?,
                completes_at_nanos: time.parse().map_err(|_| corrupt(&key))?,
                amount: amount_of(&key, &value)?,
            });
        }
        Ok(out)
    }

    /// (completion time, amount) of an owner's unbondings from one validator.
    async fn local_unbondings_at(
        &self,
        owner: &Address,
        validator: &Address,
    ) -> Result<Vec<(u64, u128)>, SdkError> {
        let prefix = state_key::local_unbondings_at(owner, validator);
        let mut out = Vec::new();
        for (key, value) in self.prefix_entries(&prefix).await? {
            let time = key
                .strip_prefix(&prefix)
                .and_then(|time| time.parse().ok())
                .ok_or_else(|| corrupt(&key))?;
            out.push((time, amount_of(&key, &value)?));
        }
        Ok(out)
    }

    /// Owners with local stake, delegated or unbonding, at a validator.
    async fn local_stakers(&self, validator: &Address) -> Result<Vec<Address>, SdkError> {
        let prefix = state_key::local_stakers_of(validator);
        let keys = self.prefix_keys_while(&prefix, |_| true).await?;
        keys.iter()
            .map(|key| {
                key.strip_prefix(&prefix)
                    .and_then(Address::from_hex)
                    .ok_or_else(|| corrupt(key))
            })
            .collect()
    }

    /// Everything an owner has staked locally: delegations and unbondings, as recorded.
    async fn local_outstanding(&self, owner: &Address) -> Result<u128, SdkError> {
        let delegated = self
            .local_delegations(owner)
            .await?
            .iter()
            .fold(0u128, |sum, (_, amount)| sum.saturating_add(*amount));
        let unbonding = self
            .local_unbondings(owner)
            .await?
            .iter()
            .fold(0u128, |sum, unbonding| sum.saturating_add(unbonding.amount));
        Ok(delegated.saturating_add(unbonding))
    }

    /// Tokens the proxy's shares at a validator are worth now, rounded down as staking pays.
    async fn local_worth(&self, owner: &Address, validator: &Address) -> Result<u128, SdkError> {
        let Some(validator) = self.validator(validator).await? else {
            return Ok(0);
        };
        let shares = self
            .delegation(&local_proxy(owner), &validator.operator)
            .await?;
        validator.tokens_for_shares(shares)
    }
}

impl<T: StateRead + ?Sized> LocalRead for T {}

fn amount_of(key: &str, value: &[u8]) -> Result<u128, SdkError> {
    let bytes: [u8; 16] = value.try_into().map_err(|_| corrupt(key))?;
    Ok(u128::from_be_bytes(bytes))
}

/// Keeps the validator's index of stakers in step with the owner's records there.
async fn index_staker<S: StateWrite + ?Sized>(
    state: &mut S,
    owner: &Address,
    validator: &Address,
) -> Result<(), SdkError> {
    let staked = state.local_delegation(owner, validator).await? > 0
        || !state
            .local_unbondings_at(owner, validator)
            .await?
            .is_empty();
    let key = state_key::local_staker(validator, owner);
    if staked {
        state.put_bytes(key, vec![])
    } else {
        state.delete_key(key)
    }
}

/// Sets an unbonding's amount (zero forgets it) with its queue entry.
async fn put_local_unbonding<S: StateWrite + ?Sized>(
    state: &mut S,
    owner: &Address,
    validator: &Address,
    completes_at_nanos: u64,
    amount: u128,
) -> Result<(), SdkError> {
    state.put_amount(
        state_key::local_unbonding(owner, validator, completes_at_nanos),
        amount,
    )?;
    let queue = state_key::local_unbonding_queue(completes_at_nanos, owner, validator);
    if amount > 0 {
        state.put_bytes(queue, vec![])?;
    } else {
        state.delete_key(queue)?;
    }
    index_staker(state, owner, validator).await
}

/// Records that `claim` of the lien backs the delegation, lowered to what the shares are worth;
/// the difference is lost from the collateral and the lien. Returns the recorded amount.
async fn settle_delegation<S: StateWrite + ?Sized>(
    state: &mut S,
    owner: &Address,
    validator: &Address,
    claim: u128,
) -> Result<u128, SdkError> {
    let kept = claim.min(state.local_worth(owner, validator).await?);
    state.put_amount(state_key::local_delegation(owner, validator), kept)?;
    index_staker(state, owner, validator).await?;
    if claim > kept {
        state
            .slash_burned(owner, LOCAL_HOLDER, claim - kept)
            .await?;
    }
    Ok(kept)
}

/// The owner's collateral that is in the vault account and owed to no burn: what can leave it.
pub async fn collateral_in_vault<S: StateRead + ?Sized>(
    state: &S,
    owner: &Address,
) -> Result<u128, SdkError> {
    let outstanding = state.local_outstanding(owner).await?;
    Ok(state.collateral(owner).await?.saturating_sub(outstanding))
}

/// Liens `amount` of the owner's collateral to "local" and delegates it from the owner's proxy
/// to `validator`. Returns the local stake there afterwards.
pub async fn stake_local<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    owner: &Address,
    validator: &Address,
    amount: u128,
) -> Result<u128, SdkError> {
    let validator_text = state.format_operator(validator).await?;
    if state.validator(validator).await?.is_none() {
        return Err(VaultError::UnknownValidator(validator_text).into());
    }
    let ratio = local_slash_ratio(state).await?;
    // Checked on a copy first so that a refusal writes nothing.
    state
        .vault_account(owner)
        .await?
        .add_lien(LOCAL_HOLDER, amount, ratio)?;
    // Only after a cut can the lien fit while the tokens are still delegated (until the end of
    // the block settles the cut).
    let available = collateral_in_vault(state, owner).await?;
    if amount > available {
        return Err(VaultError::InvalidAmount(format!(
            "only {available} of the collateral is in the vault until the local cuts of this \
             block are settled; try again in the next block"
        ))
        .into());
    }
    state.add_lien(owner, LOCAL_HOLDER, amount, ratio).await?;
    let proxy = local_proxy(owner);
    // The proxy cannot sign: its staking rewards go straight to the owner whenever they are paid.
    state.put_withdraw_address(&proxy, owner)?;
    state
        .move_bond_tokens(&Address::module(VAULT_ACCOUNT), &proxy, amount)
        .await?;
    state.delegate::<H>(&proxy, validator, amount).await?;
    let claim = state
        .local_delegation(owner, validator)
        .await?
        .checked_add(amount)
        .ok_or_else(|| overflow("local stake"))?;
    let staked = settle_delegation(state, owner, validator, claim).await?;
    let owner_text = state.format_address(owner).await?;
    state.record(event::stake_local(
        &owner_text,
        &validator_text,
        amount,
        staked,
    ));
    Ok(staked)
}

/// Starts unbonding `amount` of the owner's local stake at `validator`; the lien stays until
/// the tokens are back (`complete_local_unbondings`). Returns the completion time, unix nanos.
pub async fn unstake_local<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    owner: &Address,
    validator: &Address,
    amount: u128,
) -> Result<u64, SdkError> {
    let validator_text = state.format_operator(validator).await?;
    let staked = state.local_delegation(owner, validator).await?;
    if amount > staked {
        return Err(VaultError::InsufficientLocalStake {
            validator: validator_text,
            wanted: amount,
            staked,
        }
        .into());
    }
    let proxy = local_proxy(owner);
    let completes = state.undelegate::<H>(&proxy, validator, amount).await?;
    // Staking appended the entry; its balance is what the shares fetched (rounded down).
    let tokens = state
        .unbonding(&proxy, validator)
        .await?
        .last()
        .map(|entry| entry.balance)
        .ok_or_else(|| SdkError::Internal("undelegation left no unbonding entry".into()))?;
    let unbonding = tokens.min(staked);
    let recorded = state
        .get_amount(&state_key::local_unbonding(owner, validator, completes))
        .await?;
    let total = recorded
        .checked_add(unbonding)
        .ok_or_else(|| overflow("local unbonding"))?;
    put_local_unbonding(state, owner, validator, completes, total).await?;
    settle_delegation(state, owner, validator, staked - unbonding).await?;
    let owner_text = state.format_address(owner).await?;
    state.record(event::unstake_local(
        &owner_text,
        &validator_text,
        amount,
        unbonding,
        completes,
    ));
    Ok(completes)
}

/// Parses `<time:020>/<owner>/<validator>` after the queue prefix.
fn parse_queue_key(key: &str) -> Option<(u64, Address, Address)> {
    let rest = key.strip_prefix(state_key::LOCAL_UNBONDING_QUEUE_PREFIX)?;
    let mut parts = rest.split('/');
    let time = parts.next()?.parse().ok()?;
    let owner = Address::from_hex(parts.next()?)?;
    let validator = Address::from_hex(parts.next()?)?;
    parts.next().is_none().then_some((time, owner, validator))
}

/// Moves the tokens of matured local unbondings from the proxies back to the vault account and
/// releases the lien by what came back. Reads only the due head of the queue. An unbonding that
/// staking has not paid yet (its end of block runs later) waits for the next block.
pub async fn complete_local_unbondings<S: StateWrite + ?Sized>(
    state: &mut S,
) -> Result<(), SdkError> {
    let prefix = state_key::LOCAL_UNBONDING_QUEUE_PREFIX;
    let now = format!("{:020}", state.block_context().unix_nanos());
    let due = state
        .prefix_keys_while(prefix, move |key| {
            key.get(prefix.len()..)
                .and_then(|rest| rest.get(..20))
                .is_some_and(|time| time <= now.as_str())
        })
        .await?;
    let denom = state.staking_params().await?.bond_denom;
    for key in due {
        let Some((completes, owner, validator)) = parse_queue_key(&key) else {
            state.delete_key(key)?;
            continue;
        };
        let proxy = local_proxy(&owner);
        let unpaid = state
            .unbonding(&proxy, &validator)
            .await?
            .iter()
            .any(|entry| entry.completion_time_nanos == completes);
        if unpaid {
            continue;
        }
        // Measured before the record goes: claims above the lien are what a cut left unbacked.
        let unbacked = state
            .local_outstanding(&owner)
            .await?
            .saturating_sub(local_lien(state, &owner).await?);
        let record = state_key::local_unbonding(&owner, &validator, completes);
        let recorded = state.get_amount(&record).await?;
        put_local_unbonding(state, &owner, &validator, completes, 0).await?;
        let back = recorded.min(state.balance(&proxy, &denom).await?);
        state
            .move_bond_tokens(&proxy, &Address::module(VAULT_ACCOUNT), back)
            .await?;
        let release = (back - back.min(unbacked)).min(local_lien(state, &owner).await?);
        if release > 0 {
            state.release_lien(&owner, LOCAL_HOLDER, release).await?;
        }
        if recorded > back {
            state
                .slash_burned(&owner, LOCAL_HOLDER, recorded - back)
                .await?;
        }
        let (owner_text, validator_text) = (
            state.format_address(&owner).await?,
            state.format_operator(&validator).await?,
        );
        state.record(event::local_unbonded(&owner_text, &validator_text, back));
    }
    Ok(())
}

async fn local_lien<S: StateRead + ?Sized>(state: &S, owner: &Address) -> Result<u128, SdkError> {
    Ok(state
        .liens(owner)
        .await?
        .get(LOCAL_HOLDER)
        .map_or(0, |lien| lien.amount))
}

/// Drops the local stake that cuts of the "local" lien (slashes by other holders that left the
/// collateral too small) no longer back. The collateral behind it was already slashed, so the
/// stake leaves at once, with no unbonding period, and its tokens refill the vault account for
/// the burns the slash owes. Delegations are cut in validator order; a cut beyond them stays
/// unbacked unbonding stake, which releases no lien when it matures.
pub async fn settle_local_cuts<S: StateWrite, H: StakingHooks>(
    state: &mut S,
) -> Result<(), SdkError> {
    for (owner, cut) in state.take_cuts(LOCAL_HOLDER).await? {
        let proxy = local_proxy(&owner);
        let mut left = cut;
        for (validator, staked) in state.local_delegations(&owner).await? {
            if left == 0 {
                break;
            }
            let take = left.min(staked);
            left -= take;
            let held = state.delegation(&proxy, &validator).await?;
            let shares = match state.validator(&validator).await? {
                Some(found) if take < staked => found.shares_for_tokens(take)?.min(held),
                _ => held,
            };
            let tokens = if shares.is_zero() {
                0
            } else {
                state
                    .instant_undelegate::<H>(&proxy, &validator, shares)
                    .await?
            };
            let returned = tokens.min(take);
            state
                .move_bond_tokens(&proxy, &Address::module(VAULT_ACCOUNT), returned)
                .await?;
            settle_delegation(state, &owner, &validator, staked - take).await?;
            // Rounding kept by staking is lost like a slash. That lowers the lien as well, so
            // the claims exceed it by the unit, which the sweep then treats as unbacked.
            if take > returned {
                state
                    .slash_burned(&owner, LOCAL_HOLDER, take - returned)
                    .await?;
            }
            let (owner_text, validator_text) = (
                state.format_address(&owner).await?,
                state.format_operator(&validator).await?,
            );
            state.record(event::local_cut(
                &owner_text,
                &validator_text,
                take,
                returned,
            ));
        }
    }
    Ok(())
}

/// After staking slashed `operator`: each owner staking there loses what the slash took from
/// the proxy's delegation and unbondings, from the collateral and the "local" lien (staking
/// already burned the tokens).
pub async fn on_validator_slashed<S: StateWrite + ?Sized>(
    state: &mut S,
    operator: &Address,
) -> Result<(), SdkError> {
    let now = state.block_context().unix_nanos();
    for owner in state.local_stakers(operator).await? {
        let staked = state.local_delegation(&owner, operator).await?;
        let worth = state.local_worth(&owner, operator).await?;
        let mut loss = staked - staked.min(worth);
        if loss > 0 {
            state.put_amount(state_key::local_delegation(&owner, operator), staked - loss)?;
        }
        let entries = state.unbonding(&local_proxy(&owner), operator).await?;
        for (completes, recorded) in state.local_unbondings_at(&owner, operator).await? {
            // Staking spares (and pays out) matured entries; the sweep settles those.
            if completes <= now {
                continue;
            }
            let left = entries
                .iter()
                .filter(|entry| entry.completion_time_nanos == completes)
                .fold(0u128, |sum, entry| sum.saturating_add(entry.balance));
            if left < recorded {
                loss = loss.saturating_add(recorded - left);
                put_local_unbonding(state, &owner, operator, completes, left).await?;
            }
        }
        index_staker(state, &owner, operator).await?;
        if loss > 0 {
            state.slash_burned(&owner, LOCAL_HOLDER, loss).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_owner_has_its_own_proxy_and_queue_keys_parse_back() {
        let (a, b) = (Address([1; 20]), Address([2; 20]));
        assert_ne!(local_proxy(&a), local_proxy(&b));
        assert_ne!(local_proxy(&a), Address::module(VAULT_ACCOUNT));
        let key = state_key::local_unbonding_queue(42, &a, &b);
        assert_eq!(parse_queue_key(&key), Some((42, a, b)));
        assert_eq!(parse_queue_key(&format!("{key}/extra")), None);
    }
}
