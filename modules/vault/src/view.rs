//! Typed access to the vault's state. Lien holders (local staking, external staking) call
//! `VaultWrite`; the arithmetic lives in `liens`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_bank::BankWrite;
use rmesh_core::{Address, Coin, Coins, Decimal, SdkError, StoreRead, StoreWrite};
use rmesh_staking::StakingRead;

use crate::error::VaultError;
use crate::event;
use crate::liens::{Collateral, Lien, SlashOutcome};
use crate::local::LocalRead;
use crate::state_key;
use crate::VAULT_ACCOUNT;

fn corrupt(key: &str) -> SdkError {
    SdkError::Internal(format!("corrupt vault entry at {key}"))
}

fn decode_amount(key: &str, value: &[u8]) -> Result<u128, SdkError> {
    let bytes: [u8; 16] = value.try_into().map_err(|_| corrupt(key))?;
    Ok(u128::from_be_bytes(bytes))
}

fn positive(amount: u128) -> Result<(), SdkError> {
    if amount == 0 {
        return Err(VaultError::InvalidAmount("the amount must be positive".into()).into());
    }
    Ok(())
}

async fn bond_coins<S: StateRead + ?Sized>(state: &S, amount: u128) -> Result<Coins, SdkError> {
    let denom = state.staking_params().await?.bond_denom;
    let mut coins = Coins::new();
    coins.add(&Coin::new(amount, denom))?;
    Ok(coins)
}

#[async_trait]
pub trait VaultRead: StateRead {
    /// A user's collateral in the bond denom; zero for a user who never bonded.
    async fn collateral(&self, user: &Address) -> Result<u128, SdkError> {
        self.get_amount(&state_key::collateral(user)).await
    }

    /// A user's liens by holder.
    async fn liens(&self, user: &Address) -> Result<BTreeMap<String, Lien>, SdkError> {
        let prefix = state_key::liens_of(user);
        self.prefix_entries(&prefix)
            .await?
            .into_iter()
            .map(|(key, value)| {
                let holder = key.strip_prefix(&prefix).ok_or_else(|| corrupt(&key))?;
                let lien: Lien = serde_json::from_slice(&value).map_err(|_| corrupt(&key))?;
                Ok((holder.to_string(), lien))
            })
            .collect()
    }

    /// A user's collateral with its liens. (Not `account`: auth's `AccountRead` has that name
    /// and both traits are in scope wherever addresses are printed.)
    async fn vault_account(&self, user: &Address) -> Result<Collateral, SdkError> {
        Ok(Collateral {
            collateral: self.collateral(user).await?,
            liens: self.liens(user).await?,
        })
    }

    /// Every user with collateral, in address order (for genesis export). A user without
    /// collateral has no liens: the invariant ties every lien to the collateral.
    async fn all_vault_accounts(&self) -> Result<BTreeMap<Address, Collateral>, SdkError> {
        let mut accounts = BTreeMap::new();
        for (key, _) in self.prefix_entries(state_key::COLLATERAL_PREFIX).await? {
            let user = key
                .strip_prefix(state_key::COLLATERAL_PREFIX)
                .and_then(Address::from_hex)
                .ok_or_else(|| corrupt(&key))?;
            accounts.insert(user, self.vault_account(&user).await?);
        }
        Ok(accounts)
    }

    /// A slash burn still owed for the user (see `VaultWrite::slash`).
    async fn burn_owed_by(&self, user: &Address) -> Result<u128, SdkError> {
        self.get_amount(&state_key::burn_owed(user)).await
    }

    /// The user's tokens in the vault account: the collateral, less what is staked locally
    /// (delegated or unbonding), plus slash burns not yet paid.
    async fn held_in_vault(&self, user: &Address) -> Result<u128, SdkError> {
        let outstanding = self.local_outstanding(user).await?;
        Ok(self
            .collateral(user)
            .await?
            .saturating_add(self.burn_owed_by(user).await?)
            .saturating_sub(outstanding))
    }

    /// The cuts queued for `holder`, by user, without taking them.
    async fn queued_cuts(&self, holder: &str) -> Result<Vec<(Address, u128)>, SdkError> {
        let prefix = state_key::cuts_of(holder);
        let mut cuts = Vec::new();
        for (key, value) in self.prefix_entries(&prefix).await? {
            let rest = key.strip_prefix(&prefix).ok_or_else(|| corrupt(&key))?;
            // `<holder>/<more>/<user>` belongs to a holder whose id extends this one.
            if rest.contains('/') {
                continue;
            }
            let user = Address::from_hex(rest).ok_or_else(|| corrupt(&key))?;
            cuts.push((user, decode_amount(&key, &value)?));
        }
        Ok(cuts)
    }
}

impl<T: StateRead + ?Sized> VaultRead for T {}

#[async_trait]
pub trait VaultWrite: StateWrite {
    /// Stores a user's collateral and liens, deleting liens that are gone.
    async fn put_vault_account(
        &mut self,
        user: &Address,
        account: &Collateral,
    ) -> Result<(), SdkError> {
        let before = self.vault_account(user).await?;
        store_changes(self, user, &before, account)
    }

    /// Moves `amount` of the bond denom from the user into the vault as collateral.
    async fn bond(&mut self, user: &Address, amount: u128) -> Result<(), SdkError> {
        positive(amount)?;
        let coins = bond_coins(self, amount).await?;
        self.send(user, &Address::module(VAULT_ACCOUNT), &coins)
            .await?;
        let collateral = self
            .collateral(user)
            .await?
            .checked_add(amount)
            .ok_or_else(|| VaultError::InvalidAmount("collateral overflows".into()))?;
        self.put_amount(state_key::collateral(user), collateral)?;
        let owner = self.format_address(user).await?;
        self.record(event::bond(&owner, amount, collateral));
        Ok(())
    }

    /// Returns `amount` of free collateral to the user.
    async fn unbond(&mut self, user: &Address, amount: u128) -> Result<(), SdkError> {
        positive(amount)?;
        let account = self.vault_account(user).await?;
        // Between a cut of the "local" lien and the end of the block, collateral the lien no
        // longer ties up can still be delegated: only what is in the vault may leave.
        let free = account
            .free()
            .min(crate::local::collateral_in_vault(self, user).await?);
        if amount > free {
            return Err(VaultError::InsufficientFree {
                wanted: amount,
                free,
                collateral: account.collateral,
            }
            .into());
        }
        let collateral = account.collateral - amount;
        self.put_amount(state_key::collateral(user), collateral)?;
        let coins = bond_coins(self, amount).await?;
        self.send(&Address::module(VAULT_ACCOUNT), user, &coins)
            .await?;
        let owner = self.format_address(user).await?;
        self.record(event::unbond(&owner, amount, collateral));
        Ok(())
    }

    /// Grows `holder`'s lien on the user's collateral (see `Collateral::add_lien`).
    async fn add_lien(
        &mut self,
        user: &Address,
        holder: &str,
        amount: u128,
        slashable: Decimal,
    ) -> Result<(), SdkError> {
        let before = self.vault_account(user).await?;
        let mut after = before.clone();
        after.add_lien(holder, amount, slashable)?;
        store_changes(self, user, &before, &after)?;
        let lien = after.liens.get(holder).copied().ok_or_else(|| {
            SdkError::Internal(format!("lien of {holder:?} missing after adding it"))
        })?;
        let owner = self.format_address(user).await?;
        self.record(event::lien(
            &owner,
            holder,
            amount,
            lien.amount,
            &lien.slashable.to_string(),
        ));
        Ok(())
    }

    /// Shrinks `holder`'s lien (see `Collateral::release_lien`).
    async fn release_lien(
        &mut self,
        user: &Address,
        holder: &str,
        amount: u128,
    ) -> Result<(), SdkError> {
        let before = self.vault_account(user).await?;
        let mut after = before.clone();
        after.release_lien(holder, amount)?;
        store_changes(self, user, &before, &after)?;
        let remaining = after.liens.get(holder).map_or(0, |lien| lien.amount);
        let owner = self.format_address(user).await?;
        self.record(event::release(&owner, holder, amount, remaining));
        Ok(())
    }

    /// `holder` slashes the user's collateral (see `Collateral::slash`): the slashed tokens are
    /// burned from the vault account and each cut waits for its holder in `take_cuts`. Collateral
    /// delegated locally is not in the vault account: that part of the burn is owed and paid at
    /// the end of the block, once the "local" cut has brought the tokens back.
    async fn slash(
        &mut self,
        user: &Address,
        holder: &str,
        amount: u128,
    ) -> Result<SlashOutcome, SdkError> {
        let held = self.held_in_vault(user).await?;
        let outcome = apply_slash(self, user, holder, amount).await?;
        let burn_now = outcome.slashed.min(held);
        let deferred = outcome.slashed - burn_now;
        if burn_now > 0 {
            let coins = bond_coins(self, burn_now).await?;
            self.burn(&Address::module(VAULT_ACCOUNT), &coins).await?;
        }
        let mut extra = vec![];
        if deferred > 0 {
            let key = state_key::burn_owed(user);
            let owed = self.get_amount(&key).await?.saturating_add(deferred);
            self.put_amount(key, owed)?;
            extra.push(("deferred", deferred.to_string()));
        }
        let owner = self.format_address(user).await?;
        self.record(event::slash(
            &owner,
            holder,
            amount,
            outcome.slashed,
            &outcome.cuts,
            extra,
        ));
        Ok(outcome)
    }

    /// Like `slash`, for tokens another module already burned (a native slash of local stake):
    /// the collateral and the holder's lien shrink and cuts are queued the same way, but nothing
    /// is burned again.
    async fn slash_burned(
        &mut self,
        user: &Address,
        holder: &str,
        amount: u128,
    ) -> Result<SlashOutcome, SdkError> {
        let outcome = apply_slash(self, user, holder, amount).await?;
        let owner = self.format_address(user).await?;
        self.record(event::slash(
            &owner,
            holder,
            amount,
            outcome.slashed,
            &outcome.cuts,
            vec![("burned_by", "staking".to_string())],
        ));
        Ok(outcome)
    }

    /// Burns what earlier slashes owed for each user, as far as the user's tokens are back in
    /// the vault account. Returns the total burned.
    async fn burn_owed(&mut self) -> Result<u128, SdkError> {
        let mut total = 0u128;
        for (key, value) in self.prefix_entries(state_key::BURN_OWED_PREFIX).await? {
            let user = key
                .strip_prefix(state_key::BURN_OWED_PREFIX)
                .and_then(Address::from_hex)
                .ok_or_else(|| corrupt(&key))?;
            let owed = decode_amount(&key, &value)?;
            let burn = owed.min(self.held_in_vault(&user).await?);
            if burn == 0 {
                continue;
            }
            let coins = bond_coins(self, burn).await?;
            self.burn(&Address::module(VAULT_ACCOUNT), &coins).await?;
            self.put_amount(key, owed - burn)?;
            total = total.saturating_add(burn);
            let owner = self.format_address(&user).await?;
            self.record(event::burn_owed(&owner, burn, owed - burn));
        }
        Ok(total)
    }

    /// Returns and forgets the cuts queued for `holder`, by user: the holder must drop that much
    /// of each user's stake.
    async fn take_cuts(&mut self, holder: &str) -> Result<Vec<(Address, u128)>, SdkError> {
        let cuts = self.queued_cuts(holder).await?;
        for (user, _) in &cuts {
            self.delete_key(state_key::cut(holder, user))?;
        }
        Ok(cuts)
    }
}

impl<T: StateWrite + ?Sized> VaultWrite for T {}

/// Applies `Collateral::slash` to the stored account and queues the cuts; burns nothing.
async fn apply_slash<S: StateWrite + ?Sized>(
    state: &mut S,
    user: &Address,
    holder: &str,
    amount: u128,
) -> Result<SlashOutcome, SdkError> {
    let before = state.vault_account(user).await?;
    let mut after = before.clone();
    let outcome = after.slash(holder, amount);
    store_changes(state, user, &before, &after)?;
    for (cut_holder, cut) in &outcome.cuts {
        let key = state_key::cut(cut_holder, user);
        let queued = state.get_amount(&key).await?.saturating_add(*cut);
        state.put_amount(key, queued)?;
    }
    Ok(outcome)
}

/// Writes only what changed between two states of one user's account.
fn store_changes<S: StateWrite + ?Sized>(
    state: &mut S,
    user: &Address,
    before: &Collateral,
    after: &Collateral,
) -> Result<(), SdkError> {
    if before.collateral != after.collateral {
        state.put_amount(state_key::collateral(user), after.collateral)?;
    }
    for holder in before.liens.keys() {
        if !after.liens.contains_key(holder) {
            state.delete_key(state_key::lien(user, holder))?;
        }
    }
    for (holder, lien) in &after.liens {
        if before.liens.get(holder) != Some(lien) {
            state.put_json(state_key::lien(user, holder), lien)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cnidarium::{StateDelta, TempStorage};
    use rmesh_bank::BankRead;
    use rmesh_core::error::AbciCode;

    const DENOM: &str = "urmesh";

    fn user() -> Address {
        Address([7; 20])
    }

    fn vault() -> Address {
        Address::module(VAULT_ACCOUNT)
    }

    fn ratio(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    async fn funded<S: StateWrite>(state: &mut S, amount: u128) {
        let mut coins = Coins::new();
        coins.add(&Coin::new(amount, DENOM)).unwrap();
        state.mint(&user(), &coins).await.unwrap();
    }

    /// The third worked case: collateral 200, local 190, ext/a 150, ext/b 50, all at 10%.
    async fn cross_staked<S: StateWrite>(state: &mut S) {
        funded(state, 1_000).await;
        state.bond(&user(), 200).await.unwrap();
        for (holder, amount) in [("local", 190), ("ext/a", 150), ("ext/b", 50)] {
            state
                .add_lien(&user(), holder, amount, ratio("0.1"))
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn bonding_moves_tokens_into_the_vault_and_unbonding_more_than_is_free_is_refused() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        funded(&mut state, 1_000).await;
        state.bond(&user(), 200).await.unwrap();
        assert_eq!(state.balance(&user(), DENOM).await.unwrap(), 800);
        assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 200);
        state
            .add_lien(&user(), "local", 190, ratio("0.1"))
            .await
            .unwrap();

        let err = state.unbond(&user(), 50).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot unbond 50: only 10 of 200 collateral is free"
        );
        assert_eq!((err.codespace(), AbciCode::code(&err)), ("vault", 3));

        state.unbond(&user(), 10).await.unwrap();
        assert_eq!(state.collateral(&user()).await.unwrap(), 190);
        assert_eq!(state.balance(&user(), DENOM).await.unwrap(), 810);
        assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 190);
    }

    #[tokio::test]
    async fn a_lien_beyond_the_collateral_is_refused_and_stores_nothing() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        funded(&mut state, 1_000).await;
        state.bond(&user(), 200).await.unwrap();
        let err = state
            .add_lien(&user(), "external/osmo", 201, ratio("0.1"))
            .await
            .unwrap_err();
        assert_eq!((err.codespace(), AbciCode::code(&err)), ("vault", 4));
        assert!(state.liens(&user()).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_slash_burns_the_slashed_tokens_and_queues_the_cut_for_the_holder_it_forces_down() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        cross_staked(&mut state).await;
        let supply = state.supply_of(DENOM).await.unwrap();

        let outcome = state.slash(&user(), "ext/a", 15).await.unwrap();
        assert_eq!(
            outcome,
            SlashOutcome {
                slashed: 15,
                cuts: vec![("local".to_string(), 5)]
            }
        );
        assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 185);
        assert_eq!(state.supply_of(DENOM).await.unwrap(), supply - 15);
        let account = state.vault_account(&user()).await.unwrap();
        assert_eq!(account.collateral, 185);
        assert_eq!(account.liens["local"].amount, 185);
        assert_eq!(account.liens["ext/a"].amount, 135);
        assert_eq!(account.liens["ext/b"].amount, 50);
        assert_eq!(account.free(), 0);
        assert_eq!(state.queued_cuts("local").await.unwrap(), vec![(user(), 5)]);
    }

    #[tokio::test]
    async fn taking_cuts_returns_their_sum_and_empties_the_queue() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        cross_staked(&mut state).await;
        state.slash(&user(), "ext/a", 15).await.unwrap();
        // collateral 180 now, so local (185) loses 5 more.
        state.slash(&user(), "ext/a", 5).await.unwrap();
        assert_eq!(state.take_cuts("local").await.unwrap(), vec![(user(), 10)]);
        assert!(state.take_cuts("local").await.unwrap().is_empty());
        assert!(state.queued_cuts("local").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn holders_whose_ids_extend_each_other_keep_their_cuts_apart() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        funded(&mut state, 100).await;
        state.bond(&user(), 100).await.unwrap();
        state
            .add_lien(&user(), "external", 100, ratio("0.1"))
            .await
            .unwrap();
        state
            .add_lien(&user(), "external/a", 100, ratio("0.1"))
            .await
            .unwrap();
        state.slash(&user(), "external", 10).await.unwrap();
        assert!(state.take_cuts("external").await.unwrap().is_empty());
        assert_eq!(
            state.take_cuts("external/a").await.unwrap(),
            vec![(user(), 10)]
        );
    }

    #[tokio::test]
    async fn releasing_a_whole_lien_deletes_it_and_frees_the_collateral() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        cross_staked(&mut state).await;
        state.release_lien(&user(), "local", 190).await.unwrap();
        state.release_lien(&user(), "ext/a", 150).await.unwrap();
        let accounts = state.all_vault_accounts().await.unwrap();
        let account = &accounts[&user()];
        assert_eq!(account.liens.keys().collect::<Vec<_>>(), vec!["ext/b"]);
        assert_eq!(account.free(), 150);
        let err = state.release_lien(&user(), "local", 1).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "no lien is held by \"local\" on this collateral"
        );
    }
}
