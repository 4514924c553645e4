//! `MsgCloseChannel`: the mesh authority closes a provider's mesh-security channel. Nothing
//! closes yet: the provider is marked closing with the authority's grace period, and
//! `close::advance` winds it down over the open channel (one `internal_unstake` per position,
//! the last rewards announced), waits for the provider's acks and the grace period for reward
//! withdrawals, and only then runs ChanCloseInit. A relayer's ChanCloseInit is refused on our
//! port; only that last step carries the authority's permit.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::converter::v1::{MsgCloseChannel, MsgCloseChannelResponse};
use rmesh_virtual_staking::VirtualStakingRead;

use crate::error::ConverterError;
use crate::event::converter as event;
use crate::provider::{ChannelClose, ProviderStatus};
use crate::view::{ConverterRead, ConverterWrite};

pub struct CloseChannelHandler;

#[async_trait]
impl MsgHandler for CloseChannelHandler {
    type Msg = MsgCloseChannel;
    type Response = MsgCloseChannelResponse;
    const MODULE: &'static str = "converter";

    fn check_stateless(_msg: &MsgCloseChannel) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgCloseChannel,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.authority).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgCloseChannel,
    ) -> Result<MsgCloseChannelResponse, SdkError> {
        state.ensure_authority(&msg.authority).await?;
        let mut provider = state.existing_provider(&msg.id).await?;
        let channel = provider.channel_id.clone().ok_or_else(|| {
            ConverterError::Channel(format!("provider {:?} has no open channel", msg.id))
        })?;
        if provider.channel_close.is_some() {
            return Err(ConverterError::Channel(format!(
                "the channel of provider {:?} is already closing",
                msg.id
            ))
            .into());
        }
        provider.status = ProviderStatus::Closing;
        provider.channel_close = Some(ChannelClose {
            grace_seconds: msg.grace_period_seconds,
            grace_ends_at: None,
        });
        state.put_provider(&provider)?;
        state.record(event(
            "channel_close_started",
            &provider.id,
            &[
                ("channel_id", channel),
                ("grace_period_seconds", msg.grace_period_seconds.to_string()),
            ],
        ));
        Ok(MsgCloseChannelResponse {})
    }
}
