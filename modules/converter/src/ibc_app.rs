//! The converter as an IBC application on port `mesh-security`: the consumer opens (OpenTry is
//! refused), one channel per provider on the provider's connection, the version of
//! PROTOCOL.md; packets from the provider go to `receive`, our queued packets go out at the end
//! of each block, and their acks and timeouts come back to the outbox.

use std::time::Duration;

use cnidarium::{StateDelta, StateWrite};
use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::channel::{Counterparty, Order};
use ibc::core::channel::types::error::ChannelError;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::Version;
use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
use ibc::core::router::module::Module;
use ibc::core::router::types::module::ModuleExtras;
use ibc::primitives::Signer;
use rmesh_core::store::keep_overlay;
use rmesh_core::{SdkError, StoreRead, StoreWrite};
use rmesh_ibc::{app_error, receive_packet, refuse, run, TxStore};
use rmesh_mesh_wire::VERSION;

use crate::component::Converter;
use crate::outbox;
use crate::packet::error_ack;
use crate::state_key;
use crate::view::ConverterRead;

/// Our port; providers are configured with it.
pub const PORT: &str = "mesh-security";

pub struct ConverterModule<'a, S: StateWrite> {
    store: TxStore<'a, S>,
}

impl<S: StateWrite> std::fmt::Debug for ConverterModule<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConverterModule")
    }
}

/// A counterparty version is acceptable when its protocol is mesh-security and its semver is
/// at least 0.11.0 with the same major.
fn check_version(version: &Version) -> Result<(), ChannelError> {
    rmesh_mesh_wire::check_version(version.as_str()).map_err(|e| refuse(e.to_string()))
}

impl<'a, S: StateWrite> ConverterModule<'a, S> {
    pub fn new(store: TxStore<'a, S>) -> Self {
        ConverterModule { store }
    }

    /// The provider whose connection this is, if it has no channel yet.
    fn provider_on(&self, connection: &ConnectionId) -> Result<String, ChannelError> {
        let providers = self
            .store
            .read(|state| run(state.all_providers()))
            .map_err(app_error)?;
        let provider = providers
            .into_iter()
            .find(|p| p.connection_id.as_deref() == Some(connection.as_str()))
            .ok_or_else(|| refuse(format!("no provider uses connection {connection}")))?;
        if let Some(open) = provider.channel_id {
            return Err(refuse(format!(
                "provider {:?} already has channel {open}",
                provider.id
            )));
        }
        Ok(provider.id)
    }

    fn provider_of(&self, channel: &ChannelId) -> Result<String, ChannelError> {
        self.store
            .read(|state| run(state.provider_of_channel(channel.as_str())))
            .map_err(app_error)?
            .ok_or_else(|| refuse(format!("{channel} belongs to no provider")))
    }

    /// The outbox entry behind a packet we sent, forgotten once its outcome is known.
    fn sent_packet(&self, packet: &Packet) -> Result<(String, u64), ChannelError> {
        let provider = self.provider_of(&packet.chan_id_on_a)?;
        let key = state_key::sent(packet.chan_id_on_a.as_str(), packet.seq_on_a.value());
        let id = self
            .store
            .write(|state| {
                let id = run(state.get_json::<u64>(&key))?;
                state.delete_key(key)?;
                Ok(id)
            })
            .map_err(app_error)?
            .ok_or_else(|| refuse(format!("no record of packet {}", packet.seq_on_a)))?;
        Ok((provider, id))
    }

    fn first_hop(hops: &[ConnectionId]) -> Result<&ConnectionId, ChannelError> {
        hops.first()
            .ok_or_else(|| refuse("a mesh-security channel needs a connection"))
    }
}

impl<S: StateWrite> Module for ConverterModule<'_, S> {
    fn on_chan_open_init_validate(
        &self,
        order: Order,
        hops: &[ConnectionId],
        _port: &PortId,
        _channel: &ChannelId,
        _counterparty: &Counterparty,
        version: &Version,
    ) -> Result<Version, ChannelError> {
        if order != Order::Unordered {
            return Err(refuse("mesh-security channels are unordered"));
        }
        if !version.is_empty() {
            check_version(version)?;
        }
        self.provider_on(Self::first_hop(hops)?)?;
        Ok(Version::new(VERSION.to_string()))
    }

    fn on_chan_open_init_execute(
        &mut self,
        _order: Order,
        hops: &[ConnectionId],
        _port: &PortId,
        channel: &ChannelId,
        _counterparty: &Counterparty,
        _version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        let provider = self.provider_on(Self::first_hop(hops)?)?;
        self.store
            .write(|state| state.put_json(state_key::opening_channel(channel.as_str()), &provider))
            .map_err(app_error)?;
        Ok((ModuleExtras::empty(), Version::new(VERSION.to_string())))
    }

    fn on_chan_open_try_validate(
        &self,
        _order: Order,
        _hops: &[ConnectionId],
        _port: &PortId,
        _channel: &ChannelId,
        _counterparty: &Counterparty,
        _version: &Version,
    ) -> Result<Version, ChannelError> {
        Err(refuse(
            "the consumer opens mesh-security channels; OpenTry is refused",
        ))
    }

    fn on_chan_open_try_execute(
        &mut self,
        _order: Order,
        _hops: &[ConnectionId],
        _port: &PortId,
        _channel: &ChannelId,
        _counterparty: &Counterparty,
        _version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        Err(refuse(
            "the consumer opens mesh-security channels; OpenTry is refused",
        ))
    }

    fn on_chan_open_ack_validate(
        &self,
        _port: &PortId,
        channel: &ChannelId,
        version: &Version,
    ) -> Result<(), ChannelError> {
        check_version(version)?;
        let key = state_key::opening_channel(channel.as_str());
        self.store
            .read(|state| run(state.get_json::<String>(&key)))
            .map_err(app_error)?
            .map(|_| ())
            .ok_or_else(|| refuse(format!("{channel} was not opened for a provider")))
    }

    /// The channel is open: bind it and queue the full validator set for the provider.
    fn on_chan_open_ack_execute(
        &mut self,
        _port: &PortId,
        channel: &ChannelId,
        _version: &Version,
    ) -> Result<ModuleExtras, ChannelError> {
        let key = state_key::opening_channel(channel.as_str());
        let opened = self
            .store
            .write(|state| {
                let Some(provider) = run(state.get_json::<String>(&key))? else {
                    return Ok(false);
                };
                state.delete_key(key)?;
                run(Converter::on_channel_open(
                    state,
                    &provider,
                    channel.as_str(),
                ))?;
                Ok(true)
            })
            .map_err(app_error)?;
        if !opened {
            return Err(refuse(format!("{channel} was not opened for a provider")));
        }
        Ok(ModuleExtras::empty())
    }

    fn on_chan_open_confirm_validate(
        &self,
        _port: &PortId,
        _channel: &ChannelId,
    ) -> Result<(), ChannelError> {
        Err(refuse(
            "the consumer opens mesh-security channels; it never confirms one",
        ))
    }

    /// Only the authority's close (`close::advance`, after `MsgCloseChannel`) closes: it permits
    /// this one channel for the one ChanCloseInit it runs.
    fn on_chan_close_init_validate(
        &self,
        _port: &PortId,
        channel: &ChannelId,
    ) -> Result<(), ChannelError> {
        let key = state_key::authority_close(channel.as_str());
        self.store
            .read(|state| run(state.get_json::<String>(&key)))
            .map_err(app_error)?
            .map(|_| ())
            .ok_or_else(|| refuse("only the chain authority may close a mesh-security channel"))
    }

    /// The authority's close, after everything was released over the channel (`close`): the
    /// provider is removed.
    fn on_chan_close_init_execute(
        &mut self,
        _port: &PortId,
        channel: &ChannelId,
    ) -> Result<ModuleExtras, ChannelError> {
        self.store
            .write(|state| run(Converter::on_channel_close(state, channel.as_str())))
            .map_err(app_error)?;
        Ok(ModuleExtras::empty())
    }

    /// The provider closed the channel from its side (it released the cross-stake there): its
    /// stake is wound down here at the next epoch.
    fn on_chan_close_confirm_execute(
        &mut self,
        _port: &PortId,
        channel: &ChannelId,
    ) -> Result<ModuleExtras, ChannelError> {
        self.store
            .write(|state| run(Converter::on_channel_close(state, channel.as_str())))
            .map_err(app_error)?;
        Ok(ModuleExtras::empty())
    }

    fn on_recv_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Option<Acknowledgement>) {
        let provider = self.provider_of(&packet.chan_id_on_b);
        let receive = |state: &mut S, provider: &str| {
            run(Converter::on_recv_packet(state, provider, &packet.data))
        };
        receive_packet(&self.store, provider, receive, error_ack)
    }

    fn on_acknowledgement_packet_validate(
        &self,
        _packet: &Packet,
        _acknowledgement: &Acknowledgement,
        _relayer: &Signer,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    fn on_acknowledgement_packet_execute(
        &mut self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        _relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let result = self.sent_packet(packet).and_then(|(provider, id)| {
            let ack = acknowledgement.as_bytes();
            self.store
                .write(|state| run(Converter::on_acknowledgement(state, &provider, id, ack)))
                .map_err(app_error)
        });
        (ModuleExtras::empty(), result)
    }

    fn on_timeout_packet_validate(
        &self,
        _packet: &Packet,
        _relayer: &Signer,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    fn on_timeout_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let result = self.sent_packet(packet).and_then(|(provider, id)| {
            self.store
                .write(|state| run(Converter::on_timeout(state, &provider, id)))
                .map_err(app_error)
        });
        (ModuleExtras::empty(), result)
    }
}

/// Sends every queued packet of every provider with an open channel. A packet the channel
/// cannot take now stays queued for the next block.
pub async fn send_queued<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
    for provider in state.all_providers().await? {
        let Some(channel) = provider.channel_id.clone() else {
            continue;
        };
        for packet in Converter::take_unsent(state, &provider.id).await? {
            let mut attempt = StateDelta::new(&mut *state);
            let timeout = Duration::from_secs(packet.timeout_seconds);
            let sent = rmesh_ibc::send_packet(
                &mut attempt,
                PORT,
                &channel,
                packet.data.clone().into_bytes(),
                timeout,
            )
            .await;
            match sent {
                Ok(sequence) => {
                    attempt.put_json(state_key::sent(&channel, sequence), &packet.id)?;
                    keep_overlay(attempt);
                }
                Err(err) => {
                    drop(attempt);
                    outbox::on_send_failed(state, packet, &err.to_string())?;
                }
            }
        }
    }
    Ok(())
}
