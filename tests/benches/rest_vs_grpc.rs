//! Balance lookups per second on one node, 32 concurrent clients, over the REST gateway and over
//! gRPC in the same run: what the gateway's transcoding costs. Prints figures, asserts nothing.
//! `cargo bench -p rmesh-e2e --bench rest_vs_grpc`

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_client::QueryClient as BankClient;
use cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest;
use rmesh_e2e::{TestNet, DENOM, WAIT};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const CLIENTS: usize = 32;
const RUN: Duration = Duration::from_secs(10);

/// One keep-alive HTTP/1.1 connection asking the same GET again and again.
async fn rest_client(api: SocketAddr, target: String, done: Arc<AtomicU64>) -> Result<()> {
    let stream = TcpStream::connect(api).await?;
    let mut stream = BufReader::new(stream);
    let request = format!("GET {target} HTTP/1.1\r\nHost: {api}\r\n\r\n");
    let deadline = Instant::now() + RUN;
    while Instant::now() < deadline {
        stream.get_mut().write_all(request.as_bytes()).await?;
        let mut status = String::new();
        stream.read_line(&mut status).await?;
        if !status.contains(" 200 ") {
            bail!("REST answered {status}");
        }
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            stream.read_line(&mut line).await?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                }
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await?;
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

async fn grpc_client(
    mut client: BankClient<tonic::transport::Channel>,
    address: String,
    done: Arc<AtomicU64>,
) -> Result<()> {
    let deadline = Instant::now() + RUN;
    while Instant::now() < deadline {
        client
            .balance(QueryBalanceRequest {
                address: address.clone(),
                denom: DENOM.into(),
            })
            .await?;
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

fn main() -> Result<()> {
    let net = TestNet::start(1)?;
    net.wait_for_height(0, 2, WAIT)?;
    let alice = net.address("alice");
    let node = &net.nodes[0];
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let target = format!("/cosmos/bank/v1beta1/balances/{alice}/by_denom?denom={DENOM}");
        let done = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| tokio::spawn(rest_client(node.api_addr(), target.clone(), done.clone())))
            .collect();
        for client in clients {
            client.await?.context("a REST client failed")?;
        }
        let rest = done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();

        let channel =
            tonic::transport::Channel::from_shared(format!("http://{}", node.grpc_addr()))?
                .connect()
                .await?;
        let done = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                tokio::spawn(grpc_client(
                    BankClient::new(channel.clone()),
                    alice.clone(),
                    done.clone(),
                ))
            })
            .collect();
        for client in clients {
            client.await?.context("a gRPC client failed")?;
        }
        let grpc = done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
        println!(
            "balance lookups, one node, {CLIENTS} concurrent clients, {}s each:",
            RUN.as_secs()
        );
        println!("  REST (HTTP/1.1 keep-alive)  {rest:>9.0} req/s");
        println!("  gRPC (one HTTP/2 channel)   {grpc:>9.0} req/s");
        println!("  gRPC / REST                 {:>9.2}", grpc / rest);
        anyhow::Ok(())
    })
}
