//! Proof of stake on a real 4-validator net: each node's consensus key is a staking genesis
//! validator with 100 tokens (100 power), and CometBFT's validator set follows the staking module.

use anyhow::{anyhow, Context, Result};
use rmesh_e2e::{strs, wait_until, TestNet, DENOM, FEE, POWER_REDUCTION, SELF_BOND, WAIT};
use serde_json::Value;

/// The voting power CometBFT gives `address` in `set`, if it is in it.
fn power_in(set: &[(String, u64)], address: &str) -> Option<u64> {
    set.iter().find(|(a, _)| a == address).map(|(_, p)| *p)
}

/// The height a `--wait` tx was committed at.
fn tx_height(committed: &Value) -> Result<u64> {
    rmesh_e2e::as_u128(&committed["height"])
        .map(|h| h as u64)
        .ok_or_else(|| anyhow!("no height in {committed}"))
}

fn tokens(validator: &Value) -> u128 {
    rmesh_e2e::as_u128(&validator["tokens"]).unwrap_or_default()
}

/// The value of attribute `key` of the first event of type `kind` in a committed tx's JSON.
fn event_attribute<'a>(committed: &'a Value, kind: &str, key: &str) -> Option<&'a str> {
    committed["events"]
        .as_array()?
        .iter()
        .filter(|e| e["type"].as_str() == Some(kind))
        .flat_map(|e| e["attributes"].as_array().into_iter().flatten())
        .find(|a| a["key"].as_str() == Some(key))
        .and_then(|a| a["value"].as_str())
}

#[test]
fn a_fifth_node_joins_as_a_full_node_and_create_validator_makes_it_a_validator_that_signs_blocks(
) -> Result<()> {
    let mut net = TestNet::start(4)?;
    let joined = net.add_full_node()?;
    let address = net.nodes[joined].consensus_address()?;
    assert_eq!(power_in(&net.validators(0, None)?, &address), None);

    // Its operator key gets tokens from alice, then sends create-validator through the new node
    // itself, with the new node's consensus key.
    let operator = net.new_key("validator4")?;
    net.cli_send(0, "alice", &operator, &format!("{}{DENOM}", 2 * SELF_BOND))?;
    net.wait_for_balance(joined, &operator, 2 * SELF_BOND)?;
    let pubkey = net.nodes[joined].consensus_pubkey()?;
    let bond = format!("{SELF_BOND}{DENOM}");
    let created = net.cli_tx(
        joined,
        &[
            "staking",
            "create-validator",
            &bond,
            "--moniker",
            "node4",
            "--pubkey",
            &pubkey,
            "--from",
            "validator4",
        ],
    )?;
    let h = tx_height(&created)?;

    // The update returned by FinalizeBlock(h) takes effect at h + 2.
    net.wait_for_height(0, h + 2, WAIT)?;
    assert_eq!(power_in(&net.validators(0, Some(h + 1))?, &address), None);
    let set = net.validators(0, Some(h + 2))?;
    let power = (SELF_BOND / POWER_REDUCTION) as u64;
    assert_eq!(
        power_in(&set, &address),
        Some(power),
        "set at {}: {set:?}",
        h + 2
    );
    assert_eq!(set.len(), 5);
    let validator = net.staking_validator(0, &net.valoper("validator4")?)?;
    assert_eq!(validator["status"], "BOND_STATUS_BONDED", "{validator}");
    assert_eq!(tokens(&validator), SELF_BOND, "{validator}");

    // It signs: a commit from h + 2 on carries its signature.
    wait_until("the joined validator to sign a block", WAIT, || {
        let top = net.height(0)?;
        Ok((h + 2..top).any(|x| net.signed_commit(0, x, &address).unwrap_or(false)))
    })?;
    Ok(())
}

/// A 4-validator net that judges liveness over 10 blocks and jails for 10 seconds.
fn net_with_a_short_slashing_window() -> Result<TestNet> {
    TestNet::builder()
        .validators(4)
        .genesis_param("signed-blocks-window", "10")
        .genesis_param("downtime-jail-seconds", "10")
        .start()
}

/// Kills node `victim` (its rmeshd and CometBFT) and waits until staking reports it jailed.
/// Returns node 0's height when it was killed.
fn stop_until_jailed(net: &mut TestNet, victim: usize) -> Result<u64> {
    let address = net.nodes[victim].consensus_address()?;
    let valoper = net.valoper(&format!("validator{victim}"))?;
    net.wait_for_height(0, 3, WAIT)?;
    assert!(power_in(&net.validators(0, None)?, &address).is_some());
    net.kill_node(victim);
    let stopped_at = net.height(0)?;
    // More than half of a 10-block window missed, and the window has passed: jailed.
    wait_until("the stopped validator to be jailed", WAIT, || {
        Ok(net.staking_validator(0, &valoper)?["jailed"] == true)
    })?;
    Ok(stopped_at)
}

#[test]
fn a_stopped_validator_is_jailed_and_slashed_after_the_window_while_the_chain_goes_on() -> Result<()>
{
    let mut net = net_with_a_short_slashing_window()?;
    let victim = 3;
    let address = net.nodes[victim].consensus_address()?;
    let stopped_at = stop_until_jailed(&mut net, victim)?;
    let validator = net.staking_validator(0, &net.valoper("validator3")?)?;
    assert_ne!(validator["status"], "BOND_STATUS_BONDED", "{validator}");
    // Downtime slashes 1% of its stake.
    assert_eq!(
        tokens(&validator),
        SELF_BOND - SELF_BOND / 100,
        "{validator}"
    );
    let info = net.signing_info(0, &address)?;
    assert_ne!(info["jailed_until"], "0", "{info}");
    assert_eq!(info["tombstoned"], false, "{info}");

    // CometBFT drops it, and the other three (300 of 400 power) keep committing blocks.
    wait_until("CometBFT to drop the jailed validator", WAIT, || {
        Ok(power_in(&net.validators(0, None)?, &address).is_none())
    })?;
    let h = net.wait_blocks(0, 3)?;
    assert!(h > stopped_at + 3, "the chain stalled at {h}");
    let set = net.validators(0, None)?;
    assert_eq!(set.len(), 3, "{set:?}");
    for i in 0..3 {
        let other = net.staking_validator(0, &net.valoper(&format!("validator{i}"))?)?;
        assert_eq!(other["jailed"], false, "{other}");
        assert_eq!(tokens(&other), SELF_BOND, "{other}");
    }
    Ok(())
}

#[test]
fn a_jailed_validator_restarted_after_its_jail_time_unjails_and_signs_again() -> Result<()> {
    let mut net = net_with_a_short_slashing_window()?;
    let victim = 3;
    let address = net.nodes[victim].consensus_address()?;
    stop_until_jailed(&mut net, victim)?;
    // Unjailing is refused until the jail time (10 s) is over.
    let early = net.cli(&strs(&net.tx_args(
        0,
        &["slashing", "unjail", "--from", "validator3"],
        true,
    )))?;
    assert!(
        !early.success(),
        "unjail right after jailing: {}",
        early.stdout
    );
    assert!(early.stderr.contains("still jailed"), "{}", early.stderr);

    net.start_node(victim)?;
    net.wait_for_height(victim, net.height(0)?, WAIT)?;
    let jailed_until: i64 = net.signing_info(0, &address)?["jailed_until"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .context("no jailed_until")?;
    wait_until("a block past the jail time", WAIT, || {
        let time = net.block_time(0, net.height(0)?)?;
        let time = tendermint::Time::parse_from_rfc3339(&time).map_err(|e| anyhow!("{e}"))?;
        Ok(time.unix_timestamp() > jailed_until)
    })?;
    let unjailed = net.cli_tx(0, &["slashing", "unjail", "--from", "validator3"])?;
    let h = tx_height(&unjailed)?;

    // Back in CometBFT's set two blocks later, with the power its slashed stake gives.
    net.wait_for_height(0, h + 2, WAIT)?;
    let power = ((SELF_BOND - SELF_BOND / 100) / POWER_REDUCTION) as u64;
    assert_eq!(
        power_in(&net.validators(0, Some(h + 2))?, &address),
        Some(power)
    );
    let validator = net.staking_validator(0, &net.valoper("validator3")?)?;
    assert_eq!(validator["jailed"], false, "{validator}");
    assert_eq!(validator["status"], "BOND_STATUS_BONDED", "{validator}");
    wait_until("the unjailed validator to sign a block", WAIT, || {
        let top = net.height(0)?;
        Ok((h + 2..top).any(|x| net.signed_commit(0, x, &address).unwrap_or(false)))
    })?;
    Ok(())
}

#[test]
fn duplicate_vote_evidence_from_a_validators_key_tombstones_and_slashes_it() -> Result<()> {
    let net = TestNet::start(4)?;
    let victim = 2;
    let address = net.nodes[victim].consensus_address()?;
    let valoper = net.valoper("validator2")?;

    let e = net.double_sign(victim)?;
    let info = net.signing_info(0, &address)?;
    assert_eq!(info["tombstoned"], true, "{info}");
    let validator = net.staking_validator(0, &valoper)?;
    assert_eq!(validator["jailed"], true, "{validator}");
    // Double signing slashes 5% of the stake it had at the infraction height.
    assert_eq!(
        tokens(&validator),
        SELF_BOND - SELF_BOND * 5 / 100,
        "{validator}"
    );
    net.wait_for_height(0, e + 2, WAIT)?;
    assert!(power_in(&net.validators(0, Some(e + 1))?, &address).is_some());
    assert_eq!(power_in(&net.validators(0, Some(e + 2))?, &address), None);
    // The other three go on.
    net.wait_blocks(0, 2)?;
    assert_eq!(net.validators(0, None)?.len(), 3);
    Ok(())
}

#[test]
fn a_delegator_withdraws_non_zero_rewards_that_land_in_its_balance() -> Result<()> {
    let net = TestNet::start(4)?;
    let bob = net.address("bob");
    let valoper = net.valoper("validator0")?;
    net.cli_tx(
        0,
        &[
            "staking",
            "delegate",
            &valoper,
            &format!("50000000{DENOM}"),
            "--from",
            "bob",
        ],
    )?;
    net.wait_blocks(0, 5)?;
    let pending = net.query(0, &["distribution", "rewards", &bob, &valoper])?;
    let pending = pending["rewards"][0]["amount"]
        .as_str()
        .and_then(|a| a.split('.').next()?.parse::<u128>().ok())
        .with_context(|| format!("no {DENOM} rewards in {pending}"))?;
    assert!(pending > 0, "no rewards after 5 blocks");

    let before = net.balance(0, &bob)?;
    let withdrawn = net.cli_tx(
        0,
        &[
            "distribution",
            "withdraw-rewards",
            &valoper,
            "--from",
            "bob",
        ],
    )?;
    let paid: u128 = event_attribute(&withdrawn, "withdraw_rewards", "amount")
        .and_then(|a| a.strip_suffix(DENOM)?.parse().ok())
        .with_context(|| format!("no withdraw_rewards amount in {withdrawn}"))?;
    // Paid at a later block than the query: at least what was pending then.
    assert!(paid >= pending, "paid {paid} < pending {pending}");
    assert_eq!(net.balance(0, &bob)?, before + paid - FEE);
    Ok(())
}
