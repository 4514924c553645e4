//! Events of the vault (every attribute indexed).

use rmesh_core::EventBuilder;
use tendermint::abci::Event;

/// `vault_<action>` with the owner and the given attributes.
pub fn vault(action: &str, owner: &str, attributes: &[(&str, String)]) -> Event {
    attributes
        .iter()
        .fold(
            EventBuilder::new(format!("vault_{action}")).attr("owner", owner),
            |event, (key, value)| event.attr(*key, value.clone()),
        )
        .build()
}

pub fn bond(owner: &str, amount: u128, collateral: u128) -> Event {
    vault(
        "bond",
        owner,
        &[
            ("amount", amount.to_string()),
            ("collateral", collateral.to_string()),
        ],
    )
}

pub fn unbond(owner: &str, amount: u128, collateral: u128) -> Event {
    vault(
        "unbond",
        owner,
        &[
            ("amount", amount.to_string()),
            ("collateral", collateral.to_string()),
        ],
    )
}

/// A lien grew: `lien` and `slashable` are the holder's lien after it.
pub fn lien(owner: &str, holder: &str, amount: u128, lien: u128, slashable: &str) -> Event {
    vault(
        "lien",
        owner,
        &[
            ("holder", holder.to_string()),
            ("amount", amount.to_string()),
            ("lien", lien.to_string()),
            ("slashable", slashable.to_string()),
        ],
    )
}

pub fn release(owner: &str, holder: &str, amount: u128, lien: u128) -> Event {
    vault(
        "release",
        owner,
        &[
            ("holder", holder.to_string()),
            ("amount", amount.to_string()),
            ("lien", lien.to_string()),
        ],
    )
}

/// One `cut` attribute per cut holder, `<amount>:<holder>` (amount first: holders are opaque).
/// `extra` attributes: `burned_by` for tokens staking already burned, `deferred` for a burn that
/// waits for delegated collateral to come back.
pub fn slash(
    owner: &str,
    holder: &str,
    requested: u128,
    slashed: u128,
    cuts: &[(String, u128)],
    extra: Vec<(&str, String)>,
) -> Event {
    let mut attributes = vec![
        ("holder", holder.to_string()),
        ("requested", requested.to_string()),
        ("slashed", slashed.to_string()),
    ];
    attributes.extend(extra);
    attributes.extend(
        cuts.iter()
            .map(|(cut_holder, cut)| ("cut", format!("{cut}:{cut_holder}"))),
    );
    vault("slash", owner, &attributes)
}

/// Collateral delegated to a validator of this chain; `staked` is the local stake there after.
pub fn stake_local(owner: &str, validator: &str, amount: u128, staked: u128) -> Event {
    vault(
        "stake_local",
        owner,
        &[
            ("validator", validator.to_string()),
            ("amount", amount.to_string()),
            ("staked", staked.to_string()),
        ],
    )
}

/// `unbonding` is what staking put into the unbonding entry; `completes_at` is unix nanos.
pub fn unstake_local(
    owner: &str,
    validator: &str,
    amount: u128,
    unbonding: u128,
    completes_at: u64,
) -> Event {
    vault(
        "unstake_local",
        owner,
        &[
            ("validator", validator.to_string()),
            ("amount", amount.to_string()),
            ("unbonding", unbonding.to_string()),
            ("completes_at", completes_at.to_string()),
        ],
    )
}

/// A local unbonding matured and its tokens are collateral in the vault again.
pub fn local_unbonded(owner: &str, validator: &str, amount: u128) -> Event {
    vault(
        "local_unbonded",
        owner,
        &[
            ("validator", validator.to_string()),
            ("amount", amount.to_string()),
        ],
    )
}

/// Local stake the "local" lien could no longer back left the validator at once.
pub fn local_cut(owner: &str, validator: &str, amount: u128, returned: u128) -> Event {
    vault(
        "local_cut",
        owner,
        &[
            ("validator", validator.to_string()),
            ("amount", amount.to_string()),
            ("returned", returned.to_string()),
        ],
    )
}

/// A deferred slash burn was paid; `owed` is what still waits.
pub fn burn_owed(owner: &str, burned: u128, owed: u128) -> Event {
    vault(
        "burn_owed",
        owner,
        &[("burned", burned.to_string()), ("owed", owed.to_string())],
    )
}
