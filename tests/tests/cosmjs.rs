//! A wallet's view: stock cosmjs (StargateClient / SigningStargateClient) reads balances and sends
//! tokens against a real node, with no special configuration (gas estimated by Simulate); an
//! amino-only wallet (Secp256k1HdWallet, what Ledger and Keplr's amino signer sign) sends,
//! delegates, withdraws rewards, bonds in the vault, sends multi-message txs and ICS-20 transfers.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};
use rmesh_e2e::hermes::{relayed_chain, voucher, Hermes};
use rmesh_e2e::{wait_until, TestNet, ALICE, DAVE, DENOM, GENESIS_COINS, WAIT};
use serde_json::Value;

/// Installs the pinned cosmjs packages (tests/cosmjs/package-lock.json) once.
fn cosmjs_dir() -> anyhow::Result<&'static Path> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/cosmjs"));
    let installed = ["@cosmjs/stargate", "@cosmjs/amino", "cosmjs-types"]
        .iter()
        .all(|package| dir.join("node_modules").join(package).exists());
    if !installed {
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

/// SIGN_MODE_LEGACY_AMINO_JSON and SIGN_MODE_DIRECT as `cosmos.tx.signing.v1beta1.SignMode`.
const AMINO: i64 = 127;
const DIRECT: i64 = 1;

/// Runs `amino.mjs` with `args` and returns its report (it exits non-zero if any tx failed).
fn run_amino_script(dir: &Path, args: Value) -> anyhow::Result<Value> {
    let output = rmesh_e2e::run_with_timeout(
        Command::new("node")
            .arg("amino.mjs")
            .arg(args.to_string())
            .current_dir(dir),
        None,
        WAIT * 4,
    )?;
    serde_json::from_str(output.stdout.trim())
        .with_context(|| format!("cosmjs printed: {}\n{}", output.stdout, output.stderr))
}

fn assert_step(report: &Value, step: &str, mode: i64) {
    let outcome = &report["steps"][step];
    assert_eq!(outcome["code"], 0, "{step}: {outcome}");
    assert_eq!(
        outcome["modes"],
        serde_json::json!([mode]),
        "{step}: {outcome}"
    );
}

#[test]
fn an_amino_wallet_sends_delegates_withdraws_bonds_and_signs_beside_a_direct_wallet(
) -> anyhow::Result<()> {
    let dir = cosmjs_dir()?;
    let net = TestNet::start(1)?;
    let alice = net.address("alice");
    let carol = net.address("carol");
    let validator = net.valoper("validator0")?;
    let report = run_amino_script(
        dir,
        serde_json::json!({
            "scenario": "wallet",
            "rpc": net.nodes[0].rpc_url(),
            "mnemonic": ALICE,
            "denom": DENOM,
            "recipient": carol,
            "validator": validator,
        }),
    )?;
    assert_eq!(report["address"], alice.as_str());
    for step in [
        "send",
        "delegate",
        "withdraw",
        "bond",
        "multi",
        "aminoAfterDirect",
    ] {
        assert_step(&report, step, AMINO);
    }
    assert_step(&report, "direct", DIRECT);

    // What the user sees, from the node's own queries.
    net.wait_for_balance(0, &carol, 1111 + 222 + 333 + 444)?;
    let delegations = net.query(0, &["staking", "delegations", &alice])?;
    let to_validator = delegations["delegation_responses"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|d| d["validator_address"] == validator.as_str())
        })
        .with_context(|| format!("no delegation to {validator} in {delegations}"))?;
    assert_eq!(
        to_validator["balance"]["amount"], "3000000",
        "{delegations}"
    );
    assert_eq!(report["delegation"], "3000000");
    let account = net.query(0, &["vault", "account", &alice])?;
    assert_eq!(account["collateral"], "3001000", "{account}");
    let rewards = report["withdraw"]["events"]
        .as_array()
        .and_then(|events| events.first())
        .and_then(|event| event["attributes"].as_array())
        .and_then(|attributes| {
            attributes
                .iter()
                .find(|attribute| attribute["key"] == "amount")
        })
        .and_then(|attribute| attribute["value"].as_str())
        .and_then(|amount| amount.strip_suffix(DENOM))
        .and_then(|amount| amount.parse::<u128>().ok())
        .with_context(|| format!("no withdrawn amount in {}", report["withdraw"]))?;
    assert!(rewards > 0, "the delegation earned rewards: {report}");
    Ok(())
}

#[test]
fn an_amino_wallet_sends_an_ics20_transfer_over_a_real_channel() -> anyhow::Result<()> {
    const A: &str = "aminoa-1";
    const B: &str = "aminob-1";
    let dir = cosmjs_dir()?;
    let (a, b) = (relayed_chain(A)?, relayed_chain(B)?);
    let mut hermes = Hermes::configure(a.root.join("hermes"), &[&a, &b], DAVE)?;
    hermes.create_transfer_channel(A, B)?;
    hermes.start()?;
    let receiver = b.address("carol");
    let report = run_amino_script(
        dir,
        serde_json::json!({
            "scenario": "transfer",
            "rpc": a.nodes[0].rpc_url(),
            "mnemonic": ALICE,
            "denom": DENOM,
            "receiver": receiver,
            "channel": "channel-0",
            "amount": "7777",
        }),
    )?;
    assert_step(&report, "transfer", AMINO);
    let denom = voucher("transfer/channel-0/urmesh");
    wait_until("the amino-signed transfer's voucher on B", WAIT, || {
        let balances = b.query(0, &["bank", "balances", &receiver])?;
        Ok(rmesh_e2e::balance_of(&balances, &denom).unwrap_or(0) == 7777)
    })?;
    hermes.stop();
    Ok(())
}
