//! Slashing across the mesh, asserted on both chains. Collateral 200M backs local stake 199M
//! (slashable 0.05, the native double-sign fraction) and cross-stake (slashable 0.1), so only
//! 1M is free and a slash through one lien must reach the others:
//! - the consumer's validator double-signs (5%): the provider slashes the cross-stakers' 150M
//!   by 7.5M; collateral 192.5M is below the local lien 199M, which the vault cuts to 192.5M
//!   and unstakes the 6.5M at once;
//! - the provider's own validator double-signs (5%): the native slash takes 9.95M of the local
//!   199M; collateral 190.05M is below the cross lien 199M, which is cut to 190.05M and the
//!   8.95M are burned on the consumer, where bob also stakes with the same validator; once bob
//!   unstakes everything, both books hold alice's 190.05M.

use anyhow::Result;
use rmesh_e2e::mesh::{MeshPair, MeshTerms, CONSUMER};
use rmesh_e2e::{as_u128, wait_until, SELF_BOND, WAIT};

const CROSS: &str = "external/consumer-1";
const LOCAL: &str = "local";

fn collateral(pair: &MeshPair, owner: &str) -> Result<u128> {
    Ok(as_u128(&pair.vault(owner)?["collateral"]).unwrap_or_default())
}

/// Alice bonds 200M, stakes `local` with the provider's first validator and `cross` with the
/// consumer's, and waits until the consumer counts the cross-stake.
fn stake_both_ways(pair: &MeshPair, local: &str, cross: &str) -> Result<()> {
    let provider_validator = pair.provider.valoper("validator0")?;
    pair.provider_tx("alice", &["vault", "bond", "200000000"])?;
    pair.provider_tx(
        "alice",
        &["vault", "stake-local", &provider_validator, local],
    )?;
    pair.provider_tx(
        "alice",
        &["vault", "stake-remote", CONSUMER, &pair.validator, cross],
    )?;
    pair.wait_settled()?;
    assert_eq!(as_u128(&pair.vault("alice")?["free"]), Some(1_000_000));
    Ok(())
}

#[test]
fn a_consumer_double_sign_slashes_the_cross_stakers_collateral_and_the_vault_cuts_the_local_lien(
) -> Result<()> {
    let pair = MeshPair::start(MeshTerms {
        consumer_validators: 2,
        ..MeshTerms::default()
    })?;
    stake_both_ways(&pair, "199000000", "150000000")?;
    assert_eq!(pair.consumer_positions()?, 150_000_000);

    pair.consumer.double_sign(0)?;
    wait_until(
        "the provider saw the consumer's validator tombstoned",
        WAIT,
        || {
            Ok(pair
                .provider_validators()?
                .iter()
                .any(|v| v["valoper"] == pair.validator.as_str() && v["state"] == "tombstoned"))
        },
    )?;
    assert_eq!(
        pair.consumer_positions()?,
        142_500_000,
        "the consumer cut 5%"
    );
    wait_until("the vault cut the local lien", WAIT, || {
        Ok(pair.lien("alice", LOCAL)? == 192_500_000)
    })?;
    assert_eq!(pair.staked("alice")?, 142_500_000);
    assert_eq!(pair.lien("alice", CROSS)?, 142_500_000);
    assert_eq!(collateral(&pair, "alice")?, 192_500_000);
    let provider_validator = pair.provider.valoper("validator0")?;
    let tokens = as_u128(&pair.provider.staking_validator(0, &provider_validator)?["tokens"]);
    assert_eq!(
        tokens,
        Some(SELF_BOND + 192_500_000),
        "the 6.5M cut were unstaked on the provider"
    );
    Ok(())
}

/// Bob's 50M cross-stake shares the consumer validator with alice's. The burn of alice's cut
/// names no owner; when bob then unstakes all of his, both books hold alice's 190.05M and the
/// virtual stake is what that is worth.
#[test]
fn a_provider_double_sign_burns_the_cut_cross_lien_on_the_consumer_and_both_books_stay_equal(
) -> Result<()> {
    let pair = MeshPair::start(MeshTerms {
        provider_validators: 2,
        ..MeshTerms::default()
    })?;
    stake_both_ways(&pair, "199000000", "199000000")?;
    pair.bond_and_cross_stake("bob", "50000000", "50000000")?;
    pair.wait_settled()?;
    assert_eq!(pair.consumer_positions()?, 249_000_000);

    pair.provider.double_sign(0)?;
    wait_until(
        "the cut cross-stake was burned on the consumer",
        WAIT,
        || Ok(pair.consumer_positions()? == 240_050_000),
    )?;
    assert_eq!(collateral(&pair, "alice")?, 190_050_000);
    assert_eq!(pair.lien("alice", LOCAL)?, 189_050_000);
    assert_eq!(pair.lien("alice", CROSS)?, 190_050_000);
    assert_eq!(pair.staked("alice")?, 190_050_000);
    assert_eq!(pair.staked("bob")?, 50_000_000);
    assert_eq!(pair.consumer_position("bob")?, 50_000_000);

    pair.provider_tx(
        "bob",
        &[
            "external-staking",
            "unstake",
            CONSUMER,
            &pair.validator,
            "50000000",
        ],
    )?;
    pair.wait_settled()?;
    assert_eq!(pair.consumer_positions()?, 190_050_000);
    assert_eq!(pair.consumer_position("bob")?, 0);
    assert_eq!(
        pair.consumer_position("alice")?,
        pair.staked("alice")?,
        "alice's position is her stake on the provider"
    );
    wait_until("virtual stake worth alice's 190.05M", WAIT, || {
        Ok(pair.virtual_stake()? == 85_522_500)
    })?;
    Ok(())
}

#[test]
fn a_slash_for_an_infraction_before_an_unstake_also_takes_the_pending_unbonding() -> Result<()> {
    let pair = MeshPair::start(MeshTerms {
        consumer_validators: 2,
        unbonding_seconds: 3600,
        ..MeshTerms::default()
    })?;
    pair.bond_and_cross_stake("alice", "200000000", "100000000")?;
    pair.wait_settled()?;
    let infraction = pair.consumer.height(0)?;
    pair.consumer.wait_blocks(0, 2)?;
    pair.provider_tx(
        "alice",
        &[
            "external-staking",
            "unstake",
            CONSUMER,
            &pair.validator,
            "40000000",
        ],
    )?;
    pair.wait_settled()?;
    assert_eq!(pair.consumer_positions()?, 60_000_000);

    pair.consumer.double_sign_at(0, infraction)?;
    wait_until("the provider slashed alice", WAIT, || {
        Ok(pair.staked("alice")? == 57_000_000)
    })?;
    let stake = pair.stake("alice")?.expect("alice still stakes");
    assert_eq!(stake["unbondings"][0]["amount"], "38000000", "{stake}");
    assert_eq!(collateral(&pair, "alice")?, 195_000_000);
    assert_eq!(pair.lien("alice", CROSS)?, 95_000_000);
    assert_eq!(pair.consumer_positions()?, 57_000_000);
    Ok(())
}
