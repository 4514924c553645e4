//! IBC core (ICS-02/03/04, ICS-07 Tendermint clients) and ICS-20 transfer on ibc-rs 0.57, over
//! the `ibc` substore, stored byte for byte as ibc-go stores it.

mod app;
mod component;
mod context;
mod error;
mod event;
mod host;
mod msg;
mod query;
mod router;
mod send;
mod state_key;
mod store;
mod transfer;

pub use app::{app_error, receive_packet, refuse};
pub use component::{connection_exists, GenesisState, Ibc};
pub use context::IbcContext;
pub use error::IbcError;
pub use host::{proof_specs, proof_specs_json, Host};
pub use msg::{IbcHandler, IbcMessage};
pub use query::IbcQuery;
pub use router::{AppModules, IbcApp, TransferOnly};
pub use send::send_packet;
/// The key an ICS-24 path is stored under. Exposed for tests, which seed a finished handshake
/// (client, connection and channel ends) by writing those paths instead of running one.
pub use state_key::ibc_path;
pub use store::{run, TxStore};
pub use transfer::{voucher_denom, TransferModule};
