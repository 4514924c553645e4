//! Governance on a real 4-validator net, through the CLI and the REST API: with no mesh
//! authority in genesis the gov account is it, and a proposal the validators vote through
//! changes the mesh params on every node.

use anyhow::{anyhow, ensure, Result};
use rmesh_e2e::rpc::http;
use rmesh_e2e::{wait_until, TestNet, DENOM, FEE, WAIT};
use serde_json::{json, Value};

/// What node `i`'s REST API answers at `path`.
fn rest(net: &TestNet, i: usize, path: &str) -> Result<Value> {
    let answer = http(net.nodes[i].api_addr(), "GET", path, &[], b"")?;
    ensure!(answer.status == 200, "{path}: HTTP {}", answer.status);
    answer.json()
}

fn epoch_length(net: &TestNet, i: usize) -> Result<u64> {
    let params = net.cli_json(&[
        "query",
        "virtual-staking",
        "params",
        "--node",
        &net.nodes[i].rpc_url(),
    ])?;
    params["params"]["epoch_length"]
        .as_u64()
        .or_else(|| params["params"]["epoch_length"].as_str()?.parse().ok())
        .ok_or_else(|| anyhow!("no epoch_length in {params}"))
}

#[test]
fn validators_pass_a_proposal_that_changes_the_mesh_params_on_every_node() -> Result<()> {
    let net = TestNet::builder()
        .validators(4)
        .genesis_param("voting-period-seconds", "8")
        .genesis_param("max-deposit-period-seconds", "30")
        .genesis_param("min-deposit", &format!("1000000{DENOM}"))
        .start()?;
    let gov = rest(&net, 0, "/cosmos/auth/v1beta1/module_accounts/gov")?;
    let gov = gov["account"]["base_account"]["address"]
        .as_str()
        .ok_or_else(|| anyhow!("no gov account address in {gov}"))?
        .to_string();
    let authority = net.cli_json(&[
        "query",
        "virtual-staking",
        "params",
        "--node",
        &net.nodes[0].rpc_url(),
    ])?;
    assert_eq!(
        authority["authority"], gov,
        "governance is the mesh authority"
    );
    let before = epoch_length(&net, 0)?;

    let proposal = json!({
        "messages": [{
            "@type": "/rmesh.virtualstaking.v1.MsgUpdateParams",
            "authority": gov,
            "params": {
                "epoch_length": before + 3,
                "total_cap": "",
                "max_remote_share": "1",
                "max_virtual_stake_per_validator": "",
                "tombstone_auto_unbond": true
            }
        }],
        "metadata": "ipfs://none",
        "deposit": format!("1000000{DENOM}"),
        "title": "Longer epochs",
        "summary": "Re-price virtual stake less often."
    });
    let file = net.root.join("proposal.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&proposal)?)?;
    let alice = net.address("alice");
    let alice_before = net.balance(0, &alice)?;
    net.cli_tx(
        0,
        &[
            "gov",
            "submit-proposal",
            &file.display().to_string(),
            "--from",
            "alice",
        ],
    )?;
    // Another node lists it once it has the block.
    let mut id = String::new();
    wait_until("the proposal in its voting period on node1", WAIT, || {
        let listed = net.cli_json(&[
            "query",
            "gov",
            "proposals",
            "--status",
            "voting_period",
            "--node",
            &net.nodes[1].rpc_url(),
        ])?;
        id = listed["proposals"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        Ok(!id.is_empty())
    })?;

    for (i, validator) in ["validator0", "validator1", "validator2"]
        .iter()
        .enumerate()
    {
        net.cli_tx(i, &["gov", "vote", &id, "yes", "--from", validator])?;
    }
    net.cli_tx(
        3,
        &[
            "gov",
            "weighted-vote",
            &id,
            "yes=0.5,no=0.5",
            "--from",
            "validator3",
        ],
    )?;
    let votes = rest(&net, 3, &format!("/cosmos/gov/v1/proposals/{id}/votes"))?;
    assert_eq!(votes["votes"].as_array().map_or(0, Vec::len), 4, "{votes}");

    let proposal_path = format!("/cosmos/gov/v1/proposals/{id}");
    wait_until("the proposal to be decided", WAIT, || {
        let answer = rest(&net, 0, &proposal_path)?;
        Ok(answer["proposal"]["status"] != "PROPOSAL_STATUS_VOTING_PERIOD")
    })?;
    let decided = rest(&net, 3, &proposal_path)?;
    assert_eq!(
        decided["proposal"]["status"], "PROPOSAL_STATUS_PASSED",
        "{decided}"
    );
    let tally = &decided["proposal"]["final_tally_result"];
    let no: u128 = tally["no_count"].as_str().unwrap_or("0").parse()?;
    let yes: u128 = tally["yes_count"].as_str().unwrap_or("0").parse()?;
    assert!(
        no > 0 && yes == 7 * no,
        "3.5 validators' stake for, 0.5 against: {tally}"
    );
    for i in 0..4 {
        assert_eq!(
            epoch_length(&net, i)?,
            before + 3,
            "node{i} applied the proposal"
        );
    }
    assert_eq!(
        net.balance(0, &alice)?,
        alice_before - FEE,
        "the deposit came back to alice"
    );

    // No upgrade is scheduled; every module is at its first consensus version.
    let node = net.nodes[2].rpc_url();
    let plan = net.cli_json(&["query", "upgrade", "plan", "--node", &node])?;
    assert_eq!(plan["plan"], Value::Null, "{plan}");
    let versions = net.cli_json(&["query", "upgrade", "module-versions", "--node", &node])?;
    let listed = versions["module_versions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        listed
            .iter()
            .any(|v| v["name"] == "gov" && v["version"] == "1"),
        "{versions}"
    );
    Ok(())
}
