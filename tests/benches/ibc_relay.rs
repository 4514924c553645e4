//! ICS-20 packets per second relayed by stock Hermes between two rmesh chains (one validator
//! each, on loopback; prints figures, asserts nothing). Hermes sends RMESH_BENCH_PACKETS (200)
//! transfers from chain A in txs of RMESH_BENCH_BATCH (10) messages while it relays; the clock
//! runs from the first send to the last voucher credited on chain B.

use std::time::{Duration, Instant};

use anyhow::Result;
use rmesh_e2e::hermes::Hermes;
use rmesh_e2e::{balance_of, TestNet, DAVE};
use sha2::{Digest, Sha256};

fn size(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<()> {
    let packets = size("RMESH_BENCH_PACKETS", 200);
    let batch = size("RMESH_BENCH_BATCH", 10).max(1);
    let chain = |id: &str| {
        TestNet::builder()
            .chain_id(id)
            .key("relayer", DAVE, Some("100000000000urmesh"))
            .start()
    };
    let (a, b) = (chain("bencha-1")?, chain("benchb-1")?);
    let mut hermes = Hermes::configure(a.root.join("hermes"), &[&a, &b], DAVE)?;
    hermes.run(&[
        "create",
        "channel",
        "--a-chain",
        "bencha-1",
        "--b-chain",
        "benchb-1",
        "--a-port",
        "transfer",
        "--b-port",
        "transfer",
        "--new-client-connection",
        "--yes",
    ])?;
    hermes.start()?;
    let receiver = a.address("bob");
    let voucher = format!(
        "ibc/{}",
        hex::encode_upper(Sha256::digest(b"transfer/channel-0/urmesh"))
    );
    let started = Instant::now();
    let mut sent = 0;
    while sent < packets {
        let n = batch.min(packets - sent).to_string();
        hermes.run(&[
            "tx",
            "ft-transfer",
            "--src-chain",
            "bencha-1",
            "--dst-chain",
            "benchb-1",
            "--src-port",
            "transfer",
            "--src-channel",
            "channel-0",
            "--amount",
            "1",
            "--denom",
            "urmesh",
            "--receiver",
            &receiver,
            "--timeout-seconds",
            "600",
            "--number-msgs",
            &n,
        ])?;
        sent += batch.min(packets - sent);
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
