//! Every storage key of the converter.

use rmesh_core::Address;

pub const PROVIDER_PREFIX: &str = "converter/provider/";

pub fn provider(id: &str) -> String {
    format!("{PROVIDER_PREFIX}{id}")
}

/// Set only while the authority's `MsgCloseChannel` closes this channel.
pub fn authority_close(channel_id: &str) -> String {
    format!("converter/authority_close/{channel_id}")
}

/// The provider bound to an IBC channel.
pub fn channel(channel_id: &str) -> String {
    format!("converter/channel/{channel_id}")
}

/// A position's amount (provider denom), found by provider and validator.
pub fn position(provider: &str, operator: &Address, delegator: &str) -> String {
    format!("{}{delegator}", positions_with(provider, operator))
}

pub fn positions_with(provider: &str, operator: &Address) -> String {
    format!("{}{}/", positions_of(provider), operator.to_hex())
}

pub fn positions_of(provider: &str) -> String {
    format!("converter/position/{provider}/")
}

/// Index of a delegator's positions (the value is empty).
pub fn position_by_delegator(provider: &str, delegator: &str, operator: &Address) -> String {
    format!(
        "{}{}",
        positions_by_delegator(provider, delegator),
        operator.to_hex()
    )
}

pub fn positions_by_delegator(provider: &str, delegator: &str) -> String {
    format!("converter/position_by_delegator/{provider}/{delegator}/")
}

/// Sum of the positions of one provider with one validator (provider denom).
pub fn staked(provider: &str, operator: &Address) -> String {
    format!("{}{}", staked_of(provider), operator.to_hex())
}

pub fn staked_of(provider: &str) -> String {
    format!("converter/staked/{provider}/")
}

/// Burns (provider denom) the provider made with one validator that no packet attributed to a
/// delegator yet (`positions`).
pub fn unattributed_burn(provider: &str, operator: &Address) -> String {
    format!("{}{}", unattributed_burns_of(provider), operator.to_hex())
}

pub fn unattributed_burns_of(provider: &str) -> String {
    format!("converter/unattributed_burn/{provider}/")
}

/// Rewards (bond denom) the converter holds for a provider's stakers.
pub fn held_rewards(provider: &str) -> String {
    format!("converter/held_rewards/{provider}")
}

pub const NEXT_PACKET_ID: &str = "converter/next_packet_id";

pub const OUTBOX_PREFIX: &str = "converter/outbox/";

pub fn outbox_of(provider: &str) -> String {
    format!("{OUTBOX_PREFIX}{provider}/")
}

pub fn outgoing(provider: &str, id: u64) -> String {
    format!("{}{id:020}", outbox_of(provider))
}

/// A channel we opened (ChanOpenInit) for a provider, until its ChanOpenAck binds it.
pub fn opening_channel(channel_id: &str) -> String {
    format!("converter/opening_channel/{channel_id}")
}

/// The outgoing packet a sent IBC sequence carries, until its ack or timeout.
pub fn sent(channel_id: &str, sequence: u64) -> String {
    format!("converter/sent/{channel_id}/{sequence:020}")
}

/// Ephemeral (per block): validator set changes waiting for the end of the block.
pub const VALSET_CHANGES: &str = "converter/valset_changes";

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are part of the app hash: changing one silently forks a running chain.
    #[test]
    fn storage_keys_are_pinned() {
        let operator = Address([0xab; 20]);
        let hex = "abababababababababababababababababababab";
        assert_eq!(provider("osmo"), "converter/provider/osmo");
        assert_eq!(channel("channel-0"), "converter/channel/channel-0");
        assert_eq!(
            position("osmo", &operator, "osmo1x"),
            format!("converter/position/osmo/{hex}/osmo1x")
        );
        assert_eq!(
            position_by_delegator("osmo", "osmo1x", &operator),
            format!("converter/position_by_delegator/osmo/osmo1x/{hex}")
        );
        assert_eq!(
            staked("osmo", &operator),
            format!("converter/staked/osmo/{hex}")
        );
        assert_eq!(held_rewards("osmo"), "converter/held_rewards/osmo");
        assert_eq!(
            unattributed_burn("osmo", &operator),
            format!("converter/unattributed_burn/osmo/{hex}")
        );
        assert_eq!(
            outgoing("osmo", 7),
            "converter/outbox/osmo/00000000000000000007"
        );
        assert_eq!(NEXT_PACKET_ID, "converter/next_packet_id");
    }
}
