//! The shape of a message handler: stateless check, signers, then stateful check-and-execute.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};

use crate::{Address, SdkError};

#[async_trait]
pub trait MsgHandler {
    type Msg: prost::Message + prost::Name + Default + Send + Sync;
    /// Returned to the client inside the tx result's `TxMsgData`.
    type Response: prost::Message + prost::Name + Default + Send;
    /// The value of the `message.module` event attribute (relayers filter on it).
    const MODULE: &'static str;

    /// Checks that need no state: amounts, lengths, presence of fields.
    fn check_stateless(msg: &Self::Msg) -> Result<(), SdkError>;

    /// The accounts that must sign this message, in order.
    async fn signers<S: StateRead>(state: &S, msg: &Self::Msg) -> Result<Vec<Address>, SdkError>;

    /// Checks the message against state and applies it. Runs in a discardable overlay: an error
    /// leaves nothing behind.
    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &Self::Msg,
    ) -> Result<Self::Response, SdkError>;
}
