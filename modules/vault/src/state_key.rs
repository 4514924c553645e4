//! Every storage key of the vault, all under `vault/`.
//!
//! Lien holder ids may contain `/` ("external/<consumer>"), so a holder is always either the
//! last key segment after a fixed-length user (liens) or followed by a fixed-length user (cuts);
//! readers of a holder's cuts keep only keys whose rest is exactly one user.

use rmesh_core::Address;

pub const COLLATERAL_PREFIX: &str = "vault/collateral/";

/// A user's collateral (bond denom).
pub fn collateral(user: &Address) -> String {
    format!("{COLLATERAL_PREFIX}{}", user.to_hex())
}

/// One lien of a user: JSON `Lien`.
pub fn lien(user: &Address, holder: &str) -> String {
    format!("{}{holder}", liens_of(user))
}

pub fn liens_of(user: &Address) -> String {
    format!("vault/lien/{}/", user.to_hex())
}

/// Lien a slash cut from a holder for a user, waiting for the holder to take it.
pub fn cut(holder: &str, user: &Address) -> String {
    format!("{}{}", cuts_of(holder), user.to_hex())
}

pub fn cuts_of(holder: &str) -> String {
    format!("vault/cut/{holder}/")
}

/// Tokens a slash could not burn yet because the user's collateral was delegated; burned at the
/// end of the block once the local cut brought them back.
pub const BURN_OWED_PREFIX: &str = "vault/burn_owed/";

pub fn burn_owed(user: &Address) -> String {
    format!("{BURN_OWED_PREFIX}{}", user.to_hex())
}

/// The share of the "local" lien backing an owner's delegation to one validator.
pub fn local_delegation(owner: &Address, validator: &Address) -> String {
    format!("{}{}", local_delegations_of(owner), validator.to_hex())
}

pub fn local_delegations_of(owner: &Address) -> String {
    format!("vault/local/delegation/{}/", owner.to_hex())
}

/// Owners with local stake (delegated or unbonding) at a validator, for its slashes.
pub fn local_staker(validator: &Address, owner: &Address) -> String {
    format!("{}{}", local_stakers_of(validator), owner.to_hex())
}

pub fn local_stakers_of(validator: &Address) -> String {
    format!("vault/local/staker/{}/", validator.to_hex())
}

/// What an owner's unbonding from a validator completing at that time still holds.
pub fn local_unbonding(owner: &Address, validator: &Address, completes_nanos: u64) -> String {
    format!(
        "{}{completes_nanos:020}",
        local_unbondings_at(owner, validator)
    )
}

pub fn local_unbondings_at(owner: &Address, validator: &Address) -> String {
    format!("{}{}/", local_unbondings_of(owner), validator.to_hex())
}

pub fn local_unbondings_of(owner: &Address) -> String {
    format!("vault/local/unbonding/{}/", owner.to_hex())
}

/// The maturity queue of local unbondings, by completion time (zero-padded so key order is
/// time order).
pub const LOCAL_UNBONDING_QUEUE_PREFIX: &str = "vault/local/unbonding_queue/";

pub fn local_unbonding_queue(completes_nanos: u64, owner: &Address, validator: &Address) -> String {
    format!(
        "{LOCAL_UNBONDING_QUEUE_PREFIX}{completes_nanos:020}/{}/{}",
        owner.to_hex(),
        validator.to_hex()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are part of the app hash: changing one silently forks a running chain.
    #[test]
    fn storage_keys_are_pinned() {
        let user = Address([0xab; 20]);
        let hex = "abababababababababababababababababababab";
        assert_eq!(collateral(&user), format!("vault/collateral/{hex}"));
        assert_eq!(
            lien(&user, "external/osmo"),
            format!("vault/lien/{hex}/external/osmo")
        );
        assert_eq!(liens_of(&user), format!("vault/lien/{hex}/"));
        assert_eq!(cut("local", &user), format!("vault/cut/local/{hex}"));
        assert_eq!(cuts_of("external/osmo"), "vault/cut/external/osmo/");
        let val = Address([0xcd; 20]);
        let vhex = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
        assert_eq!(burn_owed(&user), format!("vault/burn_owed/{hex}"));
        assert_eq!(
            local_delegation(&user, &val),
            format!("vault/local/delegation/{hex}/{vhex}")
        );
        assert_eq!(
            local_staker(&val, &user),
            format!("vault/local/staker/{vhex}/{hex}")
        );
        assert_eq!(
            local_unbonding(&user, &val, 42),
            format!("vault/local/unbonding/{hex}/{vhex}/00000000000000000042")
        );
        assert_eq!(
            local_unbonding_queue(42, &user, &val),
            format!("vault/local/unbonding_queue/00000000000000000042/{hex}/{vhex}")
        );
    }
}
