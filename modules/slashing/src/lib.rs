//! Liveness and double-sign enforcement: downtime from each block's last commit, duplicate votes
//! from CometBFT's misbehavior reports, jailing, tombstoning and `MsgUnjail`.

pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod msg_unjail;
pub mod params;
pub mod query;
pub mod state_key;
pub mod view;

pub use component::Slashing;
pub use error::SlashingError;
pub use msg_unjail::UnjailHandler;
pub use params::Params;
pub use view::{SigningInfo, SlashingRead, SlashingWrite};
