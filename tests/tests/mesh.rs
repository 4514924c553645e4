//! Mesh security through the CLI on a real node: the mesh authority manages providers and
//! params, anyone else is refused, and the epoch clock and providers are queryable.

use anyhow::Result;
use rmesh_e2e::{cosmrs_address, TestNet, ALICE, WAIT};

fn net() -> Result<TestNet> {
    TestNet::builder()
        .genesis_param("mesh-authority", &cosmrs_address(ALICE)?)
        .genesis_param("epoch-length", "3")
        .start()
}

#[test]
fn the_mesh_authority_adds_and_prices_a_provider_with_the_cli_and_others_are_refused() -> Result<()>
{
    let net = net()?;
    net.cli_tx(
        0,
        &[
            "converter",
            "add-provider",
            "osmo",
            "uosmo",
            "--price",
            "0.5",
            "--discount",
            "0.1",
            "--cap",
            "1000000000",
            "--from",
            "alice",
        ],
    )?;
    net.cli_tx(
        0,
        &["converter", "set-price", "osmo", "0.75", "--from", "alice"],
    )?;
    let provider = net.query(0, &["converter", "provider", "osmo"])?;
    assert_eq!(provider["remote_denom"], "uosmo", "{provider}");
    assert_eq!(provider["price"], "0.750000000000000000");
    assert_eq!(provider["discount"], "0.100000000000000000");
    assert_eq!(provider["status"], "active");
    assert_eq!(provider["staked"], "0");

    let refused = net.cli(
        &net.tx_args(
            0,
            &[
                "converter",
                "update-provider",
                "osmo",
                "--cap",
                "1",
                "--from",
                "bob",
            ],
            true,
        )
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    )?;
    assert!(!refused.success());
    assert!(
        refused.stderr.contains("only the mesh authority"),
        "{}",
        refused.stderr
    );
    let providers = net.query(0, &["converter", "providers"])?;
    assert_eq!(providers["providers"][0]["cap"], "1000000000");
    Ok(())
}

#[test]
fn epochs_advance_every_epoch_length_blocks_and_the_authority_can_change_it() -> Result<()> {
    let net = net()?;
    let first = net.query(0, &["virtual-staking", "epoch"])?;
    assert_eq!(first["epoch_length"], 3);
    let next = first["next_epoch_height"].as_u64().unwrap_or_default();
    assert_eq!(next % 3, 0, "{first}");
    net.wait_for_height(0, next + 1, WAIT)?;
    let later = net.query(0, &["virtual-staking", "epoch"])?;
    assert!(
        later["current_epoch"].as_u64() > first["current_epoch"].as_u64(),
        "{later}"
    );
    assert_eq!(
        later["last_epoch_height"].as_u64().unwrap_or_default() % 3,
        0
    );

    net.cli_tx(
        0,
        &[
            "virtual-staking",
            "update-params",
            "--epoch-length",
            "7",
            "--max-remote-share",
            "0.4",
            "--from",
            "alice",
        ],
    )?;
    let params = net.query(0, &["virtual-staking", "params"])?;
    assert_eq!(params["params"]["epoch_length"], 7, "{params}");
    assert_eq!(params["params"]["max_remote_share"], "0.400000000000000000");
    assert_eq!(
        params["params"]["tombstone_auto_unbond"], true,
        "unchanged flags are kept"
    );
    let supply = net.query(0, &["virtual-staking", "supply"])?;
    assert_eq!(supply["minted"], "0");
    assert_eq!(supply["denom"], "urmesh");
    Ok(())
}
