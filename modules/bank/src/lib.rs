//! Balances and supply: `MsgSend`, `MsgMultiSend`, and the SDK's bank queries.

mod component;
mod error;
mod event;
mod genesis;
mod msg_multi_send;
mod msg_send;
mod query;
mod state_key;
mod view;

pub use component::Bank;
pub use error::BankError;
pub use genesis::{Balance, GenesisState};
pub use msg_multi_send::MultiSendHandler;
pub use msg_send::SendHandler;
pub use query::BankQuery;
pub use view::{BankRead, BankWrite};

/// Fees are paid to this module account, as in the SDK.
pub const FEE_COLLECTOR: &str = "fee_collector";
