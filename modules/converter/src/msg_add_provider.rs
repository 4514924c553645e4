//! `MsgAddProvider`: the mesh authority admits a provider chain.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::converter::v1::{MsgAddProvider, MsgAddProviderResponse};
use rmesh_virtual_staking::VirtualStakingRead;

use crate::error::ConverterError;
use crate::event::converter as event;
use crate::msg::{amount, decimal, optional, optional_address};
use crate::provider::{check_connection_id, Provider, ProviderStatus};
use crate::view::{ConverterRead, ConverterWrite};

pub struct AddProviderHandler;

/// A provider's connection must exist once a tx names it (genesis providers name one that the
/// relayer creates later, so only its format is checked there).
pub async fn ensure_connection_exists<S: StateRead>(
    state: &S,
    provider: &Provider,
) -> Result<(), SdkError> {
    let Some(text) = &provider.connection_id else {
        return Ok(());
    };
    let connection = check_connection_id(text)?;
    if !rmesh_ibc::connection_exists(state, &connection).await? {
        return Err(ConverterError::UnknownConnection(text.clone()).into());
    }
    Ok(())
}

fn provider_of(msg: &MsgAddProvider) -> Result<Provider, SdkError> {
    let provider = Provider {
        id: msg.id.clone(),
        remote_denom: msg.remote_denom.clone(),
        price: decimal("price", &msg.price)?,
        discount: optional(&msg.discount, |t| decimal("discount", t))?.unwrap_or_default(),
        cap: amount("cap", &msg.cap)?,
        status: ProviderStatus::Active,
        price_feeder: None,
        channel_id: None,
        connection_id: optional(&msg.connection_id, |t| Ok(t.to_string()))?,
        channel_close: None,
    };
    provider.validate()?;
    Ok(provider)
}

#[async_trait]
impl MsgHandler for AddProviderHandler {
    type Msg = MsgAddProvider;
    type Response = MsgAddProviderResponse;
    const MODULE: &'static str = "converter";

    fn check_stateless(msg: &MsgAddProvider) -> Result<(), SdkError> {
        provider_of(msg).map(|_| ())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgAddProvider,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.authority).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgAddProvider,
    ) -> Result<MsgAddProviderResponse, SdkError> {
        state.ensure_authority(&msg.authority).await?;
        let mut provider = provider_of(msg)?;
        if state.provider(&provider.id).await?.is_some() {
            return Err(ConverterError::ProviderExists(provider.id).into());
        }
        provider.price_feeder = optional_address(state, &msg.price_feeder).await?;
        ensure_connection_exists(state, &provider).await?;
        state.put_provider(&provider)?;
        state.record(event(
            "provider_added",
            &provider.id,
            &[
                ("remote_denom", provider.remote_denom.clone()),
                ("price", provider.price.to_string()),
                ("discount", provider.discount.to_string()),
                ("cap", provider.cap.to_string()),
            ],
        ));
        Ok(MsgAddProviderResponse {})
    }
}
