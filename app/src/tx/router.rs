//! Routes each message of a tx to the module handler registered for its type URL.

use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_bank::{MultiSendHandler, SendHandler};
use rmesh_converter::{
    AddProviderHandler, CloseChannelHandler, RemoveProviderHandler, SetPriceHandler,
    UpdateProviderHandler,
};
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_distribution::{
    SetWithdrawAddressHandler, WithdrawCommissionHandler, WithdrawRewardsHandler,
};
use rmesh_slashing::UnjailHandler;
use rmesh_staking::{
    CancelUnbondingHandler, CreateValidatorHandler, DelegateHandler, EditValidatorHandler,
    RedelegateHandler, UndelegateHandler,
};

use ibc_proto::ibc::applications::transfer::v1 as transfer;
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1 as client;
use ibc_proto::ibc::core::connection::v1 as connection;
use rmesh_external_staking::{
    self as external, StakeRemoteHandler, UnstakeHandler, WithdrawUnbondedHandler,
};
use rmesh_ibc::IbcHandler;
use rmesh_vault::{
    BondHandler, StakeLocalHandler, UnbondHandler, UnstakeLocalHandler, WithdrawLocalRewardsHandler,
};
use rmesh_virtual_staking::UpdateParamsHandler;

use crate::hooks::AppHooks;
use crate::ibc::AppIbcModules;

/// A message that passed its stateless checks.
pub struct CheckedMsg {
    pub module: &'static str,
    pub signers: Vec<Address>,
}

/// The one list of message handlers: every dispatch, and the list of accepted type URLs, come
/// from it. IBC messages (relayed core messages and ICS-20 transfers) are all served by
/// `IbcHandler`.
macro_rules! message_handlers {
    ($callback:ident!($($args:tt)*)) => {
        $callback!($($args)* [
            SendHandler, MultiSendHandler,
            CreateValidatorHandler<AppHooks>, EditValidatorHandler<AppHooks>,
            DelegateHandler<AppHooks>, UndelegateHandler<AppHooks>, RedelegateHandler<AppHooks>,
            CancelUnbondingHandler<AppHooks>,
            UnjailHandler<AppHooks>,
            WithdrawRewardsHandler, WithdrawCommissionHandler, SetWithdrawAddressHandler,
            AddProviderHandler, UpdateProviderHandler, SetPriceHandler, RemoveProviderHandler,
            CloseChannelHandler,
            UpdateParamsHandler,
            BondHandler, UnbondHandler, StakeLocalHandler<AppHooks>, UnstakeLocalHandler<AppHooks>,
            WithdrawLocalRewardsHandler,
            StakeRemoteHandler, UnstakeHandler, WithdrawUnbondedHandler,
            external::WithdrawRewardsHandler,
            IbcHandler<client::MsgCreateClient, AppIbcModules>,
            IbcHandler<client::MsgUpdateClient, AppIbcModules>,
            IbcHandler<client::MsgUpgradeClient, AppIbcModules>,
            IbcHandler<client::MsgSubmitMisbehaviour, AppIbcModules>,
            IbcHandler<connection::MsgConnectionOpenInit, AppIbcModules>,
            IbcHandler<connection::MsgConnectionOpenTry, AppIbcModules>,
            IbcHandler<connection::MsgConnectionOpenAck, AppIbcModules>,
            IbcHandler<connection::MsgConnectionOpenConfirm, AppIbcModules>,
            IbcHandler<channel::MsgChannelOpenInit, AppIbcModules>,
            IbcHandler<channel::MsgChannelOpenTry, AppIbcModules>,
            IbcHandler<channel::MsgChannelOpenAck, AppIbcModules>,
            IbcHandler<channel::MsgChannelOpenConfirm, AppIbcModules>,
            IbcHandler<channel::MsgChannelCloseInit, AppIbcModules>,
            IbcHandler<channel::MsgChannelCloseConfirm, AppIbcModules>,
            IbcHandler<channel::MsgRecvPacket, AppIbcModules>,
            IbcHandler<channel::MsgAcknowledgement, AppIbcModules>,
            IbcHandler<channel::MsgTimeout, AppIbcModules>,
            IbcHandler<channel::MsgTimeoutOnClose, AppIbcModules>,
            IbcHandler<transfer::MsgTransfer, AppIbcModules>,
        ])
    };
}

/// Calls `$call::<Handler, _>($args)` for the handler of `$any`'s type URL.
macro_rules! dispatch_to {
    ($any:expr, $call:ident $args:tt [$($handler:ty),* $(,)?]) => {{
        let url = $any.type_url.as_str();
        $(if is_type_url::<<$handler as MsgHandler>::Msg>(url) {
            return $call::<$handler, _> $args .await;
        })*
        Err(SdkError::TxDecode(format!("unable to resolve type URL {url}")))
    }};
}

macro_rules! type_urls_of {
    ([$($handler:ty),* $(,)?]) => {
        vec![$(<$handler as MsgHandler>::Msg::type_url()),*]
    };
}

/// Whether `url` is `/package.Name` of `M`, without building the string.
fn is_type_url<M: Name>(url: &str) -> bool {
    url.strip_prefix('/')
        .and_then(|rest| rest.strip_prefix(M::PACKAGE))
        .and_then(|rest| rest.strip_prefix('.'))
        == Some(M::NAME)
}

/// The type URL of every message a tx may carry.
pub fn accepted_type_urls() -> Vec<String> {
    message_handlers!(type_urls_of!())
}

fn decode<H: MsgHandler>(any: &Any) -> Result<H::Msg, SdkError> {
    H::Msg::decode(any.value.as_slice())
        .map_err(|e| SdkError::TxDecode(format!("invalid {}: {e}", any.type_url)))
}

async fn signers_with<H: MsgHandler, S: StateRead>(
    state: &S,
    any: &Any,
) -> Result<CheckedMsg, SdkError> {
    let msg = decode::<H>(any)?;
    H::check_stateless(&msg)?;
    Ok(CheckedMsg {
        module: H::MODULE,
        signers: H::signers(state, &msg).await?,
    })
}

async fn execute_with<H: MsgHandler, S: StateWrite>(
    state: &mut S,
    any: &Any,
) -> Result<Any, SdkError> {
    let msg = decode::<H>(any)?;
    let response = H::execute(state, &msg).await?;
    Ok(Any {
        type_url: H::Response::type_url(),
        value: response.encode_to_vec(),
    })
}

/// Decodes the message, runs its stateless checks and returns the accounts that must sign it.
pub async fn check<S: StateRead>(state: &S, any: &Any) -> Result<CheckedMsg, SdkError> {
    message_handlers!(dispatch_to!(any, signers_with(state, any)))
}

/// Executes the message and returns its response, packed for `TxMsgData`.
pub async fn execute<S: StateWrite>(state: &mut S, any: &Any) -> Result<Any, SdkError> {
    message_handlers!(dispatch_to!(any, execute_with(state, any)))
}
