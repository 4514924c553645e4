//! The vault (provider role of mesh security): users bond collateral in the bond denom, and lien
//! holders ("local" staking, "external/<consumer>" staking) take liens on it, each with the share
//! they may slash. The collateral always covers both the largest lien and the sum of slashable
//! promises, so the same tokens can back several chains. A slash burns collateral, and any lien
//! the smaller collateral can no longer back is cut and queued for its holder (`take_cuts`).
//! Local staking (`local`) delegates collateral to this chain's validators from a per-owner
//! proxy under the "local" lien; `VaultHooks` mirror native slashes and `Vault::end_block`
//! brings matured unbondings back.

mod component;
mod error;
mod event;
mod genesis;
mod hooks;
mod liens;
mod local;
mod msg;
mod msg_bond;
mod msg_stake_local;
mod msg_unbond;
mod msg_unstake_local;
mod msg_withdraw_local_rewards;
mod query;
mod state_key;
mod view;

#[cfg(test)]
mod local_tests;

pub use component::Vault;
pub use error::VaultError;
pub use genesis::{GenesisAccount, GenesisLien, GenesisState};
pub use hooks::VaultHooks;
pub use liens::{Collateral, ExactAmount, Lien, SlashOutcome};
pub use local::{local_proxy, LocalRead, LocalUnbonding, LOCAL_HOLDER};
pub use msg_bond::BondHandler;
pub use msg_stake_local::StakeLocalHandler;
pub use msg_unbond::UnbondHandler;
pub use msg_unstake_local::UnstakeLocalHandler;
pub use msg_withdraw_local_rewards::WithdrawLocalRewardsHandler;
pub use query::VaultQuery;
pub use view::{VaultRead, VaultWrite};

/// The module account holding every user's collateral.
pub const VAULT_ACCOUNT: &str = "vault";
