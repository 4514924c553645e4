//! `MsgRemoveProvider`: the mesh authority removes a provider. It stops accepting stake at once,
//! is wound down at the next epoch and disappears when nothing of it is left to deliver.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::converter::v1::{MsgRemoveProvider, MsgRemoveProviderResponse};
use rmesh_virtual_staking::VirtualStakingRead;

use crate::event::converter as event;
use crate::provider::ProviderStatus;
use crate::view::{ConverterRead, ConverterWrite};

pub struct RemoveProviderHandler;

#[async_trait]
impl MsgHandler for RemoveProviderHandler {
    type Msg = MsgRemoveProvider;
    type Response = MsgRemoveProviderResponse;
    const MODULE: &'static str = "converter";

    fn check_stateless(_msg: &MsgRemoveProvider) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgRemoveProvider,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.authority).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgRemoveProvider,
    ) -> Result<MsgRemoveProviderResponse, SdkError> {
        state.ensure_authority(&msg.authority).await?;
        let mut provider = state.existing_provider(&msg.id).await?;
        provider.status = ProviderStatus::Closing;
        state.put_provider(&provider)?;
        state.record(event("provider_removed", &provider.id, &[]));
        Ok(MsgRemoveProviderResponse {})
    }
}
