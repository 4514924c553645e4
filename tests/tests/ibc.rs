//! IBC between two rmesh chains with stock Hermes: clients, a connection and a transfer channel
//! created by Hermes; tokens go A -> B as vouchers named by their trace and come back out of the
//! escrow; a packet that times out is refunded.

use anyhow::Context;
use anyhow::Result;
use rmesh_e2e::hermes::{relayed_chain, voucher, Hermes};
use rmesh_e2e::rpc::http;
use rmesh_e2e::walk::{field_at, Input, Inputs, Walk};
use rmesh_e2e::{wait_until, TestNet, DAVE, PREFIX, WAIT};
use sha2::{Digest, Sha256};

const A: &str = "rmesha-1";
const B: &str = "rmeshb-1";

/// ibc-go's escrow account of `transfer/channel-0`.
fn escrow_of_channel_0() -> Result<String> {
    let digest = Sha256::digest(b"ics20-1\0transfer/channel-0");
    Ok(cosmrs::AccountId::new(PREFIX, &digest[..20])
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

fn balance_of(net: &TestNet, address: &str, denom: &str) -> Result<u128> {
    let balances = net.query(0, &["bank", "balances", address])?;
    rmesh_e2e::balance_of(&balances, denom).or(Ok(0))
}

fn transfer(
    hermes: &Hermes,
    route: (&str, &str),
    amount: &str,
    denom: &str,
    receiver: &str,
    timeout: u64,
) -> Result<()> {
    hermes.ft_transfer(route, amount, denom, receiver, timeout, 1)
}

#[test]
fn hermes_opens_a_transfer_channel_and_tokens_go_there_and_back_and_timeouts_refund() -> Result<()>
{
    let (a, b) = (relayed_chain(A)?, relayed_chain(B)?);
    let mut hermes = Hermes::configure(a.root.join("hermes"), &[&a, &b], DAVE)?;
    hermes.run(&["health-check"])?;
    hermes.create_transfer_channel(A, B)?;
    hermes.start()?;

    let relayer = a.address("relayer");
    let bob = a.address("bob");
    let denom = voucher("transfer/channel-0/urmesh");
    transfer(&hermes, (A, B), "1000", "urmesh", &relayer, 120)?;
    wait_until("1000 urmesh as a voucher on B", WAIT, || {
        Ok(balance_of(&b, &relayer, &denom)? == 1000)
    })?;
    assert_eq!(
        balance_of(&a, &escrow_of_channel_0()?, "urmesh")?,
        1000,
        "escrowed on A"
    );

    let bob_before = balance_of(&a, &bob, "urmesh")?;
    transfer(&hermes, (B, A), "400", &denom, &bob, 120)?;
    wait_until("400 urmesh back to bob on A", WAIT, || {
        Ok(balance_of(&a, &bob, "urmesh")? == bob_before + 400)
    })?;
    assert_eq!(
        balance_of(&b, &relayer, &denom)?,
        600,
        "the voucher was burned on B"
    );
    assert_eq!(
        balance_of(&a, &escrow_of_channel_0()?, "urmesh")?,
        600,
        "the escrow paid out"
    );

    // A packet sent while the relayer is down is delivered when it restarts (clear on start).
    hermes.stop();
    transfer(&hermes, (A, B), "300", "urmesh", &relayer, 300)?;
    hermes.start()?;
    wait_until("the 300 sent while Hermes was down", WAIT, || {
        Ok(balance_of(&b, &relayer, &denom)? == 900)
    })?;
    assert_eq!(balance_of(&a, &escrow_of_channel_0()?, "urmesh")?, 900);
    // Its acknowledgement must be back on A before Hermes stops: on start, Hermes looks at the
    // first pending commitment only (a page of one, as ibc-go pages), and a received but
    // unacknowledged packet there would hide the timed-out one behind it.
    wait_until("the 300's acknowledgement back on A", WAIT, || {
        Ok(pending_commitments(&a)? == 0)
    })?;

    // A packet nobody relays in time comes back to its sender.
    hermes.stop();
    transfer(&hermes, (A, B), "250", "urmesh", &relayer, 2)?;
    assert_eq!(balance_of(&a, &escrow_of_channel_0()?, "urmesh")?, 1150);
    // Hermes set the timeout 2 s past B's clock: B must pass it before Hermes returns, which
    // then relays a timeout.
    let sent_at = b.chain_time(0)?;
    b.wait_for_chain_time(0, sent_at + 2 + 1)?;
    hermes.start()?;
    wait_until("the timed-out 250 refunded from the escrow", WAIT, || {
        Ok(balance_of(&a, &escrow_of_channel_0()?, "urmesh")? == 900)
    })?;
    assert_eq!(
        balance_of(&b, &relayer, &denom)?,
        900,
        "nothing arrived on B"
    );

    // B's own urmesh becomes a voucher on A; then a packet waits unrelayed, so A has every
    // kind of IBC record for the query walk.
    let a_relayer_voucher = voucher("transfer/channel-0/urmesh");
    transfer(&hermes, (B, A), "100", "urmesh", &relayer, 120)?;
    wait_until("B's urmesh as a voucher on A", WAIT, || {
        Ok(balance_of(&a, &relayer, &a_relayer_voucher)? == 100)
    })?;
    hermes.stop();
    transfer(&hermes, (A, B), "5", "urmesh", &relayer, 300)?;
    every_ibc_query_answers_on(&a, &a_relayer_voucher)?;
    ibc_lists_page_as_the_sdk_pages_them(&a)
}

/// How many packets `chain` sent on transfer/channel-0 still wait for their acknowledgement.
fn pending_commitments(chain: &TestNet) -> Result<usize> {
    let answer = rest(
        chain,
        "/ibc/core/channel/v1/channels/channel-0/ports/transfer/packet_commitments",
    )?;
    Ok(answer["commitments"].as_array().map_or(0, Vec::len))
}

/// What `chain`'s REST API answers at `path`.
fn rest(chain: &TestNet, path: &str) -> Result<serde_json::Value> {
    let answer = http(chain.nodes[0].api_addr(), "GET", path, &[], b"")?;
    anyhow::ensure!(answer.status == 200, "{path}: HTTP {}", answer.status);
    answer.json()
}

/// IBC's lists page by `pagination.*`, yet give everything to a relayer that asks for all of it
/// in one page (Hermes asks with a limit of u32::MAX and follows no `next_key` for clients,
/// connections or channels).
fn ibc_lists_page_as_the_sdk_pages_them(chain: &TestNet) -> Result<()> {
    let heights = "/ibc/core/client/v1/consensus_states/07-tendermint-0/heights";
    let everything = rest(chain, &format!("{heights}?pagination.limit=4294967295"))?;
    let all = everything["consensus_state_heights"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(all.len() >= 2, "Hermes updated the client: {everything}");
    assert_eq!(
        everything["pagination"]["next_key"],
        serde_json::Value::Null
    );

    let mut walked = Vec::new();
    let mut key = String::new();
    loop {
        let page = rest(
            chain,
            &format!(
                "{heights}?pagination.limit=1&pagination.count_total=true&pagination.key={key}"
            ),
        )?;
        let listed = page["consensus_state_heights"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(listed.len(), 1, "{page}");
        walked.extend(listed);
        if key.is_empty() {
            assert_eq!(page["pagination"]["total"], all.len().to_string());
        }
        match page["pagination"]["next_key"].as_str() {
            Some(next) => {
                key = next
                    .replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
            }
            None => break,
        }
        anyhow::ensure!(walked.len() <= all.len(), "paging does not end: {page}");
    }
    assert_eq!(walked, all, "page by page lists what one page does");

    let reversed = rest(
        chain,
        "/ibc/core/channel/v1/channels?pagination.reverse=true",
    )?;
    let channels = rest(chain, "/ibc/core/channel/v1/channels")?;
    let mut forward = channels["channels"].as_array().cloned().unwrap_or_default();
    forward.reverse();
    assert_eq!(
        reversed["channels"].as_array().cloned().unwrap_or_default(),
        forward
    );
    Ok(())
}

/// Walks every IBC query method reflection lists on `chain` (which has a client, connection and
/// transfer channel, received and acknowledged packets, a packet waiting, and `voucher`) with
/// requests naming those records.
fn every_ibc_query_answers_on(chain: &TestNet, voucher: &str) -> Result<()> {
    let is_ibc = |service: &str| service.starts_with("ibc.");
    tokio::runtime::Runtime::new()?.block_on(async {
        let walk = Walk::connect(&chain.nodes[0].grpc_addr()).await?;
        let on_channel = Inputs::default()
            .field("port_id", Input::text("transfer"))
            .field("channel_id", Input::text("channel-0"));
        let heights = walk
            .answer(
                "ibc.core.client.v1.Query.ConsensusStateHeights",
                &Inputs::default().field("client_id", Input::text("07-tendermint-0")),
            )
            .await?;
        let first = field_at(&heights, &["consensus_state_heights"])
            .and_then(|list| list.as_list()?.first()?.as_message().cloned())
            .context("the client has no consensus state")?;
        let number = |name: &str| {
            field_at(&first, &[name])
                .and_then(|v| v.as_u64())
                .unwrap_or_default()
        };
        let next_send = walk
            .answer("ibc.core.channel.v1.Query.NextSequenceSend", &on_channel)
            .await?;
        let pending = field_at(&next_send, &["next_sequence_send"])
            .and_then(|v| v.as_u64())
            .context("no next send sequence")?
            - 1;
        let inputs = on_channel
            .field("client_id", Input::text("07-tendermint-0"))
            .field("connection_id", Input::text("connection-0"))
            .field("connection", Input::text("connection-0"))
            .field("revision_number", Input::text(number("revision_number")))
            .field("revision_height", Input::text(number("revision_height")))
            .field("sequence", Input::text(1))
            .method(
                "ibc.core.channel.v1.Query.PacketCommitment",
                "sequence",
                Input::text(pending),
            )
            .field("packet_commitment_sequences", Input::Numbers(vec![pending]))
            .field("packet_ack_sequences", Input::Numbers(vec![1]))
            .field("hash", Input::text(voucher.trim_start_matches("ibc/")))
            .field("trace", Input::text("transfer/channel-0/urmesh"))
            .field("denom", Input::text("urmesh"));
        // ibc-go's answer when no upgrade is pending: NotFound, and rmesh schedules none.
        let no_upgrade = [
            "ibc.core.client.v1.Query.UpgradedClientState",
            "ibc.core.client.v1.Query.UpgradedConsensusState",
            "ibc.core.channel.v1.Query.Upgrade",
            "ibc.core.channel.v1.Query.UpgradeError",
        ];
        let walked = walk.walk(is_ibc, &inputs, &no_upgrade).await?;
        assert_eq!(walked.len(), walk.methods(is_ibc)?.len());
        // The same lookups over the REST API give the same answers.
        let over_rest = walk
            .walk_rest(chain.nodes[0].api_addr(), is_ibc, &inputs, &no_upgrade, &[])
            .await?;
        assert!(over_rest.len() >= 30, "only {} IBC routes", over_rest.len());
        let escrow = walk
            .answer(
                "ibc.applications.transfer.v1.Query.TotalEscrowForDenom",
                &inputs,
            )
            .await?;
        assert_eq!(
            field_at(&escrow, &["amount", "amount"]).and_then(|v| v.as_str().map(str::to_string)),
            Some(balance_of(chain, &escrow_of_channel_0()?, "urmesh")?.to_string()),
            "the total escrow is what the channel's escrow holds"
        );
        Ok(())
    })
}
