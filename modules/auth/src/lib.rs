//! Accounts: numbers, sequences, public keys, and the signature checks of the ante handler.

mod component;
mod error;
mod genesis;
mod params;
mod pubkey;
mod query;
mod signature;
mod state_key;
mod verified;
mod view;

pub use component::Auth;
pub use error::AuthError;
pub use genesis::{GenesisAccount, GenesisState};
pub use params::Params;
pub use pubkey::PublicKey;
pub use query::AuthQuery;
pub use signature::{verify_signer, SignatureMode, SignerInput};
pub use verified::{VerifiedSignatures, VerifiedSignaturesWriteExt};
pub use view::{AccountRead, AccountWrite};
