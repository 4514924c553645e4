//! Balances and supply: `MsgSend`, `MsgMultiSend`, and the SDK's bank queries.

pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod msg_multi_send;
pub mod msg_send;
pub mod query;
pub mod state_key;
pub mod view;

pub use component::Bank;
pub use error::BankError;
pub use genesis::GenesisState;
pub use msg_multi_send::MultiSendHandler;
pub use msg_send::SendHandler;
pub use view::{BankRead, BankWrite};

/// Fees are paid to this module account, as in the SDK.
pub const FEE_COLLECTOR: &str = "fee_collector";
