//! ICS-20 packets per second relayed by stock Hermes between two rmesh chains (one validator
//! each, on loopback; prints figures, asserts nothing). Hermes sends RMESH_BENCH_PACKETS (200)
//! transfers from chain A in txs of RMESH_BENCH_BATCH (10) messages while it relays; the clock
//! runs from the first send to the last voucher credited on chain B.

use std::time::{Duration, Instant};

use anyhow::Result;
use rmesh_e2e::hermes::{relayed_chain, voucher, Hermes};
use rmesh_e2e::{balance_of, DAVE};

fn size(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<()> {
    let packets = size("RMESH_BENCH_PACKETS", 200);
    let batch = size("RMESH_BENCH_BATCH", 10).max(1);
    let (a, b) = (relayed_chain("bencha-1")?, relayed_chain("benchb-1")?);
    let mut hermes = Hermes::configure(a.root.join("hermes"), &[&a, &b], DAVE)?;
    hermes.create_transfer_channel("bencha-1", "benchb-1")?;
    hermes.start()?;
    let receiver = a.address("bob");
    let voucher = voucher("transfer/channel-0/urmesh");
    let started = Instant::now();
    let mut sent = 0;
    while sent < packets {
        let n = batch.min(packets - sent);
        hermes.ft_transfer(("bencha-1", "benchb-1"), "1", "urmesh", &receiver, 600, n)?;
        sent += n;
    }
    let sent_in = started.elapsed();
    let deadline = started + Duration::from_secs(600);
    let received = loop {
        let balances = b.query(0, &["bank", "balances", &receiver])?;
        let got = balance_of(&balances, &voucher).unwrap_or(0);
        if got as u64 >= packets || Instant::now() > deadline {
            break got;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let elapsed = started.elapsed();
    println!("ibc relay: {packets} ICS-20 packets A -> B through Hermes 1.10.5, txs of {batch}");
    println!("  sent in {sent_in:.1?}; {received} received after {elapsed:.1?}");
    println!(
        "  {:.1} packets/s end to end (send, relay with proofs, receive)",
        received as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
