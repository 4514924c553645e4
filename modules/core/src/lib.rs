//! Shared vocabulary of rmesh modules: amounts, addresses, decimals, gas, events, typed storage
//! helpers, the block context and the component trait every module implements.

pub mod address;
pub mod bech32;
pub mod coin;
pub mod component;
pub mod context;
pub mod decimal;
pub mod error;
pub mod event;
pub mod gas;
pub mod msg;
pub mod query;
pub mod store;

pub use address::Address;
pub use coin::{Coin, Coins};
pub use component::{BlockHeader, Component, ModuleAccount};
pub use context::{BlockContext, BlockContextExt, BlockContextWriteExt};
pub use decimal::Decimal;
pub use error::{AbciCode, ModuleError, SdkError};
pub use event::EventBuilder;
pub use gas::{GasMeter, GasMeterExt, GasMeterWriteExt};
pub use msg::MsgHandler;
pub use store::{StoreRead, StoreWrite};
