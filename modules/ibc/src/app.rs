//! Small pieces every IBC application of the chain needs: refusing a channel step with a
//! reason, turning an app's ack bytes into an ibc-rs acknowledgement, and answering a received
//! packet.

use cnidarium::StateWrite;
use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::error::ChannelError;
use ibc::core::router::types::module::ModuleExtras;
use rmesh_core::SdkError;

use crate::store::TxStore;

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

/// What an application answers a received packet with: `receive` applies it for the channel's
/// `owner` on the tx's state and returns the ack. A channel without an owner, or a state a
/// callback still holds, gets `error_ack` too: an application's refusal travels in its ack,
/// never as a failed tx.
pub fn receive_packet<S: StateWrite>(
    store: &TxStore<'_, S>,
    owner: Result<String, ChannelError>,
    receive: impl FnOnce(&mut S, &str) -> Vec<u8>,
    error_ack: impl Fn(&str) -> Vec<u8>,
) -> (ModuleExtras, Option<Acknowledgement>) {
    let ack = match owner {
        Ok(owner) => store
            .write(|state| Ok(receive(state, &owner)))
            .unwrap_or_else(|err| error_ack(&err.to_string())),
        Err(err) => error_ack(&err.to_string()),
    };
    (ModuleExtras::empty(), Some(acknowledgement(ack)))
}
