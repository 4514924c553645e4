//! Rewards: each block's fees plus a fixed mint go to the validators of the last commit by
//! power; commission to operators, the rest to delegators by F1 periods (exact across
//! delegation changes and slashes), a tax to the community pool.

pub mod component;
pub mod error;
pub mod f1;
pub mod genesis;
pub mod hooks;
pub mod msg_set_withdraw_address;
pub mod msg_withdraw_commission;
pub mod msg_withdraw_rewards;
pub mod params;
pub mod query;
pub mod state_key;
pub mod view;

pub use component::Distribution;
pub use error::DistributionError;
pub use hooks::DistributionHooks;
pub use msg_set_withdraw_address::SetWithdrawAddressHandler;
pub use msg_withdraw_commission::WithdrawCommissionHandler;
pub use msg_withdraw_rewards::WithdrawRewardsHandler;
pub use params::Params;

/// The module account holding undistributed rewards, commission and the community pool.
pub const DISTRIBUTION_ACCOUNT: &str = "distribution";
