//! The app's modules, declared once. Genesis (the `app_state` sections and `init_chain`'s order),
//! the block phases and the message router are generated from or checked against this list;
//! `RmeshApp` is the one type that carries the app's wiring to every module.

use cnidarium::{StateDelta, StateWrite};
use rmesh_core::{BlockHeader, Component, ModuleAccount, SdkError};
use rmesh_staking::StakingWrite;
use tendermint::abci::Event;

use crate::hooks::AppHooks;
use crate::ibc::AppIbcModules;

/// The `A` of every module's `Component<A>`: the staking subscribers and IBC applications
/// modules reach through it.
pub struct RmeshApp;

impl rmesh_staking::StakingApp for RmeshApp {
    type Hooks = AppHooks;
}

impl rmesh_ibc::IbcApp for RmeshApp {
    type IbcModules = AppIbcModules;
}

impl rmesh_gov::GovApp for RmeshApp {
    type Router = crate::tx::router::AppRouter;
}

impl rmesh_upgrade::UpgradeApp for RmeshApp {
    const MODULES: &'static [&'static str] = MODULES;
}

/// Expands the module list. `modules` is in genesis order (a module's genesis may read what an
/// earlier one wrote); each block phase then names, in its order, the modules that work in it.
/// A phase can only name a declared module: the names are resolved through `declared`.
macro_rules! app_modules {
    (
        modules: [$($name:ident: $module:ty),* $(,)?],
        begin_block: [$($begin:ident),* $(,)?],
        end_block: [$($end:ident),* $(,)?],
        after_validator_set: [$($after:ident),* $(,)?] $(,)?
    ) => {
        /// Each declared module under its name, so the phases below name only declared modules.
        #[allow(non_camel_case_types)]
        mod declared {
            $(pub type $name = $module;)*
        }

        /// The name of every module of the app, in genesis order.
        pub const MODULES: &[&str] = &[$(stringify!($name)),*];

        /// Every module account the declared modules keep funds in, by name.
        pub fn module_accounts() -> Vec<ModuleAccount> {
            let mut accounts =
                [$(<declared::$name as Component<RmeshApp>>::MODULE_ACCOUNTS),*].concat();
            accounts.sort_by_key(|account| account.name);
            accounts
        }

        /// Genesis `app_state`: one section per module, under the module's name.
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct AppState {
            $(
                #[serde(default)]
                pub $name: <declared::$name as Component<RmeshApp>>::Genesis,
            )*
        }

        /// Writes every module's genesis in list order; the first invalid section aborts.
        pub async fn init_chain<S: StateWrite>(
            state: &mut S,
            app_state: AppState,
        ) -> Result<(), SdkError> {
            $(<declared::$name as Component<RmeshApp>>::init_chain(state, app_state.$name).await?;)*
            Ok(())
        }

        /// Every module's begin block, in the phase's order; returns their events.
        pub async fn begin_block<S: StateWrite>(
            state: &mut S,
            header: &BlockHeader<'_>,
        ) -> Result<Vec<Event>, SdkError> {
            let mut stage = StateDelta::new(&mut *state);
            $(<declared::$begin as Component<RmeshApp>>::begin_block(&mut stage, header).await?;)*
            Ok(stage.apply().1)
        }

        /// Every module's end block, then every after-validator-set step, each in its phase's
        /// order. Returns the block's validator set changes (staking leaves them at its end
        /// block) and the events.
        pub async fn end_block<S: StateWrite>(
            state: &mut S,
            header: &BlockHeader<'_>,
        ) -> Result<(Vec<rmesh_staking::PowerUpdate>, Vec<Event>), SdkError> {
            let mut stage = StateDelta::new(&mut *state);
            $(<declared::$end as Component<RmeshApp>>::end_block(&mut stage, header).await?;)*
            $(
                <declared::$after as Component<RmeshApp>>::after_validator_set(&mut stage, header)
                    .await?;
            )*
            let updates = stage.take_power_updates();
            Ok((updates, stage.apply().1))
        }

        /// Each module's name with its component's genesis key, for the test that they agree.
        #[cfg(test)]
        fn genesis_keys() -> Vec<(&'static str, &'static str)> {
            vec![$((stringify!($name), <declared::$name as Component<RmeshApp>>::GENESIS_KEY)),*]
        }
    };
}

app_modules! {
    modules: [
        auth: rmesh_auth::Auth,
        bank: rmesh_bank::Bank,
        staking: rmesh_staking::Staking,
        slashing: rmesh_slashing::Slashing,
        distribution: rmesh_distribution::Distribution,
        virtual_staking: rmesh_virtual_staking::VirtualStaking,
        converter: rmesh_converter::Converter,
        ibc: rmesh_ibc::Ibc,
        vault: rmesh_vault::Vault,
        external_staking: rmesh_external_staking::ExternalStaking,
        gov: rmesh_gov::Gov,
        upgrade: rmesh_upgrade::Upgrade,
    ],
    // Our consensus state for IBC, the last commit's rewards, then liveness and evidence (whose
    // slashes distribution's hooks settle against the rewards just allocated), then the block's
    // historical info (as the SDK, after slashing: jailing changes the set only at end block).
    begin_block: [ibc, distribution, slashing, staking],
    // Proposals first (as the SDK's gov end blocker runs before staking's), so what a passed
    // proposal changes takes effect in this block; the converter's epoch moves virtual stake
    // before staking computes the set from it.
    end_block: [gov, converter, staking],
    // The providers' validator news; the vault collects the unbondings staking just paid, and
    // external staking burns what the vault cut.
    after_validator_set: [converter, vault, external_staking],
}

/// Whether `name` is a declared module; const so the router's check costs nothing per message.
pub const fn is_declared(name: &str) -> bool {
    let mut i = 0;
    while i < MODULES.len() {
        if str_eq(MODULES[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_is_named_by_its_genesis_key() {
        for (name, key) in genesis_keys() {
            assert_eq!(
                name, key,
                "the app_state section must be the module's genesis key"
            );
        }
    }

    #[test]
    fn only_declared_names_are_declared_modules() {
        assert!(MODULES.iter().all(|name| is_declared(name)));
        assert!(!is_declared("mint"));
        assert!(!is_declared("bank "));
        assert!(!is_declared(""));
    }
}
