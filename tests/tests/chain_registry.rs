//! The files a wallet or explorer adds the chain from: `rmeshd chain-registry` writes chain.json
//! and assetlist.json that the chain registry's published types accept and its Keplr converter
//! reads, a keplr.json that agrees with that converter, and endpoints that answer.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use rmesh_e2e::rpc::http;
use rmesh_e2e::{TestNet, DENOM, WAIT};
use serde_json::Value;

/// Installs the pinned registry packages (tests/registry/package-lock.json) once.
fn registry_dir() -> Result<&'static Path> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/registry"));
    if !dir.join("node_modules/@chain-registry/keplr").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status()
            .context(
                "npm is needed for the registry test (scripts/install-tools.sh installs it)",
            )?;
        if !status.success() {
            bail!("npm ci failed in {}", dir.display());
        }
    }
    Ok(dir)
}

fn read(dir: &Path, name: &str) -> Result<Value> {
    let text = std::fs::read_to_string(dir.join(name)).with_context(|| name.to_string())?;
    serde_json::from_str(&text).with_context(|| format!("{name} is not JSON"))
}

#[test]
fn the_chain_registry_files_pass_the_registrys_types_and_point_at_a_live_net() -> Result<()> {
    let registry = registry_dir()?;
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let node = &net.nodes[0];
    let out = tempfile::tempdir()?;
    let out_dir = out.path().to_str().context("temp path")?;
    net.cli_ok(&[
        "chain-registry",
        "--home",
        node.home.to_str().context("home path")?,
        "--out",
        out_dir,
        "--rpc",
        &node.rpc_url(),
        "--rest",
        &node.api_url(),
        "--grpc",
        &node.grpc_addr(),
    ])?;
    let chain = read(out.path(), "chain.json")?;
    let assets = read(out.path(), "assetlist.json")?;
    let keplr = read(out.path(), "keplr.json")?;
    assert_eq!(chain["chain_id"], net.chain_id.as_str());
    assert_eq!(chain["slip44"], 118);
    assert_eq!(chain["staking"]["staking_tokens"][0]["denom"], DENOM);
    assert_eq!(assets["assets"][0]["base"], DENOM);

    // The registry's own tools accept the files, and its Keplr converter says what ours says.
    let output = rmesh_e2e::run_with_timeout(
        Command::new("node")
            .arg("check.mjs")
            .arg(out.path())
            .current_dir(registry),
        None,
        WAIT,
    )?;
    if !output.success() {
        bail!(
            "the registry check failed:\n{}{}",
            output.stdout,
            output.stderr
        );
    }
    let converted: Value = serde_json::from_str(output.stdout.trim())
        .context("the Keplr converter printed no JSON")?;
    for field in [
        "chainId",
        "rpc",
        "rest",
        "bip44",
        "bech32Config",
        "currencies",
        "stakeCurrency",
    ] {
        assert_eq!(
            strip_images(&converted[field]),
            strip_images(&keplr[field]),
            "{field}"
        );
    }
    assert_eq!(
        converted["feeCurrencies"][0]["gasPriceStep"],
        keplr["feeCurrencies"][0]["gasPriceStep"]
    );

    // The endpoints the files name answer: REST for the chain id, RPC for its status.
    let rest = keplr["rest"].as_str().context("no rest")?;
    let api = rest
        .trim_start_matches("http://")
        .parse()
        .context("rest is host:port")?;
    let info = http(
        api,
        "GET",
        "/cosmos/base/tendermint/v1beta1/node_info",
        &[],
        b"",
    )?
    .json()?;
    assert_eq!(info["default_node_info"]["network"], net.chain_id.as_str());
    assert_eq!(keplr["rpc"], node.rpc_url().as_str());
    Ok(())
}

/// The converter adds logo fields the files do not carry.
fn strip_images(value: &Value) -> Value {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| {
                key.as_str() != "coinImageUrl" && key.as_str() != "chainSymbolImageUrl"
            })
            .map(|(key, value)| (key.clone(), strip_images(value)))
            .collect(),
        Value::Array(items) => items.iter().map(strip_images).collect(),
        other => other.clone(),
    }
}
