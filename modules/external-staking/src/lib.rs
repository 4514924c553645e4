//! External staking: the provider's end of one mesh-security channel per consumer chain. Each
//! consumer is configured with the one (connection, counterparty port) its channel is accepted
//! from; the consumer opens the channel (we answer OpenTry), then reports its validator set
//! (`valset_update`), which we keep as a history by consumer height, and pays rewards per
//! validator (`distribute`, `distribute_batch`). Owners stake vault collateral on consumer
//! validators in two-phase transactions (committed by the consumer's ack, rolled back by an
//! error ack or timeout), unbond for the consumer's unbonding period, withdraw rewards by
//! `transfer_rewards`, and are slashed for the consumer's reported slashes through the vault.

mod component;
mod consumer;
mod error;
mod event;
mod genesis;
mod history;
mod ibc_app;
mod msg;
mod msg_stake_remote;
mod msg_unstake;
mod msg_withdraw_rewards;
mod msg_withdraw_unbonded;
mod pending;
mod query;
mod receive;
mod slash;
mod stakes;
mod state_key;
mod view;

pub use component::ExternalStaking;
pub use consumer::{Consumer, DEFAULT_PACKET_TIMEOUT_SECONDS, DEFAULT_UNBONDING_SECONDS};
pub use error::ExternalStakingError;
pub use genesis::GenesisState;
pub use history::{ValidatorRecord, ValidatorStatus};
pub use ibc_app::{ExternalStakingModule, PORT};
pub use msg_stake_remote::StakeRemoteHandler;
pub use msg_unstake::UnstakeHandler;
pub use msg_withdraw_rewards::WithdrawRewardsHandler;
pub use msg_withdraw_unbonded::WithdrawUnbondedHandler;
pub use pending::{PendingKind, PendingTx};
pub use query::ExternalStakingQuery;
/// Exposed for the consumer's tests, which keep a provider's books by the provider's own rule
/// for a reported slash.
pub use slash::stake_cuts;
pub use stakes::{StakeRecord, Unbonding, ValidatorPool};
pub use view::{ExternalStakingRead, ExternalStakingWrite};
