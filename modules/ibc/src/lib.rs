//! IBC core (ICS-02/03/04, ICS-07 Tendermint clients) and ICS-20 transfer on ibc-rs 0.57, over
//! the `ibc` substore, stored byte for byte as ibc-go stores it.

pub mod app;
pub mod component;
pub mod context;
pub mod error;
pub mod event;
pub mod host;
pub mod msg;
pub mod query;
pub mod router;
pub mod send;
pub mod state_key;
pub mod store;
pub mod transfer;

pub use component::{connection_exists, Ibc};
pub use context::IbcContext;
pub use error::IbcError;
pub use host::Host;
pub use msg::{IbcHandler, IbcMessage};
pub use router::{AppModules, IbcApp, TransferOnly};
pub use send::send_packet;
