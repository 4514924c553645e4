//! IBC between two rmesh chains with stock Hermes: clients, a connection and a transfer channel
//! created by Hermes; tokens go A -> B as vouchers named by their trace and come back out of the
//! escrow; a packet that times out is refunded.

use anyhow::Result;
use rmesh_e2e::hermes::{relayed_chain, voucher, Hermes};
use rmesh_e2e::{wait_until, TestNet, DAVE, PREFIX, WAIT};
use sha2::{Digest, Sha256};

const A: &str = "rmesha-1";
const B: &str = "rmeshb-1";

/// ibc-go's escrow account of `transfer/channel-0`.
fn escrow() -> Result<String> {
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
    assert_eq!(balance_of(&a, &escrow()?, "urmesh")?, 1000, "escrowed on A");

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
        balance_of(&a, &escrow()?, "urmesh")?,
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
    assert_eq!(balance_of(&a, &escrow()?, "urmesh")?, 900);

    // A packet nobody relays in time comes back to its sender.
    hermes.stop();
    transfer(&hermes, (A, B), "250", "urmesh", &relayer, 2)?;
    assert_eq!(balance_of(&a, &escrow()?, "urmesh")?, 1150);
    // Hermes set the timeout 2 s past B's clock: B must pass it before Hermes returns, which
    // then relays a timeout.
    let sent_at = b.chain_time(0)?;
    b.wait_for_chain_time(0, sent_at + 2 + 1)?;
    hermes.start()?;
    wait_until("the timed-out 250 refunded from the escrow", WAIT, || {
        Ok(balance_of(&a, &escrow()?, "urmesh")? == 900)
    })?;
    assert_eq!(
        balance_of(&b, &relayer, &denom)?,
        900,
        "nothing arrived on B"
    );
    Ok(())
}
