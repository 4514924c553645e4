//! Checks of the harness itself, run against CometBFT's built-in `kvstore` app (no rmeshd needed).

use rmesh_e2e::{App, TestNet, WAIT};

#[test]
fn the_harness_runs_kvstore_validators_and_restarts_a_killed_one() -> anyhow::Result<()> {
    let mut net = TestNet::builder().validators(2).app(App::KvStore).start()?;
    net.wait_all_for_height(3, WAIT)?;
    // Nodes sit on their own loopback addresses of one claimed block.
    assert_ne!(net.nodes[0].ip, net.nodes[1].ip);
    assert_eq!(net.nodes[0].ip.octets()[..3], net.nodes[1].ip.octets()[..3]);

    // With one of two validators down the chain stalls; after a restart both move on.
    net.kill_node(1);
    assert!(!net.nodes[1].cometbft_running());
    net.start_node(1)?;
    let h = net.height(0)?;
    net.wait_all_for_height(h + 2, WAIT)?;
    assert_eq!(
        net.app_hash_in_header(0, h + 1)?,
        net.app_hash_in_header(1, h + 1)?
    );
    Ok(())
}

#[test]
fn two_test_nets_in_one_process_get_different_addresses() -> anyhow::Result<()> {
    let a = TestNet::builder().app(App::KvStore).start()?;
    let b = TestNet::builder().app(App::KvStore).start()?;
    assert_ne!(a.nodes[0].ip, b.nodes[0].ip);
    a.wait_for_height(0, 2, WAIT)?;
    b.wait_for_height(0, 2, WAIT)?;
    Ok(())
}
