//! Typed access to accounts. Other modules use these traits, never the keys.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use rmesh_core::address::operator_prefix;
use rmesh_core::{Address, SdkError, StoreRead, StoreWrite};

use crate::{params::Params, state_key};

pub const DEFAULT_BECH32_PREFIX: &str = "rmesh";

#[async_trait]
pub trait AccountRead: StateRead {
    async fn account(&self, address: &Address) -> Result<Option<BaseAccount>, SdkError> {
        self.get_proto(&state_key::account(address)).await
    }

    /// Every account, in address order.
    async fn all_accounts(&self) -> Result<Vec<BaseAccount>, SdkError> {
        self.prefix_protos(state_key::ACCOUNTS_PREFIX).await
    }

    async fn auth_params(&self) -> Result<Params, SdkError> {
        if let Some(params) = self.object_get::<Params>(state_key::PARAMS_CACHE) {
            return Ok(params);
        }
        Ok(self.get_json(state_key::PARAMS).await?.unwrap_or_default())
    }

    /// The chain's bech32 account prefix. A chain constant, so reading it is not metered.
    async fn bech32_prefix(&self) -> Result<String, SdkError> {
        if let Some(prefix) = self.object_get::<String>(state_key::BECH32_PREFIX_CACHE) {
            return Ok(prefix);
        }
        let raw = self.get_raw(state_key::BECH32_PREFIX).await?;
        Ok(raw
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_else(|| DEFAULT_BECH32_PREFIX.to_string()))
    }

    async fn parse_address(&self, text: &str) -> Result<Address, SdkError> {
        Address::from_bech32(text, &self.bech32_prefix().await?)
    }

    async fn format_address(&self, address: &Address) -> Result<String, SdkError> {
        Ok(address.to_bech32(&self.bech32_prefix().await?))
    }

    /// Parses a validator's operator address (`<prefix>valoper1...`).
    async fn parse_operator(&self, text: &str) -> Result<Address, SdkError> {
        Address::from_bech32(text, &operator_prefix(&self.bech32_prefix().await?))
    }

    async fn format_operator(&self, operator: &Address) -> Result<String, SdkError> {
        Ok(operator.to_bech32(&operator_prefix(&self.bech32_prefix().await?)))
    }
}

impl<T: StateRead + ?Sized> AccountRead for T {}

#[async_trait]
pub trait AccountWrite: StateWrite {
    fn put_account(&mut self, address: &Address, account: &BaseAccount) -> Result<(), SdkError> {
        self.put_proto(state_key::account(address), account)
    }

    /// The account at `address`, created with the next account number if it does not exist yet
    /// (receiving funds creates an account, as in the SDK).
    async fn ensure_account(&mut self, address: &Address) -> Result<BaseAccount, SdkError> {
        if let Some(account) = self.account(address).await? {
            return Ok(account);
        }
        let number = self.get_amount(state_key::NEXT_ACCOUNT_NUMBER).await?;
        self.put_amount(state_key::NEXT_ACCOUNT_NUMBER.to_string(), number + 1)?;
        let account = BaseAccount {
            address: self.format_address(address).await?,
            pub_key: None,
            account_number: u64::try_from(number)
                .map_err(|_| SdkError::Internal("account numbers exhausted".into()))?,
            sequence: 0,
        };
        self.put_account(address, &account)?;
        Ok(account)
    }

    /// Keeps the prefix and params in the state's memory for the block (or mempool overlay)
    /// about to run: they are read for nearly every address and every tx.
    async fn cache_chain_constants(&mut self) -> Result<(), SdkError> {
        let (prefix, params) = (self.bech32_prefix().await?, self.auth_params().await?);
        self.object_put(state_key::BECH32_PREFIX_CACHE, prefix);
        self.object_put(state_key::PARAMS_CACHE, params);
        Ok(())
    }

    fn put_auth_params(&mut self, params: &Params) -> Result<(), SdkError> {
        self.put_json(state_key::PARAMS.to_string(), params)
    }

    fn put_bech32_prefix(&mut self, prefix: &str) -> Result<(), SdkError> {
        rmesh_core::address::validate_prefix(prefix)?;
        self.put_bytes(
            state_key::BECH32_PREFIX.to_string(),
            prefix.as_bytes().to_vec(),
        )
    }

    /// Account numbers for accounts written at genesis must not be reused later.
    async fn reserve_account_numbers_below(&mut self, next: u64) -> Result<(), SdkError> {
        let current = self.get_amount(state_key::NEXT_ACCOUNT_NUMBER).await?;
        let next = u128::from(next).max(current);
        self.put_amount(state_key::NEXT_ACCOUNT_NUMBER.to_string(), next)
    }
}

impl<T: StateWrite + ?Sized> AccountWrite for T {}
