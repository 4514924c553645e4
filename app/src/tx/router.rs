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

/// IBC messages (relayed core messages and ICS-20 transfers), all served by `IbcHandler`.
macro_rules! ibc_dispatch {
    ($url:expr, $call:ident $args:tt) => {
        ibc_dispatch!(@each $url, $call $args, [
            client::MsgCreateClient, client::MsgUpdateClient, client::MsgUpgradeClient,
            client::MsgSubmitMisbehaviour,
            connection::MsgConnectionOpenInit, connection::MsgConnectionOpenTry,
            connection::MsgConnectionOpenAck, connection::MsgConnectionOpenConfirm,
            channel::MsgChannelOpenInit, channel::MsgChannelOpenTry, channel::MsgChannelOpenAck,
            channel::MsgChannelOpenConfirm, channel::MsgChannelCloseInit,
            channel::MsgChannelCloseConfirm, channel::MsgRecvPacket, channel::MsgAcknowledgement,
            channel::MsgTimeout, channel::MsgTimeoutOnClose, transfer::MsgTransfer,
        ])
    };
    (@each $url:expr, $call:ident $args:tt, [$($message:ty),* $(,)?]) => {{
        $(if $url == <$message>::type_url() {
            return $call::<IbcHandler<$message, AppIbcModules>, _> $args .await;
        })*
        Err(SdkError::TxDecode(format!("unable to resolve type URL {}", $url)))
    }};
}

/// The one list of message handlers; every dispatch goes through it.
macro_rules! dispatch {
    ($any:expr, $call:ident($($arg:expr),*)) => {{
        let url = $any.type_url.as_str();
        if url == <SendHandler as MsgHandler>::Msg::type_url() {
            $call::<SendHandler, _>($($arg),*).await
        } else if url == <MultiSendHandler as MsgHandler>::Msg::type_url() {
            $call::<MultiSendHandler, _>($($arg),*).await
        } else if url == <CreateValidatorHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<CreateValidatorHandler<AppHooks>, _>($($arg),*).await
        } else if url == <EditValidatorHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<EditValidatorHandler<AppHooks>, _>($($arg),*).await
        } else if url == <DelegateHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<DelegateHandler<AppHooks>, _>($($arg),*).await
        } else if url == <UndelegateHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<UndelegateHandler<AppHooks>, _>($($arg),*).await
        } else if url == <RedelegateHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<RedelegateHandler<AppHooks>, _>($($arg),*).await
        } else if url == <CancelUnbondingHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<CancelUnbondingHandler<AppHooks>, _>($($arg),*).await
        } else if url == <UnjailHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<UnjailHandler<AppHooks>, _>($($arg),*).await
        } else if url == <WithdrawRewardsHandler as MsgHandler>::Msg::type_url() {
            $call::<WithdrawRewardsHandler, _>($($arg),*).await
        } else if url == <WithdrawCommissionHandler as MsgHandler>::Msg::type_url() {
            $call::<WithdrawCommissionHandler, _>($($arg),*).await
        } else if url == <SetWithdrawAddressHandler as MsgHandler>::Msg::type_url() {
            $call::<SetWithdrawAddressHandler, _>($($arg),*).await
        } else if url == <AddProviderHandler as MsgHandler>::Msg::type_url() {
            $call::<AddProviderHandler, _>($($arg),*).await
        } else if url == <UpdateProviderHandler as MsgHandler>::Msg::type_url() {
            $call::<UpdateProviderHandler, _>($($arg),*).await
        } else if url == <SetPriceHandler as MsgHandler>::Msg::type_url() {
            $call::<SetPriceHandler, _>($($arg),*).await
        } else if url == <RemoveProviderHandler as MsgHandler>::Msg::type_url() {
            $call::<RemoveProviderHandler, _>($($arg),*).await
        } else if url == <CloseChannelHandler as MsgHandler>::Msg::type_url() {
            $call::<CloseChannelHandler, _>($($arg),*).await
        } else if url == <UpdateParamsHandler as MsgHandler>::Msg::type_url() {
            $call::<UpdateParamsHandler, _>($($arg),*).await
        } else if url == <BondHandler as MsgHandler>::Msg::type_url() {
            $call::<BondHandler, _>($($arg),*).await
        } else if url == <UnbondHandler as MsgHandler>::Msg::type_url() {
            $call::<UnbondHandler, _>($($arg),*).await
        } else if url == <StakeLocalHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<StakeLocalHandler<AppHooks>, _>($($arg),*).await
        } else if url == <UnstakeLocalHandler<AppHooks> as MsgHandler>::Msg::type_url() {
            $call::<UnstakeLocalHandler<AppHooks>, _>($($arg),*).await
        } else if url == <WithdrawLocalRewardsHandler as MsgHandler>::Msg::type_url() {
            $call::<WithdrawLocalRewardsHandler, _>($($arg),*).await
        } else if url == <StakeRemoteHandler as MsgHandler>::Msg::type_url() {
            $call::<StakeRemoteHandler, _>($($arg),*).await
        } else if url == <UnstakeHandler as MsgHandler>::Msg::type_url() {
            $call::<UnstakeHandler, _>($($arg),*).await
        } else if url == <WithdrawUnbondedHandler as MsgHandler>::Msg::type_url() {
            $call::<WithdrawUnbondedHandler, _>($($arg),*).await
        } else if url == <external::WithdrawRewardsHandler as MsgHandler>::Msg::type_url() {
            $call::<external::WithdrawRewardsHandler, _>($($arg),*).await
        } else if url.starts_with("/ibc.") {
            ibc_dispatch!(url, $call($($arg),*))
        } else {
            Err(SdkError::TxDecode(format!("unable to resolve type URL {url}")))
        }
    }};
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
    dispatch!(any, signers_with(state, any))
}

/// Executes the message and returns its response, packed for `TxMsgData`.
pub async fn execute<S: StateWrite>(state: &mut S, any: &Any) -> Result<Any, SdkError> {
    dispatch!(any, execute_with(state, any))
}
