//! Typed access to balances and supply. Other modules move coins only through these traits.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::bank::v1beta1::Metadata;
use rmesh_auth::{AccountRead, AccountWrite};
use rmesh_core::{Address, Coin, Coins, SdkError, StoreRead, StoreWrite};

use crate::{event, state_key, FEE_COLLECTOR};

async fn move_coins<S: StateWrite + ?Sized>(
    state: &mut S,
    from: &Address,
    to: &Address,
    coins: &Coins,
) -> Result<(), SdkError> {
    for coin in coins.iter() {
        debit(state, from, &coin).await?;
        credit(state, to, &coin).await?;
    }
    Ok(())
}

/// The SDK's three events of a transfer.
async fn record_transfer<S: StateWrite + ?Sized>(
    state: &mut S,
    from: &Address,
    to: &Address,
    coins: &Coins,
) -> Result<(), SdkError> {
    let (sender, recipient) = (
        state.format_address(from).await?,
        state.format_address(to).await?,
    );
    let amount = coins.to_string();
    state.record(event::coin_spent(&sender, &amount));
    state.record(event::coin_received(&recipient, &amount));
    state.record(event::transfer(&sender, &recipient, &amount));
    Ok(())
}

fn decode_amount(key: &str, value: &[u8]) -> Result<u128, SdkError> {
    let array: [u8; 16] = value
        .try_into()
        .map_err(|_| SdkError::Internal(format!("corrupt amount at {key}")))?;
    Ok(u128::from_be_bytes(array))
}

/// (denom, amount) pairs stored under `prefix`, in denom order.
async fn amounts_under<S: StateRead + ?Sized>(state: &S, prefix: &str) -> Result<Coins, SdkError> {
    let mut coins = Coins::new();
    for (key, value) in state.prefix_entries(prefix).await? {
        let denom = key.strip_prefix(prefix).unwrap_or(&key);
        coins.add(&Coin::new(decode_amount(&key, &value)?, denom))?;
    }
    Ok(coins)
}

#[async_trait]
pub trait BankRead: StateRead {
    async fn balance(&self, address: &Address, denom: &str) -> Result<u128, SdkError> {
        self.get_amount(&state_key::balance(address, denom)).await
    }

    async fn all_balances(&self, address: &Address) -> Result<Coins, SdkError> {
        amounts_under(self, &state_key::balances_of(address)).await
    }

    async fn supply_of(&self, denom: &str) -> Result<u128, SdkError> {
        self.get_amount(&state_key::supply(denom)).await
    }

    /// Virtual-staking tokens in existence: balances hold them, the supply does not count them.
    async fn virtual_supply_of(&self, denom: &str) -> Result<u128, SdkError> {
        self.get_amount(&state_key::virtual_supply(denom)).await
    }

    async fn total_supply(&self) -> Result<Coins, SdkError> {
        amounts_under(self, state_key::SUPPLY_PREFIX).await
    }

    async fn denom_metadata(&self, denom: &str) -> Result<Option<Metadata>, SdkError> {
        self.get_proto(&state_key::metadata(denom)).await
    }

    async fn all_denom_metadata(&self) -> Result<Vec<Metadata>, SdkError> {
        self.prefix_protos(state_key::METADATA_PREFIX).await
    }
}

impl<T: StateRead + ?Sized> BankRead for T {}

#[async_trait]
pub trait BankWrite: StateWrite {
    /// Moves coins between accounts, creating the recipient's account if it is new.
    async fn send(&mut self, from: &Address, to: &Address, coins: &Coins) -> Result<(), SdkError> {
        move_coins(self, from, to, coins).await?;
        self.ensure_account(to).await?;
        record_transfer(self, from, to, coins).await
    }

    /// Pays a tx's fee to the fee collector. Its account exists from genesis on, so unlike
    /// [`BankWrite::send`] this does not look it up: every tx pays a fee, and that lookup would
    /// be a storage read per tx.
    async fn collect_fee(&mut self, payer: &Address, coins: &Coins) -> Result<(), SdkError> {
        let collector = Address::module(FEE_COLLECTOR);
        move_coins(self, payer, &collector, coins).await?;
        record_transfer(self, payer, &collector, coins).await
    }

    /// Creates coins in `to`'s balance and the supply.
    async fn mint(&mut self, to: &Address, coins: &Coins) -> Result<(), SdkError> {
        for coin in coins.iter() {
            credit(self, to, &coin).await?;
            let supply = self.supply_of(&coin.denom).await?;
            let supply = supply
                .checked_add(coin.amount)
                .ok_or_else(|| SdkError::InvalidCoins(format!("supply overflow minting {coin}")))?;
            self.put_amount(state_key::supply(&coin.denom), supply)?;
        }
        self.ensure_account(to).await?;
        let minter = self.format_address(to).await?;
        self.record(event::coinbase(&minter, &coins.to_string()));
        Ok(())
    }

    /// Destroys coins from `from`'s balance and the supply.
    async fn burn(&mut self, from: &Address, coins: &Coins) -> Result<(), SdkError> {
        for coin in coins.iter() {
            debit(self, from, &coin).await?;
            let supply = self.supply_of(&coin.denom).await?;
            let supply = supply.checked_sub(coin.amount).ok_or_else(|| {
                SdkError::Internal(format!("burning {coin} exceeds its supply {supply}"))
            })?;
            self.put_amount(state_key::supply(&coin.denom), supply)?;
        }
        let burner = self.format_address(from).await?;
        self.record(event::burn(&burner, &coins.to_string()));
        Ok(())
    }

    /// Creates virtual-staking tokens: a balance outside the supply (reported separately).
    async fn mint_virtual(&mut self, to: &Address, coin: &Coin) -> Result<(), SdkError> {
        credit(self, to, coin).await?;
        let minted = self.virtual_supply_of(&coin.denom).await?;
        let minted = minted.checked_add(coin.amount).ok_or_else(|| {
            SdkError::InvalidCoins(format!("virtual supply overflow minting {coin}"))
        })?;
        self.put_amount(state_key::virtual_supply(&coin.denom), minted)?;
        self.ensure_account(to).await.map(|_| ())
    }

    /// Destroys virtual-staking tokens held by `from`.
    async fn burn_virtual(&mut self, from: &Address, coin: &Coin) -> Result<(), SdkError> {
        debit(self, from, coin).await?;
        self.forget_virtual(coin).await
    }

    /// Takes `coin` out of the virtual supply without touching balances: for virtual tokens an
    /// ordinary burn already destroyed (a slash counted them in the supply) or left behind as
    /// rounding dust; in both cases the supply takes them over.
    async fn reclassify_virtual(&mut self, coin: &Coin) -> Result<(), SdkError> {
        self.forget_virtual(coin).await?;
        let supply = self.supply_of(&coin.denom).await?;
        let supply = supply
            .checked_add(coin.amount)
            .ok_or_else(|| SdkError::InvalidCoins(format!("supply overflow taking {coin}")))?;
        self.put_amount(state_key::supply(&coin.denom), supply)
    }

    async fn forget_virtual(&mut self, coin: &Coin) -> Result<(), SdkError> {
        let minted = self.virtual_supply_of(&coin.denom).await?;
        let remaining = minted.checked_sub(coin.amount).ok_or_else(|| {
            SdkError::Internal(format!(
                "removing {coin} exceeds the virtual supply {minted}"
            ))
        })?;
        self.put_amount(state_key::virtual_supply(&coin.denom), remaining)
    }

    fn put_denom_metadata(&mut self, metadata: &Metadata) -> Result<(), SdkError> {
        self.put_proto(state_key::metadata(&metadata.base), metadata)
    }
}

impl<T: StateWrite + ?Sized> BankWrite for T {}

async fn debit<S: StateWrite + ?Sized>(
    state: &mut S,
    from: &Address,
    coin: &Coin,
) -> Result<(), SdkError> {
    let balance = state.balance(from, &coin.denom).await?;
    let remaining = balance.checked_sub(coin.amount).ok_or_else(|| {
        SdkError::InsufficientFunds(format!(
            "spendable balance {balance}{} is smaller than {coin}",
            coin.denom
        ))
    })?;
    state.put_amount(state_key::balance(from, &coin.denom), remaining)
}

async fn credit<S: StateWrite + ?Sized>(
    state: &mut S,
    to: &Address,
    coin: &Coin,
) -> Result<(), SdkError> {
    let balance = state.balance(to, &coin.denom).await?;
    let total = balance
        .checked_add(coin.amount)
        .ok_or_else(|| SdkError::InvalidCoins(format!("balance overflow receiving {coin}")))?;
    state.put_amount(state_key::balance(to, &coin.denom), total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cnidarium::{StateDelta, TempStorage};
    use proptest::prelude::*;

    const DENOM: &str = "urmesh";

    fn address(index: u8) -> Address {
        Address([index; 20])
    }

    fn coins(amount: u128) -> Coins {
        let mut set = Coins::new();
        set.add(&Coin::new(amount, DENOM)).unwrap();
        set
    }

    async fn sum_of_balances<S: StateRead>(state: &S, holders: u8) -> u128 {
        let mut sum = 0;
        for index in 0..holders {
            sum += state.balance(&address(index), DENOM).await.unwrap();
        }
        sum
    }

    #[tokio::test]
    async fn a_send_larger_than_the_balance_fails_with_insufficient_funds() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        state.mint(&address(0), &coins(10)).await.unwrap();
        let err = state
            .send(&address(0), &address(1), &coins(11))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "spendable balance 10urmesh is smaller than 11urmesh: insufficient funds"
        );
    }

    #[tokio::test]
    async fn burning_reduces_balance_and_supply_together() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        state.mint(&address(0), &coins(100)).await.unwrap();
        state.burn(&address(0), &coins(40)).await.unwrap();
        assert_eq!(state.balance(&address(0), DENOM).await.unwrap(), 60);
        assert_eq!(state.supply_of(DENOM).await.unwrap(), 60);
        assert!(state.burn(&address(0), &coins(61)).await.is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn sends_never_create_or_destroy_coins(sends in prop::collection::vec((0u8..5, 0u8..5, 1u128..400), 1..40)) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let storage = TempStorage::new().await.unwrap();
                let mut state = StateDelta::new(storage.latest_snapshot());
                for index in 0..5 {
                    state.mint(&address(index), &coins(1_000)).await.unwrap();
                }
                for (from, to, amount) in sends {
                    let before = state.balance(&address(from), DENOM).await.unwrap();
                    let result = state.send(&address(from), &address(to), &coins(amount)).await;
                    prop_assert_eq!(result.is_ok(), before >= amount);
                    prop_assert_eq!(sum_of_balances(&state, 5).await, 5_000);
                }
                prop_assert_eq!(state.supply_of(DENOM).await.unwrap(), 5_000);
                Ok(())
            })?;
        }
    }
}
