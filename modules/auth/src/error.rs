//! Errors of auth (codespace `auth`). The SDK's x/auth has no codespace of its own: every error
//! a tx's signer can cause (unknown account, wrong sequence, bad signature or key) is a root
//! error there, and stays one here. What remains is rmesh's own, numbered from 2.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("invalid auth genesis: account {address}: {reason}")]
    InvalidGenesisAccount { address: String, reason: String },
}

rmesh_core::module_error_codes!(AuthError in "auth" {
    InvalidGenesisAccount = 2,
});
