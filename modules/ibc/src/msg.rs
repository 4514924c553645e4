//! IBC messages arrive in ordinary txs signed by a relayer (or, for `MsgTransfer`, by the
//! sender). One handler type serves them all: it checks the signer and hands the message to
//! ibc-rs, synchronously, on the tx's state.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use ibc::apps::transfer::handler::send_transfer;
use ibc::apps::transfer::types::msgs::transfer::MsgTransfer as DomainMsgTransfer;
use ibc::core::entrypoint::dispatch;
use ibc::core::handler::types::msgs::MsgEnvelope;
use ibc::primitives::proto::Any;
use ibc_proto::ibc::applications::transfer::v1::{MsgTransfer, MsgTransferResponse};
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1 as client;
use ibc_proto::ibc::core::connection::v1 as connection;
use prost::{Message, Name};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError, StoreRead};

use crate::context::IbcContext;
use crate::error::IbcError;
use crate::host::Host;
use crate::router::{AppModules, PortRouter};
use crate::state_key;
use crate::store::TxStore;
use crate::transfer::TransferModule;

/// A protobuf IBC message: its signer field and the `message.module` it belongs to.
pub trait IbcMessage: Message + Name + Default + Clone + Send + Sync + 'static {
    type Response: Message + Name + Default + Send;
    const MODULE: &'static str;
    fn signer(&self) -> &str;
}

macro_rules! ibc_messages {
    ($($module:literal: $message:ty => $response:ty, $signer:ident;)*) => {$(
        impl IbcMessage for $message {
            type Response = $response;
            const MODULE: &'static str = $module;
            fn signer(&self) -> &str {
                &self.$signer
            }
        }
    )*};
}

ibc_messages! {
    "ibc_client": client::MsgCreateClient => client::MsgCreateClientResponse, signer;
    "ibc_client": client::MsgUpdateClient => client::MsgUpdateClientResponse, signer;
    "ibc_client": client::MsgUpgradeClient => client::MsgUpgradeClientResponse, signer;
    "ibc_client": client::MsgSubmitMisbehaviour => client::MsgSubmitMisbehaviourResponse, signer;
    "ibc_connection": connection::MsgConnectionOpenInit => connection::MsgConnectionOpenInitResponse, signer;
    "ibc_connection": connection::MsgConnectionOpenTry => connection::MsgConnectionOpenTryResponse, signer;
    "ibc_connection": connection::MsgConnectionOpenAck => connection::MsgConnectionOpenAckResponse, signer;
    "ibc_connection": connection::MsgConnectionOpenConfirm => connection::MsgConnectionOpenConfirmResponse, signer;
    "ibc_channel": channel::MsgChannelOpenInit => channel::MsgChannelOpenInitResponse, signer;
    "ibc_channel": channel::MsgChannelOpenTry => channel::MsgChannelOpenTryResponse, signer;
    "ibc_channel": channel::MsgChannelOpenAck => channel::MsgChannelOpenAckResponse, signer;
    "ibc_channel": channel::MsgChannelOpenConfirm => channel::MsgChannelOpenConfirmResponse, signer;
    "ibc_channel": channel::MsgChannelCloseInit => channel::MsgChannelCloseInitResponse, signer;
    "ibc_channel": channel::MsgChannelCloseConfirm => channel::MsgChannelCloseConfirmResponse, signer;
    "ibc_channel": channel::MsgRecvPacket => channel::MsgRecvPacketResponse, signer;
    "ibc_channel": channel::MsgAcknowledgement => channel::MsgAcknowledgementResponse, signer;
    "ibc_channel": channel::MsgTimeout => channel::MsgTimeoutResponse, signer;
    "ibc_channel": channel::MsgTimeoutOnClose => channel::MsgTimeoutOnCloseResponse, signer;
    "transfer": MsgTransfer => MsgTransferResponse, sender;
}

/// Serves IBC message `M` with ICS-20 and the chain's applications `A`.
pub struct IbcHandler<M, A>(PhantomData<(M, A)>);

#[async_trait]
impl<M: IbcMessage, A: AppModules> MsgHandler for IbcHandler<M, A> {
    type Msg = M;
    type Response = M::Response;
    const MODULE: &'static str = M::MODULE;

    fn check_stateless(msg: &M) -> Result<(), SdkError> {
        if msg.signer().is_empty() {
            return Err(IbcError::Decode("the signer is missing".into()).into());
        }
        Ok(())
    }

    async fn signers<S: StateRead>(state: &S, msg: &M) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(msg.signer()).await?])
    }

    async fn execute<S: StateWrite>(state: &mut S, msg: &M) -> Result<M::Response, SdkError> {
        let mut any = Any {
            type_url: M::type_url(),
            value: msg.encode_to_vec(),
        };
        if any.type_url == MsgTransfer::type_url() {
            any = with_full_trace(state, any).await?;
        }
        deliver::<S, A>(state, Host::of_block(state).await?, any)?;
        Ok(M::Response::default())
    }
}

/// ibc-rs reads `ibc/<hash>` as a native denom; a voucher is sent back under its full trace.
async fn with_full_trace<S: StateRead>(state: &S, any: Any) -> Result<Any, SdkError> {
    let mut msg =
        MsgTransfer::decode(any.value.as_slice()).map_err(|e| IbcError::Decode(e.to_string()))?;
    if let Some(token) = msg.token.as_mut() {
        if let Some(hash) = token.denom.strip_prefix("ibc/") {
            let trace = state
                .get_bytes(&state_key::denom_trace(&hash.to_uppercase()))
                .await?
                .ok_or_else(|| IbcError::UnknownDenom(token.denom.clone()))?;
            token.denom = String::from_utf8_lossy(&trace).into_owned();
        }
    }
    Ok(Any {
        type_url: any.type_url,
        value: msg.encode_to_vec(),
    })
}

/// Runs one IBC message through ibc-rs (validate, then execute) on `state`.
fn deliver<S: StateWrite, A: AppModules>(
    state: &mut S,
    host: Host,
    any: Any,
) -> Result<(), SdkError> {
    let store = TxStore::new(state);
    if any.type_url == MsgTransfer::type_url() {
        let msg = DomainMsgTransfer::try_from(any).map_err(|e| IbcError::Decode(e.to_string()))?;
        let mut transfer = TransferModule::new(store.clone(), host.account_prefix.clone());
        let mut context = IbcContext::new(store, host);
        send_transfer(&mut context, &mut transfer, msg)
            .map_err(|e| IbcError::Transfer(e.to_string()).into())
    } else {
        let envelope = MsgEnvelope::try_from(any).map_err(|e| IbcError::Decode(e.to_string()))?;
        let mut router = PortRouter::new::<S, A>(&store, &host);
        let mut context = IbcContext::new(store.clone(), host);
        dispatch(&mut context, &mut router, envelope)
            .map_err(|e| IbcError::Handler(e.to_string()).into())
    }
}
