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
use rmesh_gov::{
    DepositHandler, ProposalRouter, SubmitProposalHandler,
    UpdateParamsHandler as GovUpdateParamsHandler, VoteHandler, VoteWeightedHandler,
};
use rmesh_ibc::IbcHandler;
use rmesh_upgrade::{CancelUpgradeHandler, SoftwareUpgradeHandler};
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

/// The one list of message handlers, grouped by the module (as named in `crate::modules`) that
/// owns them: every dispatch, and the list of accepted type URLs, come from it. A group whose
/// module the app does not declare is never dispatched to. IBC messages (relayed core messages
/// and ICS-20 transfers) are all served by `IbcHandler`.
macro_rules! message_handlers {
    ($callback:ident!($($args:tt)*)) => {
        $callback!($($args)* [
            bank: [SendHandler, MultiSendHandler],
            staking: [
                CreateValidatorHandler<AppHooks>, EditValidatorHandler<AppHooks>,
                DelegateHandler<AppHooks>, UndelegateHandler<AppHooks>,
                RedelegateHandler<AppHooks>, CancelUnbondingHandler<AppHooks>,
            ],
            slashing: [UnjailHandler<AppHooks>],
            distribution: [WithdrawRewardsHandler, WithdrawCommissionHandler, SetWithdrawAddressHandler],
            converter: [
                AddProviderHandler, UpdateProviderHandler, SetPriceHandler, RemoveProviderHandler,
                CloseChannelHandler,
            ],
            virtual_staking: [UpdateParamsHandler],
            vault: [
                BondHandler, UnbondHandler, StakeLocalHandler<AppHooks>,
                UnstakeLocalHandler<AppHooks>, WithdrawLocalRewardsHandler,
            ],
            external_staking: [
                StakeRemoteHandler, UnstakeHandler, WithdrawUnbondedHandler,
                external::WithdrawRewardsHandler,
            ],
            gov: [
                SubmitProposalHandler<AppRouter>, DepositHandler, VoteHandler, VoteWeightedHandler,
                GovUpdateParamsHandler,
            ],
            upgrade: [SoftwareUpgradeHandler, CancelUpgradeHandler],
            ibc: [
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
            ],
        ])
    };
}

/// Calls `$call::<Handler, _>($args)` for the handler of `$any`'s type URL, among the groups of
/// declared modules only (decided at compile time).
macro_rules! dispatch_to {
    ($any:expr, $call:ident $args:tt [$($module:ident: [$($handler:ty),* $(,)?]),* $(,)?]) => {{
        let url = $any.type_url.as_str();
        $({
            const DECLARED: bool = crate::modules::is_declared(stringify!($module));
            if DECLARED {
                $(if is_type_url::<<$handler as MsgHandler>::Msg>(url) {
                    return $call::<$handler, _> $args .await;
                })*
            }
        })*
        Err(SdkError::TxDecode(format!("unable to resolve type URL {url}")))
    }};
}

/// The type URLs of the groups of declared modules.
macro_rules! type_urls_of {
    ([$($module:ident: [$($handler:ty),* $(,)?]),* $(,)?]) => {{
        let mut urls = Vec::new();
        $(if crate::modules::is_declared(stringify!($module)) {
            $(urls.push(<$handler as MsgHandler>::Msg::type_url());)*
        })*
        urls
    }};
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

/// The router as gov reaches it: a passed proposal's messages go where a tx's would.
pub struct AppRouter;

#[async_trait::async_trait]
impl ProposalRouter for AppRouter {
    async fn signers<S: StateRead>(state: &S, msg: &Any) -> Result<Vec<Address>, SdkError> {
        Ok(check(state, msg).await?.signers)
    }

    async fn execute<S: StateWrite>(state: &mut S, msg: &Any) -> Result<Any, SdkError> {
        execute(state, msg).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cnidarium::{StateDelta, TempStorage};
    use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
    use rmesh_core::AbciCode;

    macro_rules! module_names_of {
        ([$($module:ident: [$($handler:ty),* $(,)?]),* $(,)?]) => {
            vec![$(stringify!($module)),*]
        };
    }

    macro_rules! handler_count_of {
        ([$($module:ident: [$($handler:ty),* $(,)?]),* $(,)?]) => {
            [$($(stringify!($handler)),*),*].len()
        };
    }

    /// The bank's send handler, routed as if the bank were not one of the app's modules.
    async fn check_without_bank<S: StateRead>(
        state: &S,
        any: &Any,
    ) -> Result<CheckedMsg, SdkError> {
        dispatch_to!(any, signers_with(state, any) [not_in_the_app: [SendHandler]])
    }

    async fn check_with_bank<S: StateRead>(state: &S, any: &Any) -> Result<CheckedMsg, SdkError> {
        dispatch_to!(any, signers_with(state, any) [bank: [SendHandler]])
    }

    fn send() -> Any {
        let msg = MsgSend {
            from_address: "cosmos1invalid".into(),
            to_address: "cosmos1invalid".into(),
            amount: vec![],
        };
        Any {
            type_url: MsgSend::type_url(),
            value: msg.encode_to_vec(),
        }
    }

    fn is_unresolved(result: &Result<CheckedMsg, SdkError>) -> bool {
        matches!(result, Err(e @ SdkError::TxDecode(log))
            if e.code() == 2 && log.starts_with("unable to resolve type URL"))
    }

    #[tokio::test]
    async fn a_message_of_a_module_the_app_does_not_declare_is_refused_as_unresolvable() {
        let storage = TempStorage::new().await.unwrap();
        let state = StateDelta::new(storage.latest_snapshot());
        assert!(is_unresolved(&check_without_bank(&state, &send()).await));
        // The same handler in a declared module's group is reached (and judges the message).
        assert!(!is_unresolved(&check_with_bank(&state, &send()).await));
    }

    #[test]
    fn every_handler_group_of_the_router_is_a_declared_module() {
        for module in message_handlers!(module_names_of!()) {
            assert!(
                crate::modules::is_declared(module),
                "the router holds handlers of {module}, which the app does not declare"
            );
        }
        assert_eq!(
            accepted_type_urls().len(),
            message_handlers!(handler_count_of!()),
            "every handler's type URL is accepted"
        );
    }
}
