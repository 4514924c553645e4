//! Every storage key of the virtual-staking module.

use rmesh_core::Address;

pub const PARAMS: &str = "virtual_staking/params";
pub const AUTHORITY: &str = "virtual_staking/authority";
pub const EPOCH: &str = "virtual_staking/epoch";
pub const MINTED: &str = "virtual_staking/minted";
pub const BURNED: &str = "virtual_staking/burned";

pub const DELEGATED_PREFIX: &str = "virtual_staking/delegated/";

/// Virtual stake (bond denom) `provider` has delegated to `operator`.
pub fn delegated(provider: &str, operator: &Address) -> String {
    format!("{DELEGATED_PREFIX}{provider}/{}", operator.to_hex())
}

pub fn delegated_of(provider: &str) -> String {
    format!("{DELEGATED_PREFIX}{provider}/")
}

/// Marks a validator tombstoned (its virtual stake leaves at the next epoch).
pub fn tombstoned(operator: &Address) -> String {
    format!("virtual_staking/tombstoned/{}", operator.to_hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are part of the app hash: changing one silently forks a running chain.
    #[test]
    fn storage_keys_are_pinned() {
        let operator = Address([0xab; 20]);
        let hex = "abababababababababababababababababababab";
        assert_eq!(
            delegated("osmo", &operator),
            format!("virtual_staking/delegated/osmo/{hex}")
        );
        assert_eq!(
            tombstoned(&operator),
            format!("virtual_staking/tombstoned/{hex}")
        );
        assert_eq!(
            [PARAMS, AUTHORITY, EPOCH, MINTED, BURNED],
            [
                "virtual_staking/params",
                "virtual_staking/authority",
                "virtual_staking/epoch",
                "virtual_staking/minted",
                "virtual_staking/burned"
            ]
        );
    }
}
