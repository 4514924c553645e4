//! The provider follows the consumer's validator set through `valset_update`: a validator that
//! joins is seen active, one jailed for downtime is seen jailed and active again once unjailed,
//! and one tombstoned for double-signing is seen tombstoned (and takes no more stake).

use anyhow::Result;
use rmesh_e2e::evidence::ConsensusKey;
use rmesh_e2e::mesh::{MeshPair, MeshTerms, CONSUMER};
use rmesh_e2e::{evidence, wait_until, WAIT};

#[test]
fn the_provider_sees_a_consumer_validator_join_get_jailed_return_and_get_tombstoned() -> Result<()>
{
    let pair = MeshPair::start(MeshTerms {
        consumer_params: vec![
            ("signed-blocks-window", "10"),
            ("downtime-jail-seconds", "5"),
        ],
        ..MeshTerms::default()
    })?;
    let consumer = &pair.consumer;

    // bob runs a validator no node signs for: small enough for the chain to go on without it.
    let key_file = consumer.root.join("ghost_validator_key.json");
    let pubkey = ConsensusKey::write_new(&key_file, [7; 32])?;
    let created = consumer.cli_tx(
        0,
        &[
            "staking",
            "create-validator",
            "10000000urmesh",
            "--moniker",
            "ghost",
            "--pubkey",
            &pubkey,
            "--from",
            "bob",
        ],
    )?;
    let joined_at = rmesh_e2e::as_u128(&created["height"]).unwrap_or_default() as u64;
    let ghost = consumer.valoper("bob")?;
    let state_on_provider = || -> Result<String> {
        Ok(pair
            .provider_validators()?
            .iter()
            .find(|v| v["valoper"] == ghost.as_str())
            .and_then(|v| v["state"].as_str())
            .unwrap_or("unknown")
            .to_string())
    };
    wait_until("the provider to see the new validator jailed", WAIT, || {
        Ok(state_on_provider()? == "jailed")
    })?;

    // The jailing (5 s) ends by the consumer's clock, counted from no later than now.
    let jailed_by = consumer.chain_time(0)?;
    consumer.wait_for_chain_time(0, jailed_by + 5 + 1)?;
    consumer.cli_tx(0, &["slashing", "unjail", "--from", "bob"])?;
    wait_until("the provider to see it active again", WAIT, || {
        Ok(pair.provider_history(&ghost)?.len() >= 3)
    })?;

    // It was in the set two blocks after joining: duplicate votes from then tombstone it.
    evidence::double_sign(
        consumer.nodes[0].rpc_addr(),
        &consumer.chain_id,
        &key_file,
        joined_at + 3,
    )?;
    // CometBFT indexes a block's txs after the block is committed: the state can show the
    // tombstone a moment before tx_search shows the tx that reported it.
    wait_until("the provider to see it tombstoned", WAIT, || {
        let indexed =
            pair.provider_history(&ghost)?.last().map(String::as_str) == Some("tombstoned");
        Ok(indexed && state_on_provider()? == "tombstoned")
    })?;
    let history = pair.provider_history(&ghost)?;
    assert_eq!(history[..3], ["active", "jailed", "active"], "{history:?}");
    assert_eq!(history.last().map(String::as_str), Some("tombstoned"));

    pair.provider_tx("alice", &["vault", "bond", "1000000"])?;
    let refused = pair.provider_tx_refused(
        "alice",
        &["vault", "stake-remote", CONSUMER, &ghost, "1000"],
    )?;
    assert!(refused.contains("is tombstoned"), "{refused}");
    Ok(())
}
