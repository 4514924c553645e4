//! Every storage key of external staking.

use rmesh_core::Address;

pub const CONSUMER_PREFIX: &str = "external_staking/consumer/";

pub fn consumer(id: &str) -> String {
    format!("{CONSUMER_PREFIX}{id}")
}

/// The consumer bound to an open channel.
pub fn channel(channel_id: &str) -> String {
    format!("external_staking/channel/{channel_id}")
}

pub const OPENING_PREFIX: &str = "external_staking/opening/";

/// The consumer a channel in the handshake (after OpenTry) is for.
pub fn opening_channel(channel_id: &str) -> String {
    format!("{OPENING_PREFIX}{channel_id}")
}

/// What a consumer last reported about one validator.
pub fn validator(consumer: &str, valoper: &str) -> String {
    format!("{}{valoper}", validators_of(consumer))
}

pub fn validators_of(consumer: &str) -> String {
    format!("external_staking/validator/{consumer}/")
}

/// A validator's state from a consumer height on; heights zero-padded so keys sort by height.
pub fn validator_history(consumer: &str, valoper: &str, height: u64) -> String {
    format!("{}{height:020}", validator_history_of(consumer, valoper))
}

pub fn validator_history_of(consumer: &str, valoper: &str) -> String {
    format!("external_staking/validator_history/{consumer}/{valoper}/")
}

/// One owner's stake with one consumer validator.
pub fn stake(consumer: &str, valoper: &str, owner: &Address) -> String {
    format!("{}{}", stakes_with(consumer, valoper), owner.to_hex())
}

pub fn stakes_with(consumer: &str, valoper: &str) -> String {
    format!("external_staking/stake/{consumer}/{valoper}/")
}

/// Index of an owner's stakes by validator (the value is empty).
pub fn stake_by_owner(consumer: &str, owner: &Address, valoper: &str) -> String {
    format!("{}{valoper}", stakes_of_owner(consumer, owner))
}

pub fn stakes_of_owner(consumer: &str, owner: &Address) -> String {
    format!(
        "external_staking/stake_by_owner/{consumer}/{}/",
        owner.to_hex()
    )
}

pub fn stake_owners_of(consumer: &str) -> String {
    format!("external_staking/stake_by_owner/{consumer}/")
}

/// Total stake and reward index of one consumer validator.
pub fn pool(consumer: &str, valoper: &str) -> String {
    format!("external_staking/pool/{consumer}/{valoper}")
}

/// The denom a consumer pays rewards in, fixed by its first reward.
pub fn reward_denom(consumer: &str) -> String {
    format!("external_staking/reward_denom/{consumer}")
}

pub const NEXT_TX_ID: &str = "external_staking/next_tx_id";

/// A transaction waiting for the consumer's ack, by tx id.
pub fn pending(consumer: &str, tx_id: u64) -> String {
    format!("{}{tx_id:020}", pending_of(consumer))
}

pub fn pending_of(consumer: &str) -> String {
    format!("external_staking/pending/{consumer}/")
}

/// The (consumer, tx id) of a packet we sent, by channel and sequence.
pub fn sent(channel: &str, sequence: u64) -> String {
    format!("external_staking/sent/{channel}/{sequence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_keys_sort_by_height() {
        assert!(validator_history("c", "v", 9) < validator_history("c", "v", 10));
        assert_eq!(
            validator_history("c", "v", 7),
            "external_staking/validator_history/c/v/00000000000000000007"
        );
    }
}
