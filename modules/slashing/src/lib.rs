//! Liveness and double-sign enforcement: downtime from each block's last commit, duplicate votes
//! from CometBFT's misbehavior reports, jailing, tombstoning and `MsgUnjail`.

mod component;
mod error;
mod event;
mod genesis;
mod msg_unjail;
mod params;
mod query;
mod state_key;
mod view;

pub use component::Slashing;
pub use error::SlashingError;
pub use genesis::GenesisState;
pub use msg_unjail::UnjailHandler;
pub use params::Params;
pub use query::SlashingQuery;
pub use view::{SigningInfo, SlashingRead, SlashingWrite};
