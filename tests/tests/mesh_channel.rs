//! The mesh-security channel between two rmesh chains through stock Hermes: the consumer opens
//! it from its converter to the provider's external staking, the provider immediately learns
//! the consumer's whole validator set from a `valset_update`, and a second channel is refused;
//! only the consumer's authority closes it, after releasing everything over it.

use anyhow::{anyhow, Result};
use rmesh_e2e::mesh::{MeshPair, MeshTerms, CONSUMER, PROVIDER};
use rmesh_e2e::{wait_until, TestNet, WAIT};
use serde_json::{json, Value};

/// The `packet_data` of every packet the provider received on its external-staking port.
fn packets_received_by_provider(provider: &TestNet) -> Result<Vec<Value>> {
    let found = provider.rpc(
        0,
        "tx_search",
        json!({ "query": "recv_packet.packet_dst_port='external-staking'", "per_page": "100" }),
    )?;
    let mut packets = vec![];
    for tx in found["txs"].as_array().into_iter().flatten() {
        for event in tx["tx_result"]["events"].as_array().into_iter().flatten() {
            if event["type"] != "recv_packet" {
                continue;
            }
            for attribute in event["attributes"].as_array().into_iter().flatten() {
                if attribute["key"] == "packet_data" {
                    let data = attribute["value"].as_str().unwrap_or_default();
                    packets.push(serde_json::from_str(data)?);
                }
            }
        }
    }
    Ok(packets)
}

#[test]
fn a_consumer_opens_a_mesh_channel_the_provider_learns_its_validators_and_a_second_is_refused(
) -> Result<()> {
    let pair = MeshPair::start(MeshTerms::default())?;
    let (consumer, provider) = (&pair.consumer, &pair.provider);
    let bound = consumer.query(0, &["converter", "provider", PROVIDER])?;
    assert_eq!(bound["channel_id"], "channel-0", "{bound}");
    let consumers = provider.query(0, &["external-staking", "consumers"])?;
    assert_eq!(
        consumers["consumers"][0]["channel_id"], "channel-0",
        "{consumers}"
    );

    let valoper = &pair.validator;
    let pub_key = consumer.nodes[0].consensus_pubkey()?;
    let known = pair.provider_validators()?;
    assert_eq!(known[0]["valoper"], valoper.as_str(), "{known:?}");
    assert_eq!(known[0]["state"], "active");
    assert_eq!(known[0]["pub_key"], pub_key.as_str());

    let packets = packets_received_by_provider(provider)?;
    let update = packets
        .iter()
        .find_map(|p| p.get("valset_update"))
        .ok_or_else(|| anyhow!("no valset_update among {packets:?}"))?;
    let height = update["height"]
        .as_u64()
        .ok_or_else(|| anyhow!("{update}"))?;
    let time = update["time"].as_u64().ok_or_else(|| anyhow!("{update}"))?;
    assert!(height > 1 && time > 1_700_000_000, "{update}");
    assert_eq!(
        update,
        &json!({
            "height": height,
            "time": time,
            "additions": [{ "valoper": valoper, "pub_key": pub_key }],
            "removals": [],
            "updated": [],
            "jailed": [],
            "unjailed": [],
            "tombstoned": [],
            "slashed": [],
        })
    );

    let second = pair.hermes.create_mesh_channel(CONSUMER);
    let refusal = format!(
        "{:?}",
        second.expect_err("a second mesh channel must be refused")
    );
    assert!(
        refusal.contains("already has channel channel-0"),
        "{refusal}"
    );
    Ok(())
}

/// `hermes tx <step>` for the mesh channel's close handshake, submitted on `dst`.
fn close_step(pair: &MeshPair, step: &str, (dst, src): (&str, &str)) -> Result<Value> {
    let (dst_port, src_port) = if dst == CONSUMER {
        ("mesh-security", "external-staking")
    } else {
        ("external-staking", "mesh-security")
    };
    pair.hermes.run(&[
        "tx",
        step,
        "--dst-chain",
        dst,
        "--src-chain",
        src,
        "--dst-connection",
        "connection-0",
        "--dst-port",
        dst_port,
        "--src-port",
        src_port,
        "--dst-channel",
        "channel-0",
        "--src-channel",
        "channel-0",
    ])
}

/// The state of the mesh channel's end on `chain` (`hermes query channel end`).
fn channel_state(pair: &MeshPair, chain: &str, port: &str) -> Result<String> {
    let end = pair.hermes.run(&[
        "query",
        "channel",
        "end",
        "--chain",
        chain,
        "--port",
        port,
        "--channel",
        "channel-0",
    ])?;
    Ok(end["state"].as_str().unwrap_or_default().to_string())
}

/// Against a provider end that refuses the consumer's close as the reference contract does:
/// the authority's close unstakes everything over the open channel first, then closes our end.
#[test]
fn only_the_consumers_authority_closes_the_mesh_channel_after_releasing_the_cross_stake_over_it(
) -> Result<()> {
    let pair = MeshPair::start(MeshTerms {
        provider_refuses_close: true,
        ..MeshTerms::default()
    })?;
    pair.bond_and_cross_stake("bob", "20000000", "10000000")?;
    pair.wait_settled()?;
    wait_until("4.5M of virtual stake", WAIT, || {
        Ok(pair.virtual_stake()? == 4_500_000)
    })?;

    let relayer_close = close_step(&pair, "chan-close-init", (CONSUMER, PROVIDER));
    let refusal = format!("{:?}", relayer_close.expect_err("a relayer may not close"));
    assert!(refusal.contains("only the chain authority"), "{refusal}");
    let bob_close = pair.consumer.cli(&rmesh_e2e::strs(&pair.consumer.tx_args(
        0,
        &["converter", "close-channel", PROVIDER, "--from", "bob"],
        true,
    )))?;
    assert!(!bob_close.success() && bob_close.stderr.contains("only the mesh authority"));

    pair.consumer.cli_tx(
        0,
        &[
            "converter",
            "close-channel",
            PROVIDER,
            "--grace-period-seconds",
            "5",
            "--from",
            "alice",
        ],
    )?;
    let provider = pair
        .consumer
        .query(0, &["converter", "provider", PROVIDER])?;
    assert_eq!(provider["status"], "closing", "{provider}");
    assert_eq!(
        provider["channel_id"], "channel-0",
        "still open: {provider}"
    );
    wait_until(
        "the provider released bob's cross-stake over the open channel",
        WAIT,
        || Ok(pair.lien("bob", "external/consumer-1")? == 0 && pair.staked("bob")? == 0),
    )?;
    assert_eq!(pair.virtual_stake()?, 0);
    wait_until(
        "our end of the channel closed after the grace period",
        WAIT,
        || Ok(channel_state(&pair, CONSUMER, "mesh-security")? == "Closed"),
    )?;
    let providers = pair.consumer.query(0, &["converter", "providers"])?;
    assert_eq!(providers["providers"], serde_json::json!([]), "{providers}");
    // The provider refused the relayer's ChanCloseConfirm: its end stays open, with nothing
    // staked on it.
    let _ = close_step(&pair, "chan-close-confirm", (PROVIDER, CONSUMER));
    assert_eq!(channel_state(&pair, PROVIDER, "external-staking")?, "Open");
    let consumers = pair.provider.query(0, &["external-staking", "consumers"])?;
    assert_eq!(
        consumers["consumers"][0]["channel_id"], "channel-0",
        "{consumers}"
    );
    assert_eq!(pair.lien("bob", "external/consumer-1")?, 0);
    Ok(())
}
