//! Packets applications send on their own (the converter's validator updates, rewards and
//! forced unstakes): committed on our side, with their send_packet events, for relayers.

use std::time::Duration;

use cnidarium::StateWrite;
use ibc::core::channel::handler::send_packet as ibc_send_packet;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::timeout::{TimeoutHeight, TimeoutTimestamp};
use ibc::core::host::types::identifiers::{ChannelId, PortId};
use ibc::core::host::types::path::{ChannelEndPath, SeqSendPath};
use ibc::core::host::ValidationContext;
use rmesh_core::SdkError;

use crate::context::IbcContext;
use crate::error::IbcError;
use crate::host::Host;
use crate::store::TxStore;

/// Sends `data` on `port/channel`, timing out `timeout` after this block's time; returns the
/// packet's sequence.
pub async fn send_packet<S: StateWrite>(
    state: &mut S,
    port: &str,
    channel: &str,
    data: Vec<u8>,
    timeout: Duration,
) -> Result<u64, SdkError> {
    let host = Host::of_block(state).await?;
    send_now(state, host, port, channel, data, timeout)
}

fn send_now<S: StateWrite>(
    state: &mut S,
    host: Host,
    port: &str,
    channel: &str,
    data: Vec<u8>,
    timeout: Duration,
) -> Result<u64, SdkError> {
    let handler = |e: String| SdkError::from(IbcError::Handler(e));
    let port: PortId = port
        .parse()
        .map_err(|e| handler(format!("port {port}: {e}")))?;
    let channel: ChannelId = channel
        .parse()
        .map_err(|e| handler(format!("channel {channel}: {e}")))?;
    let deadline = (host.timestamp + timeout).map_err(|e| handler(e.to_string()))?;
    let mut context = IbcContext::new(TxStore::new(state), host);
    let end = context
        .channel_end(&ChannelEndPath::new(&port, &channel))
        .map_err(|e| handler(e.to_string()))?;
    let counterparty = end.counterparty().clone();
    let chan_id_on_b = counterparty
        .channel_id()
        .cloned()
        .ok_or_else(|| handler(format!("{port}/{channel} has no counterparty channel yet")))?;
    let sequence = context
        .get_next_sequence_send(&SeqSendPath::new(&port, &channel))
        .map_err(|e| handler(e.to_string()))?;
    let packet = Packet {
        seq_on_a: sequence,
        port_id_on_a: port,
        chan_id_on_a: channel,
        port_id_on_b: counterparty.port_id().clone(),
        chan_id_on_b,
        data,
        timeout_height_on_b: TimeoutHeight::Never,
        timeout_timestamp_on_b: TimeoutTimestamp::At(deadline),
    };
    ibc_send_packet(&mut context, packet).map_err(|e| handler(e.to_string()))?;
    Ok(sequence.value())
}
