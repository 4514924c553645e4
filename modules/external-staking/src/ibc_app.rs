//! External staking as an IBC application on port `external-staking`: the consumer opens
//! (OpenInit is refused here), each consumer's channel only from its configured connection
//! and counterparty port, at most one per consumer; its packets go to `receive`, and the acks
//! and timeouts of ours settle the transactions they carried.

use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::channel::{Counterparty, Order};
use ibc::core::channel::types::error::ChannelError;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::Version;
use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
use ibc::core::router::module::Module;
use ibc::core::router::types::module::ModuleExtras;
use ibc::primitives::Signer;
use rmesh_core::{StoreRead, StoreWrite};
use rmesh_ibc::{app_error, receive_packet, refuse, run, TxStore};
use rmesh_mesh_wire::{ack_is_success, check_version, error_ack, VERSION};

use cnidarium::StateWrite;

use crate::component::ExternalStaking;
use crate::pending::on_outcome;
use crate::receive::on_recv_packet;
use crate::state_key;
use crate::view::ExternalStakingRead;

/// Our port; consumers open their channel to it.
pub const PORT: &str = "external-staking";

pub struct ExternalStakingModule<'a, S: StateWrite> {
    store: TxStore<'a, S>,
}

impl<S: StateWrite> std::fmt::Debug for ExternalStakingModule<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExternalStakingModule")
    }
}

const CONSUMER_OPENS: &str = "the consumer opens mesh-security channels; the provider only answers";

/// The reference provider's answer to a close the consumer started.
pub const REFERENCE_CLOSE_REFUSAL: &str = "You must start the channel close on this side";

impl<'a, S: StateWrite> ExternalStakingModule<'a, S> {
    pub fn new(store: TxStore<'a, S>) -> Self {
        ExternalStakingModule { store }
    }

    /// The consumer configured for this connection and counterparty port, if it has neither an
    /// open channel nor one in its handshake.
    fn consumer_for(
        &self,
        hops: &[ConnectionId],
        counterparty: &Counterparty,
    ) -> Result<String, ChannelError> {
        let connection = hops
            .first()
            .ok_or_else(|| refuse("a mesh-security channel needs a connection"))?;
        let (consumers, opening) = self
            .store
            .read(|state| {
                let consumers = run(state.all_consumers())?;
                let opening = run(state.prefix_entries(state_key::OPENING_PREFIX))?;
                Ok((consumers, opening))
            })
            .map_err(app_error)?;
        let consumer = consumers
            .into_iter()
            .find(|c| c.connection_id == connection.as_str())
            .ok_or_else(|| refuse(format!("no consumer is configured on {connection}")))?;
        if consumer.counterparty_port != counterparty.port_id.as_str() {
            return Err(refuse(format!(
                "consumer {:?} opens from port {}, not {}",
                consumer.id, consumer.counterparty_port, counterparty.port_id
            )));
        }
        if let Some(open) = consumer.channel_id {
            return Err(refuse(format!(
                "consumer {:?} already has channel {open}",
                consumer.id
            )));
        }
        let in_handshake = opening
            .iter()
            .any(|(_, id)| serde_json::from_slice::<String>(id).ok() == Some(consumer.id.clone()));
        if in_handshake {
            return Err(refuse(format!(
                "consumer {:?} already has a channel in its handshake",
                consumer.id
            )));
        }
        Ok(consumer.id)
    }

    fn consumer_of(&self, channel: &ChannelId) -> Result<String, ChannelError> {
        self.store
            .read(|state| run(state.consumer_of_channel(channel.as_str())))
            .map_err(app_error)?
            .ok_or_else(|| refuse(format!("{channel} belongs to no consumer")))
    }

    fn outcome(&self, packet: &Packet, succeeded: bool) -> Result<(), ChannelError> {
        let (channel, sequence) = (packet.chan_id_on_a.as_str(), packet.seq_on_a.value());
        self.store
            .write(|state| run(on_outcome(state, channel, sequence, succeeded)))
            .map_err(app_error)
    }

    fn opening(&self, channel: &ChannelId) -> Result<String, ChannelError> {
        let key = state_key::opening_channel(channel.as_str());
        self.store
            .read(|state| run(state.get_json::<String>(&key)))
            .map_err(app_error)?
            .ok_or_else(|| refuse(format!("{channel} is not in a handshake with a consumer")))
    }
}

impl<S: StateWrite> Module for ExternalStakingModule<'_, S> {
    fn on_chan_open_init_validate(
        &self,
        _order: Order,
        _hops: &[ConnectionId],
        _port: &PortId,
        _channel: &ChannelId,
        _counterparty: &Counterparty,
        _version: &Version,
    ) -> Result<Version, ChannelError> {
        Err(refuse(CONSUMER_OPENS))
    }

    fn on_chan_open_init_execute(
        &mut self,
        _order: Order,
        _hops: &[ConnectionId],
        _port: &PortId,
        _channel: &ChannelId,
        _counterparty: &Counterparty,
        _version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        Err(refuse(CONSUMER_OPENS))
    }

    fn on_chan_open_try_validate(
        &self,
        order: Order,
        hops: &[ConnectionId],
        _port: &PortId,
        _channel: &ChannelId,
        counterparty: &Counterparty,
        counterparty_version: &Version,
    ) -> Result<Version, ChannelError> {
        if order != Order::Unordered {
            return Err(refuse("mesh-security channels are unordered"));
        }
        check_version(counterparty_version.as_str()).map_err(|e| refuse(e.to_string()))?;
        self.consumer_for(hops, counterparty)?;
        Ok(Version::new(VERSION.to_string()))
    }

    fn on_chan_open_try_execute(
        &mut self,
        _order: Order,
        hops: &[ConnectionId],
        _port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        _counterparty_version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        let consumer = self.consumer_for(hops, counterparty)?;
        self.store
            .write(|state| state.put_json(state_key::opening_channel(channel.as_str()), &consumer))
            .map_err(app_error)?;
        Ok((ModuleExtras::empty(), Version::new(VERSION.to_string())))
    }

    fn on_chan_open_ack_validate(
        &self,
        _port: &PortId,
        _channel: &ChannelId,
        _version: &Version,
    ) -> Result<(), ChannelError> {
        Err(refuse(CONSUMER_OPENS))
    }

    fn on_chan_open_confirm_validate(
        &self,
        _port: &PortId,
        channel: &ChannelId,
    ) -> Result<(), ChannelError> {
        self.opening(channel).map(|_| ())
    }

    /// The handshake is done: the channel is the consumer's.
    fn on_chan_open_confirm_execute(
        &mut self,
        _port: &PortId,
        channel: &ChannelId,
    ) -> Result<ModuleExtras, ChannelError> {
        let consumer = self.opening(channel)?;
        self.store
            .write(|state| {
                state.delete_key(state_key::opening_channel(channel.as_str()))?;
                run(ExternalStaking::on_channel_open(
                    state,
                    &consumer,
                    channel.as_str(),
                ))
            })
            .map_err(app_error)?;
        Ok(ModuleExtras::empty())
    }

    fn on_chan_close_init_validate(
        &self,
        _port: &PortId,
        _channel: &ChannelId,
    ) -> Result<(), ChannelError> {
        Err(refuse(
            "a mesh-security channel is not closed by a relayer message",
        ))
    }

    /// The consumer closed its end. The reference provider refuses this ("You must start the
    /// channel close on this side"); a consumer configured with `refuse_close_confirm` gets the
    /// same answer, so consumers can be tested against it.
    fn on_chan_close_confirm_validate(
        &self,
        _port: &PortId,
        channel: &ChannelId,
    ) -> Result<(), ChannelError> {
        let consumer = self.consumer_of(channel)?;
        let record = self
            .store
            .read(|state| run(state.existing_consumer(&consumer)))
            .map_err(app_error)?;
        if record.refuse_close_confirm {
            return Err(refuse(REFERENCE_CLOSE_REFUSAL));
        }
        Ok(())
    }

    /// The consumer's authority closed the channel: its cross-stake is released.
    fn on_chan_close_confirm_execute(
        &mut self,
        _port: &PortId,
        channel: &ChannelId,
    ) -> Result<ModuleExtras, ChannelError> {
        self.store
            .write(|state| run(ExternalStaking::on_channel_close(state, channel.as_str())))
            .map_err(app_error)?;
        Ok(ModuleExtras::empty())
    }

    fn on_recv_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Option<Acknowledgement>) {
        let consumer = self.consumer_of(&packet.chan_id_on_b);
        let receive =
            |state: &mut S, consumer: &str| run(on_recv_packet(state, consumer, &packet.data));
        receive_packet(&self.store, consumer, receive, error_ack)
    }

    fn on_acknowledgement_packet_validate(
        &self,
        _packet: &Packet,
        _acknowledgement: &Acknowledgement,
        _relayer: &Signer,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    /// The consumer's answer commits or rolls back the transaction the packet carried.
    fn on_acknowledgement_packet_execute(
        &mut self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        _relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let succeeded = ack_is_success(acknowledgement.as_bytes());
        (ModuleExtras::empty(), self.outcome(packet, succeeded))
    }

    fn on_timeout_packet_validate(
        &self,
        _packet: &Packet,
        _relayer: &Signer,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    /// Never received: the transaction is rolled back.
    fn on_timeout_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        (ModuleExtras::empty(), self.outcome(packet, false))
    }
}
