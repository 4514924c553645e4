//! A wallet's view: stock cosmjs (StargateClient / SigningStargateClient) reads balances and sends
//! tokens against a real node, with no special configuration (gas estimated by Simulate).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};
use rmesh_e2e::{TestNet, ALICE, DENOM, GENESIS_COINS, WAIT};
use serde_json::Value;

/// Installs the pinned cosmjs packages (tests/cosmjs/package-lock.json) once.
fn cosmjs_dir() -> anyhow::Result<&'static Path> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/cosmjs"));
    if !dir.join("node_modules/@cosmjs/stargate").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status()
            .context("npm is needed for the cosmjs test (scripts/install-tools.sh installs it)")?;
        if !status.success() {
            bail!("npm ci failed in {}", dir.display());
        }
    }
    Ok(dir)
}

#[test]
fn a_cosmjs_wallet_reads_balances_and_sends_tokens() -> anyhow::Result<()> {
    let dir = cosmjs_dir()?;
    let net = TestNet::start(1)?;
    let carol = net.address("carol");
    let output = rmesh_e2e::run_with_timeout(
        Command::new("node")
            .arg("send.mjs")
            .args([
                net.nodes[0].rpc_url().as_str(),
                ALICE,
                carol.as_str(),
                "4321",
                DENOM,
            ])
            .current_dir(dir),
        None,
        WAIT,
    )?;
    let report: Value = serde_json::from_str(output.stdout.trim())
        .with_context(|| format!("cosmjs printed: {}\n{}", output.stdout, output.stderr))?;
    assert_eq!(report["code"], 0, "{report}");
    assert_eq!(report["chainId"], net.chain_id.as_str());
    assert_eq!(report["before"], GENESIS_COINS.to_string());
    let after: u128 = report["after"].as_str().unwrap_or_default().parse()?;
    let fee = GENESIS_COINS - 4321 - after;
    assert!(
        fee > 0 && fee < 2_000,
        "cosmjs paid {fee} for an auto-estimated fee"
    );
    net.wait_for_balance(0, &carol, 4321)?;
    Ok(())
}
