//! Packets to providers wait here until the IBC layer sends them, and stay until the provider
//! acknowledges them: an error ack or a timeout puts them back in the queue (rewards, forced
//! unstakes and validator updates are never dropped).

use cnidarium::StateWrite;
use rmesh_core::SdkError;
use rmesh_proto::converter::v1::OutgoingPacket;

use crate::event::converter as event;
use crate::packet::ack_is_success;
use crate::view::{ConverterRead, ConverterWrite};

/// The provider's packets that are not in flight, marked in flight: the IBC layer sends them.
pub async fn take_unsent<S: StateWrite>(
    state: &mut S,
    provider: &str,
) -> Result<Vec<OutgoingPacket>, SdkError> {
    let mut unsent = Vec::new();
    for mut packet in state.outbox(provider).await? {
        if packet.in_flight {
            continue;
        }
        packet.in_flight = true;
        state.put_outgoing(&packet)?;
        unsent.push(packet);
    }
    Ok(unsent)
}

/// The provider answered packet `id`: success removes it, an error sends it again.
pub async fn on_acknowledgement<S: StateWrite>(
    state: &mut S,
    provider: &str,
    id: u64,
    ack: &[u8],
) -> Result<(), SdkError> {
    let packet = state.outgoing(provider, id).await?;
    if ack_is_success(ack) {
        state.delete_outgoing(provider, id)?;
        state.record(event(
            "packet_acknowledged",
            provider,
            &[("id", id.to_string())],
        ));
        return Ok(());
    }
    let reason = String::from_utf8_lossy(ack).into_owned();
    requeue(state, packet, "error_ack", reason)
}

/// Packet `id` timed out: it is sent again.
pub async fn on_timeout<S: StateWrite>(
    state: &mut S,
    provider: &str,
    id: u64,
) -> Result<(), SdkError> {
    let packet = state.outgoing(provider, id).await?;
    requeue(state, packet, "timeout", String::new())
}

/// The channel refused the packet now (not open yet, or closing): it waits for the next block.
pub fn on_send_failed<S: StateWrite>(
    state: &mut S,
    packet: OutgoingPacket,
    reason: &str,
) -> Result<(), SdkError> {
    let mut packet = packet;
    packet.in_flight = false;
    state.put_outgoing(&packet)?;
    state.record(event(
        "packet_not_sent",
        &packet.provider_id,
        &[
            ("id", packet.id.to_string()),
            ("reason", reason.to_string()),
        ],
    ));
    Ok(())
}

fn requeue<S: StateWrite>(
    state: &mut S,
    mut packet: OutgoingPacket,
    why: &str,
    detail: String,
) -> Result<(), SdkError> {
    packet.in_flight = false;
    packet.attempts += 1;
    state.put_outgoing(&packet)?;
    state.record(event(
        "packet_requeued",
        &packet.provider_id,
        &[
            ("id", packet.id.to_string()),
            ("reason", why.to_string()),
            ("detail", detail),
            ("attempts", packet.attempts.to_string()),
        ],
    ));
    Ok(())
}
