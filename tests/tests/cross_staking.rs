//! Cross-staking end to end between a provider and a consumer rmesh chain through stock
//! Hermes, with the reference suite's numbers (price 0.5, discount 0.1): collateral in the
//! provider's vault backs stake on the consumer's validator as virtual stake; unstaking,
//! unbonding, rewards, refusals, an error ack, a timeout and a zero cap, each asserted on both
//! chains.

use anyhow::Result;
use rmesh_e2e::dashboard;
use rmesh_e2e::mesh::{MeshPair, MeshTerms, CONSUMER, PROVIDER};
use rmesh_e2e::rpc::http;
use rmesh_e2e::walk::{Input, Inputs, Walk};
use rmesh_e2e::{as_u128, balance_of, wait_until, WAIT};

const HOLDER: &str = "external/consumer-1";

fn stake_remote(pair: &MeshPair, owner: &str, amount: &str) -> Result<()> {
    pair.provider_tx(
        owner,
        &["vault", "stake-remote", CONSUMER, &pair.validator, amount],
    )
    .map(|_| ())
}

fn wait_virtual_stake(pair: &MeshPair, expected: u128) -> Result<()> {
    wait_until(
        &format!("{expected} virtual stake on the consumer"),
        WAIT,
        || Ok(pair.virtual_stake()? == expected),
    )
}

#[test]
fn eighty_million_cross_staked_becomes_thirty_six_million_of_power_and_unstaking_returns_it_after_unbonding(
) -> Result<()> {
    let pair = MeshPair::start(MeshTerms::default())?;
    let power_before = validator_tokens(&pair)?;
    pair.provider_tx("alice", &["vault", "bond", "100000000"])?;
    stake_remote(&pair, "alice", "80000000")?;
    assert_eq!(
        pair.lien("alice", HOLDER)?,
        80_000_000,
        "the lien is taken at once"
    );
    pair.wait_settled()?;
    assert_eq!(pair.staked("alice")?, 80_000_000);
    assert_eq!(pair.consumer_positions()?, 80_000_000);
    wait_virtual_stake(&pair, 36_000_000)?;
    assert_eq!(validator_tokens(&pair)?, power_before + 36_000_000);
    every_mesh_query_answers_on_both_chains(&pair, "alice")?;
    the_dashboard_and_the_metrics_show_the_consumers_mesh(&pair)?;

    pair.provider_tx(
        "alice",
        &[
            "external-staking",
            "unstake",
            CONSUMER,
            &pair.validator,
            "30000000",
        ],
    )?;
    pair.wait_settled()?;
    let stake = pair.stake("alice")?.expect("alice still stakes");
    assert_eq!(stake["amount"], "50000000");
    assert_eq!(stake["unbondings"][0]["amount"], "30000000");
    wait_virtual_stake(&pair, 22_500_000)?;
    assert_eq!(
        pair.lien("alice", HOLDER)?,
        80_000_000,
        "unbonding is still at stake"
    );
    assert_eq!(as_u128(&pair.vault("alice")?["free"]), Some(20_000_000));

    let refused = pair.provider_tx_refused("alice", &["vault", "unbond", "30000000"])?;
    assert!(refused.contains("only 20000000"), "{refused}");
    let release_at = as_u128(&stake["unbondings"][0]["release_at"]).expect("a release time");
    pair.provider
        .wait_for_chain_time(0, i64::try_from(release_at)? + 1)?;
    pair.provider_tx(
        "alice",
        &["external-staking", "withdraw-unbonded", CONSUMER],
    )?;
    assert_eq!(pair.lien("alice", HOLDER)?, 50_000_000);
    pair.provider_tx("alice", &["vault", "unbond", "50000000"])?;
    assert_eq!(
        as_u128(&pair.vault("alice")?["collateral"]),
        Some(50_000_000)
    );

    // Rewards earned by the virtual stake reach the provider and are paid on the consumer.
    wait_until("rewards for alice on the provider", WAIT, || {
        Ok(pair
            .stake("alice")?
            .is_some_and(|s| s["pending_rewards"].as_str().is_some_and(|r| !r.is_empty())))
    })?;
    let recipient = pair.consumer.address("bob");
    let before = balance_of(
        &pair.consumer.query(0, &["bank", "balances", &recipient])?,
        "urmesh",
    )?;
    pair.provider_tx(
        "alice",
        &[
            "external-staking",
            "withdraw-rewards",
            CONSUMER,
            &pair.validator,
            "--recipient",
            &recipient,
        ],
    )?;
    let withdrawn = pair.pending_txs()?;
    let paid = as_u128(&withdrawn[0]["amount"]).expect("a transfer_rewards is pending");
    assert!(paid > 0);
    pair.wait_settled()?;
    let after = balance_of(
        &pair.consumer.query(0, &["bank", "balances", &recipient])?,
        "urmesh",
    )?;
    assert_eq!(
        after,
        before + paid,
        "the consumer paid exactly the withdrawn rewards"
    );
    Ok(())
}

#[test]
fn stakes_to_unknown_validators_are_refused_an_error_ack_rolls_back_and_a_zero_cap_releases_everything(
) -> Result<()> {
    let pair = MeshPair::start(MeshTerms::default())?;
    pair.provider_tx("bob", &["vault", "bond", "50000000"])?;
    let unknown = pair.consumer.valoper("alice")?;
    let refused = pair.provider_tx_refused(
        "bob",
        &["vault", "stake-remote", CONSUMER, &unknown, "1000"],
    )?;
    assert!(
        refused.contains("only active validators take stake"),
        "{refused}"
    );
    assert_eq!(pair.lien("bob", HOLDER)?, 0);

    // A paused provider refuses stake on the consumer: the error ack releases the lien.
    pair.consumer.cli_tx(
        0,
        &[
            "converter",
            "update-provider",
            PROVIDER,
            "--status",
            "paused",
            "--from",
            "alice",
        ],
    )?;
    stake_remote(&pair, "bob", "10000000")?;
    assert_eq!(pair.lien("bob", HOLDER)?, 10_000_000);
    pair.wait_settled()?;
    assert_eq!(pair.lien("bob", HOLDER)?, 0, "rolled back by the error ack");
    assert_eq!(pair.staked("bob")?, 0);
    assert_eq!(pair.consumer_positions()?, 0);

    pair.consumer.cli_tx(
        0,
        &[
            "converter",
            "update-provider",
            PROVIDER,
            "--status",
            "active",
            "--from",
            "alice",
        ],
    )?;
    stake_remote(&pair, "bob", "10000000")?;
    pair.wait_settled()?;
    wait_virtual_stake(&pair, 4_500_000)?;

    // Cap zero: the consumer winds the position down and the provider releases it at once.
    pair.consumer.cli_tx(
        0,
        &[
            "converter",
            "update-provider",
            PROVIDER,
            "--cap",
            "0",
            "--from",
            "alice",
        ],
    )?;
    wait_until("the provider released bob's stake", WAIT, || {
        Ok(pair.staked("bob")? == 0 && pair.lien("bob", HOLDER)? == 0)
    })?;
    wait_virtual_stake(&pair, 0)?;
    assert_eq!(pair.consumer_positions()?, 0);
    Ok(())
}

#[test]
fn a_stake_the_consumer_never_receives_times_out_and_is_rolled_back() -> Result<()> {
    let mut pair = MeshPair::start(MeshTerms {
        packet_timeout_seconds: 8,
        ..MeshTerms::default()
    })?;
    pair.provider_tx("alice", &["vault", "bond", "20000000"])?;
    pair.hermes.stop();
    stake_remote(&pair, "alice", "10000000")?;
    assert_eq!(pair.lien("alice", HOLDER)?, 10_000_000);
    assert_eq!(pair.pending_txs()?.len(), 1);
    // The packet times out by the consumer's clock: let it pass the provider's time of sending
    // plus the timeout before the relayer comes back.
    let sent_at = pair.provider.chain_time(0)?;
    pair.consumer.wait_for_chain_time(0, sent_at + 8 + 1)?;
    pair.hermes.start()?;
    pair.wait_settled()?;
    assert_eq!(pair.lien("alice", HOLDER)?, 0, "rolled back by the timeout");
    assert_eq!(pair.staked("alice")?, 0);
    assert_eq!(pair.consumer_positions()?, 0, "the consumer never saw it");
    Ok(())
}

#[test]
fn two_stakers_above_the_cap_are_scaled_down_and_share_rewards_in_proportion_to_their_stake(
) -> Result<()> {
    let pair = MeshPair::start(MeshTerms::default())?;
    pair.consumer.cli_tx(
        0,
        &[
            "converter",
            "update-provider",
            PROVIDER,
            "--cap",
            "9000000",
            "--from",
            "alice",
        ],
    )?;
    for (owner, amount) in [("alice", "80000000"), ("bob", "20000000")] {
        pair.provider_tx(owner, &["vault", "bond", amount])?;
        stake_remote(&pair, owner, amount)?;
    }
    pair.wait_settled()?;
    assert_eq!(pair.consumer_positions()?, 100_000_000);
    // 36M + 9M requested, scaled to the 9M cap: 7.2M for alice's share and 1.8M for bob's.
    wait_virtual_stake(&pair, 9_000_000)?;

    let rewards = |stakes: &serde_json::Value, owner: &str| -> u128 {
        let address = pair.provider.address(owner);
        stakes["stakes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["owner"] == address.as_str())
            .and_then(|s| {
                s["pending_rewards"]
                    .as_str()?
                    .strip_suffix("urmesh")?
                    .parse()
                    .ok()
            })
            .unwrap_or(0)
    };
    // Rewards that reached the provider before bob's stake committed were alice's alone:
    // compare what both earn from now on.
    let shares = || -> Result<(u128, u128)> {
        let stakes = pair
            .provider
            .query(0, &["external-staking", "stakes", CONSUMER])?;
        Ok((rewards(&stakes, "alice"), rewards(&stakes, "bob")))
    };
    let start = shares()?;
    let mut end = start;
    wait_until("new rewards for both stakers", WAIT, || {
        end = shares()?;
        Ok(end.1 > start.1 && end.0 > start.0)
    })?;
    let (alice, bob) = (end.0 - start.0, end.1 - start.1);
    assert!(
        alice.abs_diff(4 * bob) <= 8,
        "alice {alice} should earn four times bob's {bob}"
    );
    Ok(())
}

/// Walks every rmesh query method reflection lists, on the consumer (provider `PROVIDER`, its
/// positions, the virtual stake on the pair's validator) and on the provider (consumer
/// `CONSUMER`, `owner`'s vault account and cross-stake), with requests naming those records.
fn every_mesh_query_answers_on_both_chains(pair: &MeshPair, owner: &str) -> Result<()> {
    let is_rmesh = |service: &str| service.starts_with("rmesh.");
    let owner_address = pair.provider.address(owner);
    let inputs = Inputs::default()
        .field("id", Input::text(PROVIDER))
        .field("provider_id", Input::text(PROVIDER))
        .field("delegator", Input::text(&owner_address))
        .field("validator", Input::text(&pair.validator))
        .field("consumer_id", Input::text(CONSUMER))
        .field("owner", Input::text(&owner_address));
    tokio::runtime::Runtime::new()?.block_on(async {
        for (chain, side) in [(&pair.consumer, "consumer"), (&pair.provider, "provider")] {
            let walk = Walk::connect(&chain.nodes[0].grpc_addr()).await?;
            let side_services = |service: &str| {
                is_rmesh(service)
                    && match side {
                        // A chain runs both ends; each end's lookups name its own records.
                        "consumer" => {
                            !service.starts_with("rmesh.externalstaking.")
                                && !service.starts_with("rmesh.vault.")
                        }
                        _ => {
                            !service.starts_with("rmesh.converter.")
                                && !service.starts_with("rmesh.virtualstaking.")
                        }
                    }
            };
            let walked = walk.walk(side_services, &inputs, &[]).await?;
            assert_eq!(walked.len(), walk.methods(side_services)?.len(), "{side}");
            // rmesh's own routes (/rmesh/<module>/v1/...) answer as gRPC does.
            let api = chain.nodes[0].api_addr();
            let over_rest = walk
                .walk_rest(api, side_services, &inputs, &[], &[])
                .await?;
            assert_eq!(
                over_rest, walked,
                "{side}: every rmesh method has a GET route"
            );
        }
        Ok(())
    })
}

/// What the consumer's REST API answers at `path`.
fn consumer_rest(pair: &MeshPair, path: &str) -> Result<serde_json::Value> {
    let answer = http(pair.consumer.nodes[0].api_addr(), "GET", path, &[], b"")?;
    anyhow::ensure!(answer.status == 200, "{path}: HTTP {}", answer.status);
    answer.json()
}

/// The consumer's dashboard, loaded in headless Chromium, shows the provider and the virtual
/// stake the chain's queries report; its Prometheus metrics say the same.
fn the_dashboard_and_the_metrics_show_the_consumers_mesh(pair: &MeshPair) -> Result<()> {
    let node = &pair.consumer.nodes[0];
    let provider = consumer_rest(pair, &format!("/rmesh/converter/v1/providers/{PROVIDER}"))?;
    let provider = &provider["provider"];
    let virtual_stake = consumer_rest(pair, "/rmesh/virtualstaking/v1/virtual_stake")?;
    let positions = consumer_rest(
        pair,
        &format!("/rmesh/converter/v1/providers/{PROVIDER}/positions?pagination.count_total=true"),
    )?;
    let position_count = positions["pagination"]["total"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        position_count,
        positions["positions"]
            .as_array()
            .map_or(0, Vec::len)
            .to_string(),
        "one page holds this pair's few positions, and the total counts them: {positions}"
    );
    assert_ne!(
        position_count, "0",
        "the pair has cross-staked: {positions}"
    );
    let screenshot = dashboard::artifact_path("mesh-dashboard.png");
    let dom = dashboard::load(&node.api_url(), &screenshot)?;
    eprintln!("dashboard screenshot: {}", screenshot.display());
    let row = dashboard::element(&dom, &format!("data-provider=\"{PROVIDER}\""))?;
    for (field, expected) in [
        ("cap", &provider["provider"]["cap"]),
        ("price", &provider["provider"]["price"]),
        ("discount", &provider["provider"]["discount"]),
        ("delegated", &provider["delegated"]),
        ("channel", &provider["provider"]["channel_id"]),
    ] {
        assert_eq!(
            dashboard::field_value(row, field)?,
            expected.as_str().unwrap_or_default(),
            "the dashboard's {field}"
        );
    }
    let validator_row =
        dashboard::element(&dom, &format!("data-validator=\"{}\"", pair.validator))?;
    assert_eq!(
        dashboard::field_value(validator_row, "virtual")?,
        "36000000"
    );
    let page_info = dashboard::element(&dom, "id=\"page-info\"")?;
    assert_eq!(
        dashboard::attribute(page_info, "data-count")?,
        position_count,
        "the dashboard counts the provider's positions"
    );
    let share = dashboard::element(&dom, "id=\"remote-share\"")?;
    assert_eq!(
        dashboard::attribute(share, "data-virtual")?,
        virtual_stake["total"].as_str().unwrap_or_default()
    );

    let metrics = http(node.metrics_addr(), "GET", "/metrics", &[], b"")?;
    assert_eq!(metrics.status, 200);
    let text = String::from_utf8_lossy(&metrics.body);
    let cap = provider["provider"]["cap"].as_str().unwrap_or_default();
    assert!(
        text.contains(&format!(
            "rmesh_provider_cap{{provider=\"{PROVIDER}\"}} {cap}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "rmesh_provider_positions{{provider=\"{PROVIDER}\"}} {position_count}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("rmesh_bonded_tokens{origin=\"virtual\"} 36000000\n"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "rmesh_provider_status{{provider=\"{PROVIDER}\",status=\"active\"}} 1\n"
    )));
    assert!(text.contains("rmesh_mesh_packets_total{port=\"mesh-security\",outcome=\"sent\"}"));
    Ok(())
}

/// The consumer validator's bonded tokens (self-bond plus virtual stake).
fn validator_tokens(pair: &MeshPair) -> Result<u128> {
    let validator = pair.consumer.staking_validator(0, &pair.validator)?;
    Ok(as_u128(&validator["tokens"]).unwrap_or_default())
}
