//! Small pieces every IBC application of the chain needs: refusing a channel step with a
//! reason, and turning an app's ack bytes into an ibc-rs acknowledgement.

use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::error::ChannelError;
use rmesh_core::SdkError;

/// A channel step the application refuses, with the reason a relayer will see.
pub fn refuse(description: impl Into<String>) -> ChannelError {
    ChannelError::AppSpecific {
        description: description.into(),
    }
}

/// A module error while handling a channel step.
pub fn app_error(err: SdkError) -> ChannelError {
    refuse(err.to_string())
}

/// The acknowledgement carrying `bytes` (ibc-rs refuses empty ones; apps never write those).
pub fn acknowledgement(bytes: Vec<u8>) -> Acknowledgement {
    Acknowledgement::try_from(bytes)
        .unwrap_or_else(|_| Acknowledgement::try_from(b"{}".to_vec()).expect("non-empty"))
}
