use std::collections::BTreeSet;

use async_trait::async_trait;
use cnidarium::StateWrite;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{DenomUnit, Metadata};
use rmesh_auth::{AccountRead, AccountWrite};
use rmesh_core::{Address, Coins, Component, ModuleAccount, SdkError};

use crate::error::BankError;
use crate::genesis::GenesisState;
use crate::view::BankWrite;
use crate::FEE_COLLECTOR;

pub struct Bank;

#[async_trait]
impl<A> Component<A> for Bank {
    const GENESIS_KEY: &'static str = "bank";
    const MODULE_ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount {
        name: crate::FEE_COLLECTOR,
        permissions: &[],
    }];
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        let mut holders = BTreeSet::new();
        let mut total = Coins::new();
        for balance in &genesis.balances {
            let address = state.parse_address(&balance.address).await?;
            if !holders.insert(address) {
                return Err(BankError::InvalidGenesis(format!(
                    "the balance of {} is listed twice",
                    balance.address
                ))
                .into());
            }
            let coins = Coins::validated_list(&balance.coins)?;
            for coin in coins.iter() {
                total.add(&coin)?;
            }
            state.ensure_account(&address).await?;
            state.mint(&address, &coins).await?;
        }
        if !genesis.supply.is_empty() && Coins::validated_list(&genesis.supply)? != total {
            return Err(BankError::InvalidGenesis(format!(
                "the supply does not match the sum of balances {total}"
            ))
            .into());
        }
        state
            .ensure_account(&Address::module(FEE_COLLECTOR))
            .await?;
        for metadata in &genesis.denom_metadata {
            state.put_denom_metadata(&metadata_from_json(metadata)?)?;
        }
        Ok(())
    }
}

fn metadata_from_json(value: &serde_json::Value) -> Result<Metadata, SdkError> {
    let text = |field: &str| {
        value
            .get(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let base = text("base");
    rmesh_core::coin::validate_denom(&base)?;
    let units = value
        .get("denom_units")
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    let denom_units = units
        .iter()
        .map(|unit| DenomUnit {
            denom: unit
                .get("denom")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
            exponent: unit.get("exponent").and_then(|v| v.as_u64()).unwrap_or(0) as u32,
            aliases: vec![],
        })
        .collect();
    Ok(Metadata {
        description: text("description"),
        denom_units,
        base,
        display: text("display"),
        name: text("name"),
        symbol: text("symbol"),
        uri: text("uri"),
        uri_hash: text("uri_hash"),
    })
}
