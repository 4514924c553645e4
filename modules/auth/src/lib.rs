//! Accounts: numbers, sequences, public keys, and the signature checks of the ante handler.

pub mod component;
pub mod error;
pub mod genesis;
pub mod params;
pub mod pubkey;
pub mod query;
pub mod signature;
pub mod state_key;
pub mod verified;
pub mod view;

pub use component::Auth;
pub use error::AuthError;
pub use genesis::GenesisState;
pub use params::Params;
pub use pubkey::PublicKey;
pub use signature::{verify_signer, SignatureMode, SignerInput};
pub use verified::{VerifiedSignatures, VerifiedSignaturesWriteExt};
pub use view::{AccountRead, AccountWrite};
