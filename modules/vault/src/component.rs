//! Lifecycle of the vault: genesis, and at the end of each block the local-staking upkeep.

use std::collections::BTreeSet;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::component::BURNER;
use rmesh_core::{BlockHeader, Component, ModuleAccount, SdkError};
use rmesh_staking::{StakingApp, StakingHooks};

use crate::error::VaultError;
use crate::genesis::{GenesisAccount, GenesisLien, GenesisState};
use crate::liens::Collateral;
use crate::local::{complete_local_unbondings, settle_local_cuts};
use crate::view::{VaultRead, VaultWrite};

pub struct Vault;

#[async_trait]
impl<A: StakingApp> Component<A> for Vault {
    const GENESIS_KEY: &'static str = "vault";
    /// Burner: slashed collateral is burned from here.
    const MODULE_ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount {
        name: crate::VAULT_ACCOUNT,
        permissions: &[BURNER],
    }];
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        let mut owners = BTreeSet::new();
        for entry in genesis.accounts {
            let invalid =
                |why: String| VaultError::InvalidGenesis(format!("{}: {why}", entry.owner));
            let owner = state
                .parse_address(&entry.owner)
                .await
                .map_err(|e| invalid(e.to_string()))?;
            if !owners.insert(owner) {
                return Err(invalid("listed twice".into()).into());
            }
            let mut account = Collateral {
                collateral: entry.collateral,
                ..Collateral::default()
            };
            // Adding the liens one by one checks holders, ratios and the invariant.
            for lien in &entry.liens {
                if account.liens.contains_key(&lien.holder) {
                    return Err(
                        invalid(format!("lien holder {:?} listed twice", lien.holder)).into(),
                    );
                }
                account
                    .add_lien(&lien.holder, lien.amount, lien.slashable)
                    .map_err(|e| invalid(e.to_string()))?;
            }
            state.put_vault_account(&owner, &account).await?;
        }
        Ok(())
    }

    /// Local-staking upkeep, after staking paid this block's matured unbondings.
    async fn after_validator_set<S: StateWrite>(
        state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Vault::end_block::<S, A::Hooks>(state).await
    }
}

impl Vault {
    /// End of block, after `Staking::end_block` (which pays matured unbondings to the proxies;
    /// run before it, sweeps wait a block). Cuts of the "local" lien first, so the sweep sees
    /// the lien and the claims agree; then matured local unbondings come back to the vault; then
    /// slash burns that waited for those tokens are paid.
    pub async fn end_block<S: StateWrite, H: StakingHooks>(state: &mut S) -> Result<(), SdkError> {
        settle_local_cuts::<S, H>(state).await?;
        complete_local_unbondings(state).await?;
        state.burn_owed().await?;
        Ok(())
    }

    /// The state as a genesis `init_chain` accepts back.
    pub async fn export_genesis<S: StateRead>(state: &S) -> Result<GenesisState, SdkError> {
        let mut accounts = Vec::new();
        for (owner, account) in state.all_vault_accounts().await? {
            accounts.push(GenesisAccount {
                owner: state.format_address(&owner).await?,
                collateral: account.collateral,
                liens: account
                    .liens
                    .into_iter()
                    .map(|(holder, lien)| GenesisLien {
                        holder,
                        amount: lien.amount,
                        slashable: lien.slashable,
                    })
                    .collect(),
            });
        }
        Ok(GenesisState { accounts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cnidarium::{StateDelta, TempStorage};
    use rmesh_core::{Address, Decimal};

    #[tokio::test]
    async fn an_empty_genesis_is_accepted_and_accounts_survive_export_and_import() {
        let genesis: GenesisState = serde_json::from_str("{}").unwrap();
        assert_eq!(genesis, GenesisState::default());

        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        <Vault as Component<rmesh_staking::NoHooks>>::init_chain(&mut state, genesis)
            .await
            .unwrap();
        let owner = state.format_address(&Address([3; 20])).await.unwrap();
        let text = format!(
            r#"{{"accounts":[{{"owner":"{owner}","collateral":"200","liens":[
                {{"holder":"local","amount":"190","slashable":"0.1"}},
                {{"holder":"external/osmo","amount":"100","slashable":"0.1"}}]}}]}}"#
        );
        let genesis: GenesisState = serde_json::from_str(&text).unwrap();
        <Vault as Component<rmesh_staking::NoHooks>>::init_chain(&mut state, genesis.clone())
            .await
            .unwrap();
        let exported = Vault::export_genesis(&state).await.unwrap();
        assert_eq!(exported.accounts.len(), 1);
        assert_eq!(exported.accounts[0].collateral, 200);
        assert_eq!(exported.accounts[0].liens.len(), 2);
        assert_eq!(
            state.vault_account(&Address([3; 20])).await.unwrap().free(),
            10
        );
    }

    #[tokio::test]
    async fn a_genesis_account_whose_liens_exceed_its_collateral_is_refused() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        let owner = state.format_address(&Address([3; 20])).await.unwrap();
        let genesis = GenesisState {
            accounts: vec![GenesisAccount {
                owner,
                collateral: 100,
                liens: vec![GenesisLien {
                    holder: "local".into(),
                    amount: 101,
                    slashable: Decimal::ZERO,
                }],
            }],
        };
        let err = <Vault as Component<rmesh_staking::NoHooks>>::init_chain(&mut state, genesis)
            .await
            .unwrap_err();
        assert!(
            err.to_string().starts_with("invalid vault genesis: "),
            "{err}"
        );
    }
}
