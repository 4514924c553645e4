//! Local staking through the vault on a real node: collateral delegated under the "local" lien
//! adds voting power, its staking rewards are paid to the owner, and unstaking starts a normal
//! unbonding.

use anyhow::{anyhow, Result};
use rmesh_e2e::{as_u128, balance_of, TestNet, DENOM, FEE};
use serde_json::Value;

fn event_attribute(committed: &Value, kind: &str, key: &str) -> Option<String> {
    committed["events"]
        .as_array()?
        .iter()
        .filter(|e| e["type"] == kind)
        .flat_map(|e| e["attributes"].as_array().into_iter().flatten())
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"].as_str().map(str::to_string))
}

#[test]
fn local_stake_through_the_vault_adds_power_pays_its_rewards_to_the_owner_and_unbonds() -> Result<()>
{
    let net = TestNet::builder().start()?;
    let validator = net.valoper("validator0")?;
    let alice = net.address("alice");
    let tokens = || -> Result<u128> {
        as_u128(&net.staking_validator(0, &validator)?["tokens"]).ok_or_else(|| anyhow!("tokens"))
    };
    let before = tokens()?;
    net.cli_tx(0, &["vault", "bond", "50000000", "--from", "alice"])?;
    net.cli_tx(
        0,
        &[
            "vault",
            "stake-local",
            &validator,
            "40000000",
            "--from",
            "alice",
        ],
    )?;
    assert_eq!(tokens()?, before + 40_000_000);
    let account = net.query(0, &["vault", "account", &alice])?;
    assert_eq!(account["liens"][0]["holder"], "local", "{account}");
    assert_eq!(account["liens"][0]["amount"], "40000000");
    assert_eq!(account["free"], "10000000");

    net.wait_blocks(0, 3)?;
    let balance =
        || -> Result<u128> { balance_of(&net.query(0, &["bank", "balances", &alice])?, DENOM) };
    let balance_before = balance()?;
    let withdrawn = net.cli_tx(0, &["vault", "withdraw-local-rewards", "--from", "alice"])?;
    let paid: u128 = event_attribute(&withdrawn, "vault_withdraw_local_rewards", "amount")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| anyhow!("no paid amount in {withdrawn}"))?;
    assert!(paid > 0, "the local stake earned rewards");
    assert_eq!(balance()?, balance_before + paid - FEE);

    net.cli_tx(
        0,
        &[
            "vault",
            "unstake-local",
            &validator,
            "40000000",
            "--from",
            "alice",
        ],
    )?;
    assert_eq!(tokens()?, before);
    let stakes = net.query(0, &["vault", "local-stakes", &alice])?;
    assert_eq!(
        stakes["stakes"][0]["unbondings"][0]["amount"], "40000000",
        "{stakes}"
    );
    let refused = net.cli(&rmesh_e2e::strs(&net.tx_args(
        0,
        &["vault", "unbond", "20000000", "--from", "alice"],
        true,
    )))?;
    assert!(!refused.success(), "unbonding collateral is not free yet");
    Ok(())
}
