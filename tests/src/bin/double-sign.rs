//! `double-sign --node <host:port> --chain-id <id> --key <priv_validator_key.json>`: submits
//! duplicate-vote evidence for that validator at the last committed height, as a watcher would, and prints the height of the
//! block that carried it. The demo uses it to make a consumer validator double-sign.

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .with_context(|| format!("missing {name}"))
    };
    if args.is_empty() {
        bail!(
            "usage: double-sign --node <host:port> --chain-id <id> --key <priv_validator_key.json>"
        );
    }
    let node = flag("--node")?
        .parse()
        .context("--node must be host:port")?;
    let infraction = rmesh_e2e::rpc::height(node)? - 1;
    let height = rmesh_e2e::evidence::double_sign(
        node,
        flag("--chain-id")?,
        std::path::Path::new(flag("--key")?),
        infraction,
    )?;
    println!("{height}");
    Ok(())
}
