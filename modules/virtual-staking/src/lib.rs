//! Virtual staking: synthetic stake minted for provider chains, delegated to our validators so it
//! counts in CometBFT voting power, limited by caps and a minimum local share, rebalanced at
//! every epoch (unbonds before bonds), rewarded and slashed like any delegation. Tokens it mints
//! stay out of the bank's total supply. The converter decides how much each provider asks for.

mod component;
mod error;
mod event;
mod genesis;
mod limits;
mod msg_update_params;
mod params;
mod query;
mod rebalance;
mod state_key;
mod view;

pub use component::VirtualStaking;
pub use error::VirtualStakingError;
pub use genesis::GenesisState;
pub use limits::ProviderRequest;
pub use msg_update_params::UpdateParamsHandler;
pub use params::Params;
pub use query::VirtualStakingQuery;
pub use view::{EpochState, VirtualStakingRead, VirtualStakingWrite};

use rmesh_core::Address;

/// The account that holds one provider's virtual delegations (and receives their rewards).
pub fn provider_delegator(provider: &str) -> Address {
    Address::module(&format!("virtual_staking/{provider}"))
}
