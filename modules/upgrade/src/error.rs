//! Errors of the upgrade module (codespace `upgrade`, the SDK's codes). As in the SDK, a bad
//! plan is the root `InvalidRequest` (code 18).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpgradeError {
    #[error(
        "expected {expected}, got {got}: expected gov account as only signer for proposal message"
    )]
    InvalidAuthority { expected: String, got: String },
}

rmesh_core::module_error_codes!(UpgradeError in "upgrade" {
    InvalidAuthority = 1,
});

/// A plan the SDK would refuse, with its reason.
pub(crate) fn invalid_plan(why: impl Into<String>) -> rmesh_core::SdkError {
    rmesh_core::SdkError::InvalidRequest(why.into())
}
