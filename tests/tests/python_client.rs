//! A Python user: cosmpy, a maintained Cosmos client from PyPI, reads a balance, sends tokens and
//! delegates over gRPC and over the REST API (`tests/python/wallet_scenario.py`), and the chain
//! shows each result.
//! cosmpy is installed into a virtualenv under the user's cache the first time; the test is
//! skipped, saying so, only when PyPI cannot be reached.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rmesh_e2e::{Node, TestNet, ALICE, DENOM, PREFIX, WAIT};
use serde_json::Value;

const PYPI: &str = "https://pypi.org/simple/cosmpy/";

fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// The virtualenv with the pinned requirements, made once per requirements file: its directory
/// is named by the file's hash, and is built beside it and renamed into place when complete.
fn cosmpy_python() -> Result<Option<PathBuf>> {
    let requirements = python_dir().join("requirements.txt");
    let pinned = std::fs::read(&requirements)?;
    let digest = hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(&pinned)[..8]);
    let cache = PathBuf::from(std::env::var("HOME")?).join(".cache/rmesh-python");
    let venv = cache.join(format!("cosmpy-{digest}"));
    let python = venv.join("bin/python");
    if python.exists() {
        return Ok(Some(python));
    }
    let reachable = Command::new("python3")
        .args([
            "-c",
            &format!("import urllib.request; urllib.request.urlopen({PYPI:?}, timeout=15)"),
        ])
        .status()
        .context("python3 is needed for the Python client scenario")?
        .success();
    if !reachable {
        return Ok(None);
    }
    std::fs::create_dir_all(&cache)?;
    let building = tempfile::Builder::new()
        .prefix("building-")
        .tempdir_in(&cache)?;
    let run = |command: &mut Command, what: &str| -> Result<()> {
        let output = command.output()?;
        if !output.status.success() {
            bail!("{what} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(())
    };
    run(
        Command::new("python3")
            .args(["-m", "venv"])
            .arg(building.path()),
        "creating a virtualenv",
    )?;
    run(
        Command::new(building.path().join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
        "installing cosmpy from PyPI",
    )?;
    // A virtualenv names its own path in its scripts; only `bin/python` is used, which is not
    // tied to it, so the finished environment can move into place.
    let built = building.keep();
    if std::fs::rename(&built, &venv).is_err() {
        // Another run finished first; use its environment.
        std::fs::remove_dir_all(&built).ok();
    }
    Ok(Some(python))
}

#[test]
fn a_python_wallet_reads_a_balance_sends_tokens_and_delegates_over_grpc() -> Result<()> {
    wallet_scenario(|node| format!("grpc+http://{}", node.grpc_addr()))
}

#[test]
fn a_python_wallet_reads_a_balance_sends_tokens_and_delegates_over_rest() -> Result<()> {
    wallet_scenario(|node| format!("rest+{}", node.api_url()))
}

/// cosmpy's wallet scenario against a fresh node at the URL `url` names for it.
fn wallet_scenario(url: impl Fn(&Node) -> String) -> Result<()> {
    let Some(python) = cosmpy_python()? else {
        eprintln!("SKIPPED: PyPI ({PYPI}) cannot be reached, so cosmpy cannot be installed");
        return Ok(());
    };
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let carol = net.address("carol");
    let valoper = net.valoper("validator0")?;
    let url = url(&net.nodes[0]);
    let output = Command::new(&python)
        .arg(python_dir().join("wallet_scenario.py"))
        .args([
            url.as_str(),
            net.chain_id.as_str(),
            ALICE,
            carol.as_str(),
            valoper.as_str(),
            DENOM,
            PREFIX,
        ])
        .output()?;
    if !output.status.success() {
        bail!(
            "the cosmpy scenario failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let seen: Value = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("{}", String::from_utf8_lossy(&output.stdout)))?;
    let alice = net.address("alice");
    assert_eq!(
        seen["address"],
        alice.as_str(),
        "cosmpy derives the same address"
    );
    assert_eq!(seen["recipient_balance"], 12345);
    assert_eq!(seen["staked"], 2_000_000);
    assert_eq!(seen["block_gas_limit"], -1, "the consensus params' max_gas");

    // The chain itself shows what the client did.
    assert_eq!(net.balance(0, &carol)?, 12345);
    let delegations = net.query(0, &["staking", "delegations", &alice])?;
    let to_validator = delegations["delegation_responses"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|d| d["validator_address"] == valoper.as_str())
        })
        .with_context(|| format!("no delegation to {valoper} in {delegations}"))?;
    assert_eq!(to_validator["balance"]["amount"], "2000000");
    let before = seen["balance_before"].as_u64().context("balance_before")?;
    let after = seen["balance_after"].as_u64().context("balance_after")?;
    assert!(
        before - after > 2_012_345,
        "alice paid the amounts and the fees: {before} -> {after}"
    );
    for key in ["send_tx", "delegate_tx"] {
        let hash = seen[key].as_str().context("a tx hash")?;
        net.wait_for_tx(0, hash, Duration::from_secs(10))?;
    }
    Ok(())
}
