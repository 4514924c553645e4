use std::collections::BTreeSet;

use async_trait::async_trait;
use cnidarium::StateWrite;
use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use rmesh_core::{Address, Component, SdkError};

use crate::error::AuthError;
use crate::genesis::{GenesisState, BASE_ACCOUNT_TYPE};
use crate::view::AccountWrite;

pub struct Auth;

#[async_trait]
impl<A> Component<A> for Auth {
    const GENESIS_KEY: &'static str = "auth";
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        state.put_bech32_prefix(&genesis.bech32_prefix)?;
        state.put_auth_params(&genesis.params)?;
        let mut numbers = BTreeSet::new();
        let mut addresses = BTreeSet::new();
        for entry in &genesis.accounts {
            let invalid = |reason: String| -> SdkError {
                AuthError::InvalidGenesisAccount {
                    address: entry.address.clone(),
                    reason,
                }
                .into()
            };
            if entry.type_url != BASE_ACCOUNT_TYPE {
                return Err(invalid(format!(
                    "unsupported account type {}",
                    entry.type_url
                )));
            }
            if entry.pub_key.is_some() {
                return Err(invalid("genesis accounts carry no public key".into()));
            }
            let address = Address::from_bech32(&entry.address, &genesis.bech32_prefix)?;
            if !addresses.insert(address) {
                return Err(invalid("duplicate account".into()));
            }
            if !numbers.insert(entry.account_number) {
                return Err(invalid(format!(
                    "duplicate account number {}",
                    entry.account_number
                )));
            }
            let account = BaseAccount {
                address: entry.address.clone(),
                pub_key: None,
                account_number: entry.account_number,
                sequence: entry.sequence,
            };
            state.put_account(&address, &account)?;
        }
        let next = numbers.last().map_or(0, |n| n + 1);
        state.reserve_account_numbers_below(next).await
    }
}
