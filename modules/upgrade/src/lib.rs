//! Software upgrades (`cosmos.upgrade.v1beta1`): governance schedules a plan (a name and a
//! height); at that height every node either runs the store migration its binary carries for
//! the plan, once, or stops with the SDK's `UPGRADE "<name>" NEEDED at height: <h>` for the
//! operator (or Cosmovisor) to switch binaries. This module keeps the plan, the applied plans
//! and the modules' consensus versions; the node applies or halts (it owns the files and the
//! registered migrations).

mod component;
mod error;
mod event;
mod genesis;
mod msg_cancel_upgrade;
mod msg_software_upgrade;
mod query;
mod state_key;
mod view;

pub use component::Upgrade;
pub use error::UpgradeError;
pub use genesis::GenesisState;
pub use msg_cancel_upgrade::CancelUpgradeHandler;
pub use msg_software_upgrade::SoftwareUpgradeHandler;
pub use query::UpgradeQuery;
pub use view::{UpgradeRead, UpgradeWrite};

/// The SDK's message for a plan the running binary does not carry.
pub fn upgrade_needed(name: &str, height: i64, info: &str) -> String {
    format!("UPGRADE \"{name}\" NEEDED at height: {height}: {info}")
}

/// The SDK's message for a binary that carries a plan before the chain reached it.
pub fn binary_too_early(name: &str) -> String {
    format!("BINARY UPDATED BEFORE TRIGGER! UPGRADE \"{name}\" - in binary but not executed on chain. Downgrade your binary")
}

/// What the app tells the upgrade module: its modules, whose consensus versions it records.
pub trait UpgradeApp: Send + Sync + 'static {
    const MODULES: &'static [&'static str];
}

/// The authority of the upgrade messages: the gov module account.
pub(crate) async fn ensure_gov<S: cnidarium::StateRead>(
    state: &S,
    authority: &str,
) -> Result<(), rmesh_core::SdkError> {
    use rmesh_auth::AccountRead;
    let gov = rmesh_core::Address::module(rmesh_core::component::GOV_MODULE);
    if state.parse_address(authority).await? != gov {
        return Err(UpgradeError::InvalidAuthority {
            expected: state.format_address(&gov).await?,
            got: authority.to_string(),
        }
        .into());
    }
    Ok(())
}
