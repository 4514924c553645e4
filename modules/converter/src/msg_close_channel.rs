//! `MsgCloseChannel`: the mesh authority closes a provider's mesh-security channel. A relayer's
//! ChanCloseInit is refused on our port; this message runs the same IBC close with the
//! authority's permission recorded for that one channel, within the tx.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use ibc_proto::ibc::core::channel::v1::MsgChannelCloseInit;
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError, StoreWrite};
use rmesh_ibc::{AppModules, IbcHandler};
use rmesh_proto::converter::v1::{MsgCloseChannel, MsgCloseChannelResponse};
use rmesh_virtual_staking::VirtualStakingRead;

use crate::error::ConverterError;
use crate::ibc_app::PORT;
use crate::state_key;
use crate::view::ConverterRead;

pub struct CloseChannelHandler<A>(PhantomData<A>);

#[async_trait]
impl<A: AppModules> MsgHandler for CloseChannelHandler<A> {
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
        let provider = state.existing_provider(&msg.id).await?;
        let channel = provider.channel_id.ok_or_else(|| {
            ConverterError::Channel(format!("provider {:?} has no open channel", msg.id))
        })?;
        let permit = state_key::authority_close(&channel);
        state.put_json(permit.clone(), &msg.authority)?;
        let close = MsgChannelCloseInit {
            port_id: PORT.to_string(),
            channel_id: channel,
            signer: msg.authority.clone(),
        };
        <IbcHandler<MsgChannelCloseInit, A> as MsgHandler>::execute(state, &close).await?;
        state.delete_key(permit)?;
        Ok(MsgCloseChannelResponse {})
    }
}
