//! Lifecycle of the converter: genesis, the end-of-block work (the epoch before staking updates
//! the validator set, the providers' validator news after), and the packet and channel events the
//! IBC layer reports.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::{BlockHeader, Component, ModuleAccount, SdkError};
use rmesh_ibc::{AppModules, IbcApp};
use rmesh_proto::converter::v1::OutgoingPacket;
use rmesh_staking::StakingHooks;
use rmesh_virtual_staking::VirtualStaking;

use crate::error::ConverterError;
use crate::event::converter as event;
use crate::genesis::GenesisState;
use crate::provider::ProviderStatus;
use crate::view::{ConverterRead, ConverterWrite};
use crate::{outbox, valset};

pub struct Converter;

#[async_trait]
impl<A: IbcApp> Component<A> for Converter {
    const GENESIS_KEY: &'static str = "converter";
    const MODULE_ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount {
        name: crate::CONVERTER_ACCOUNT,
        permissions: &[],
    }];
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        for provider in genesis.providers {
            provider.validate()?;
            if provider.channel_id.is_some() {
                return Err(ConverterError::InvalidProvider(
                    "a genesis provider cannot have a channel yet".into(),
                )
                .into());
            }
            if state.provider(&provider.id).await?.is_some() {
                return Err(ConverterError::ProviderExists(provider.id).into());
            }
            state.put_provider(&provider)?;
        }
        Ok(())
    }

    /// The epoch, before staking computes the validator set from the stake it moves.
    async fn end_block<S: StateWrite>(
        state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Converter::end_block::<S, A::Hooks, A::IbcModules>(state).await
    }

    /// This block's validator news, once staking fixed the set.
    async fn after_validator_set<S: StateWrite>(
        state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Converter::after_validator_set(state).await
    }
}

impl Converter {
    /// Before staking's end-block: at the end of an epoch, rewards, wind-downs and rebalancing;
    /// every block, the next step of any channel close the authority started (`A` are the
    /// chain's IBC applications, for the final ChanCloseInit).
    pub async fn end_block<S: StateWrite, H: StakingHooks, A: AppModules>(
        state: &mut S,
    ) -> Result<(), SdkError> {
        if VirtualStaking::is_epoch_end(state).await? {
            crate::epoch::end_epoch::<S, H>(state).await?;
        }
        crate::close::advance::<S, A>(state).await
    }

    /// After staking's end-block: this block's validator news to every provider, then every
    /// queued packet onto its provider's channel.
    pub async fn after_validator_set<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
        valset::flush(state).await?;
        crate::ibc_app::send_queued(state).await
    }

    /// Applies a packet from `provider`'s channel and returns the ack; a failing packet leaves
    /// no trace.
    pub async fn on_recv_packet<S: StateWrite>(
        state: &mut S,
        provider: &str,
        data: &[u8],
    ) -> Vec<u8> {
        crate::receive::on_recv_packet(state, provider, data).await
    }

    /// The provider's packets that are not in flight, marked in flight for the IBC layer to send.
    pub async fn take_unsent<S: StateWrite>(
        state: &mut S,
        provider: &str,
    ) -> Result<Vec<OutgoingPacket>, SdkError> {
        outbox::take_unsent(state, provider).await
    }

    /// The provider answered packet `id`: success removes it, an error sends it again.
    pub async fn on_acknowledgement<S: StateWrite>(
        state: &mut S,
        provider: &str,
        id: u64,
        ack: &[u8],
    ) -> Result<(), SdkError> {
        outbox::on_acknowledgement(state, provider, id, ack).await
    }

    /// Packet `id` timed out: it is sent again.
    pub async fn on_timeout<S: StateWrite>(
        state: &mut S,
        provider: &str,
        id: u64,
    ) -> Result<(), SdkError> {
        outbox::on_timeout(state, provider, id).await
    }

    /// The provider's channel opened: bind it and send the full validator set first.
    pub async fn on_channel_open<S: StateWrite>(
        state: &mut S,
        provider_id: &str,
        channel_id: &str,
    ) -> Result<(), SdkError> {
        let mut provider = state.existing_provider(provider_id).await?;
        if let Some(open) = &provider.channel_id {
            return Err(ConverterError::Channel(format!(
                "provider {provider_id:?} already has channel {open}"
            ))
            .into());
        }
        if state.provider_of_channel(channel_id).await?.is_some() {
            return Err(ConverterError::Channel(format!("{channel_id} is already bound")).into());
        }
        provider.channel_id = Some(channel_id.to_string());
        state.put_provider(&provider)?;
        state.bind_channel(channel_id, provider_id)?;
        valset::queue_full_set(state, &provider).await?;
        state.record(event(
            "channel_open",
            provider_id,
            &[("channel_id", channel_id.to_string())],
        ));
        Ok(())
    }

    /// The provider's channel closed. After the authority's close (`close::advance`) everything
    /// was released over the channel first, so the provider is removed. A provider that closed
    /// from its side released the cross-stake there: nothing more can be delivered, and its
    /// stake is wound down at the next epoch without packets.
    pub async fn on_channel_close<S: StateWrite>(
        state: &mut S,
        channel_id: &str,
    ) -> Result<(), SdkError> {
        let Some(provider_id) = state.provider_of_channel(channel_id).await? else {
            return Err(ConverterError::Channel(format!("{channel_id} is not bound")).into());
        };
        let mut provider = state.existing_provider(&provider_id).await?;
        for packet in state.outbox(&provider_id).await? {
            state.delete_outgoing(&provider_id, packet.id)?;
        }
        state.unbind_channel(channel_id)?;
        state.record(event(
            "channel_close",
            &provider_id,
            &[("channel_id", channel_id.to_string())],
        ));
        if provider.channel_close.is_some() {
            state.delete_provider(&provider_id)?;
            state.record(event("removed", &provider_id, &[]));
            return Ok(());
        }
        provider.channel_id = None;
        provider.status = ProviderStatus::Closing;
        state.put_provider(&provider)
    }
}
