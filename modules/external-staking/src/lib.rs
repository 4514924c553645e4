//! External staking: the provider's end of one mesh-security channel per consumer chain. Each
//! consumer is configured with the one (connection, counterparty port) its channel is accepted
//! from; the consumer opens the channel (we answer OpenTry), then reports its validator set
//! (`valset_update`), which we keep as a history by consumer height, and pays rewards per
//! validator (`distribute`, `distribute_batch`). Owners stake vault collateral on consumer
//! validators in two-phase transactions (committed by the consumer's ack, rolled back by an
//! error ack or timeout), unbond for the consumer's unbonding period, withdraw rewards by
//! `transfer_rewards`, and are slashed for the consumer's reported slashes through the vault.

pub mod component;
pub mod consumer;
pub mod error;
pub mod event;
pub mod genesis;
pub mod history;
pub mod ibc_app;
pub mod msg;
pub mod msg_stake_remote;
pub mod msg_unstake;
pub mod msg_withdraw_rewards;
pub mod msg_withdraw_unbonded;
pub mod pending;
pub mod query;
pub mod receive;
pub mod slash;
pub mod stakes;
pub mod state_key;
pub mod view;

pub use component::ExternalStaking;
pub use consumer::Consumer;
pub use error::ExternalStakingError;
pub use history::{ValidatorRecord, ValidatorStatus};
pub use msg_stake_remote::StakeRemoteHandler;
pub use msg_unstake::UnstakeHandler;
pub use msg_withdraw_rewards::WithdrawRewardsHandler;
pub use msg_withdraw_unbonded::WithdrawUnbondedHandler;
pub use view::{ExternalStakingRead, ExternalStakingWrite};
