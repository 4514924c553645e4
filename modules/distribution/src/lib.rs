//! Rewards: each block's fees plus a fixed mint go to the validators of the last commit by
//! power; commission to operators, the rest to delegators by F1 periods (exact across
//! delegation changes and slashes), a tax to the community pool.

mod component;
mod error;
mod f1;
mod genesis;
mod hooks;
mod msg_set_withdraw_address;
mod msg_withdraw_commission;
mod msg_withdraw_rewards;
mod params;
mod query;
mod state_key;
mod view;

pub use component::Distribution;
pub use error::DistributionError;
pub use genesis::GenesisState;
pub use hooks::DistributionHooks;
pub use msg_set_withdraw_address::SetWithdrawAddressHandler;
pub use msg_withdraw_commission::WithdrawCommissionHandler;
pub use msg_withdraw_rewards::WithdrawRewardsHandler;
pub use params::Params;
pub use query::DistributionQuery;
pub use view::{
    CurrentRewards, DistributionRead, DistributionWrite, HistoricalRewards, StartingInfo,
};

/// The module account holding undistributed rewards, commission and the community pool.
pub const DISTRIBUTION_ACCOUNT: &str = "distribution";
