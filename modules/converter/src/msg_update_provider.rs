//! `MsgUpdateProvider`: the mesh authority changes a provider's discount, cap or price feeder,
//! or pauses and resumes it. Empty fields keep their value.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::converter::v1::{MsgUpdateProvider, MsgUpdateProviderResponse};
use rmesh_virtual_staking::VirtualStakingRead;

use crate::error::ConverterError;
use crate::event::converter as event;
use crate::msg::{amount, decimal, optional, optional_address};
use crate::msg_add_provider::ensure_connection_exists;
use crate::provider::{check_connection_id, ProviderStatus};
use crate::view::{ConverterRead, ConverterWrite};

pub struct UpdateProviderHandler;

fn status_of(text: &str) -> Result<Option<ProviderStatus>, SdkError> {
    match text {
        "" => Ok(None),
        "active" => Ok(Some(ProviderStatus::Active)),
        "paused" => Ok(Some(ProviderStatus::Paused)),
        other => Err(ConverterError::InvalidProvider(format!(
            "status {other:?} must be \"active\" or \"paused\""
        ))
        .into()),
    }
}

#[async_trait]
impl MsgHandler for UpdateProviderHandler {
    type Msg = MsgUpdateProvider;
    type Response = MsgUpdateProviderResponse;
    const MODULE: &'static str = "converter";

    fn check_stateless(msg: &MsgUpdateProvider) -> Result<(), SdkError> {
        optional(&msg.discount, |t| decimal("discount", t))?;
        optional(&msg.cap, |t| amount("cap", t))?;
        optional(&msg.connection_id, |t| Ok(check_connection_id(t)?))?;
        status_of(&msg.status).map(|_| ())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgUpdateProvider,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.authority).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUpdateProvider,
    ) -> Result<MsgUpdateProviderResponse, SdkError> {
        state.ensure_authority(&msg.authority).await?;
        let mut provider = state.existing_provider(&msg.id).await?;
        if provider.status == ProviderStatus::Closing {
            return Err(ConverterError::ProviderNotActive(msg.id.clone()).into());
        }
        if let Some(discount) = optional(&msg.discount, |t| decimal("discount", t))? {
            provider.discount = discount;
        }
        if let Some(cap) = optional(&msg.cap, |t| amount("cap", t))? {
            provider.cap = cap;
        }
        if let Some(feeder) = optional_address(state, &msg.price_feeder).await? {
            provider.price_feeder = Some(feeder);
        }
        if !msg.connection_id.is_empty() {
            provider.connection_id = Some(msg.connection_id.clone());
        }
        if let Some(status) = status_of(&msg.status)? {
            provider.status = status;
        }
        provider.validate()?;
        if !msg.connection_id.is_empty() {
            ensure_connection_exists(state, &provider).await?;
        }
        state.put_provider(&provider)?;
        state.record(event(
            "provider_updated",
            &provider.id,
            &[
                ("discount", provider.discount.to_string()),
                ("cap", provider.cap.to_string()),
                ("status", format!("{:?}", provider.status).to_lowercase()),
            ],
        ));
        Ok(MsgUpdateProviderResponse {})
    }
}
