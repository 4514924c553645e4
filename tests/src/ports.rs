//! Loopback addresses and ports: each net claims its own 127.0.B.0/24 block (see the crate docs).

use super::*;

/// The ports of one node. Every node of a net uses the same ones on its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub p2p: u16,
    pub rpc: u16,
    pub abci: u16,
    pub grpc: u16,
    /// The REST API.
    pub api: u16,
    /// rmeshd's Prometheus metrics.
    pub metrics: u16,
}

impl Ports {
    pub(crate) fn all(&self) -> [u16; 6] {
        [
            self.p2p,
            self.rpc,
            self.abci,
            self.grpc,
            self.api,
            self.metrics,
        ]
    }
}

/// The standard ports first; the others when a process on this machine holds one of those on
/// all addresses (0.0.0.0 or [::], e.g. a CometBFT with its default P2P address).
const PORT_SETS: [Ports; 3] = [
    Ports {
        p2p: 26656,
        rpc: 26657,
        abci: 26658,
        grpc: 9090,
        api: 1317,
        metrics: 26661,
    },
    Ports {
        p2p: 36656,
        rpc: 36657,
        abci: 36658,
        grpc: 36659,
        api: 36317,
        metrics: 36661,
    },
    Ports {
        p2p: 46656,
        rpc: 46657,
        abci: 46658,
        grpc: 46659,
        api: 46317,
        metrics: 46661,
    },
];
const LOCK_PORT: u16 = 26999;

/// True when something LISTENs on `ip:port` (read from /proc/net/tcp, so nothing connects to it).
pub fn is_listening(ip: Ipv4Addr, port: u16) -> bool {
    let want = format!("{:08X}:{:04X}", u32::from_le_bytes(ip.octets()), port);
    listening_sockets("/proc/net/tcp").any(|a| a == want)
}

/// True when `ip:port` cannot be bound: something listens on it, or on the port on all addresses.
pub fn is_taken(ip: Ipv4Addr, port: u16) -> bool {
    let any4 = format!("{:08X}:{port:04X}", 0);
    let any6 = format!("{:032X}:{port:04X}", 0);
    is_listening(ip, port)
        || listening_sockets("/proc/net/tcp").any(|a| a == any4)
        || listening_sockets("/proc/net/tcp6").any(|a| a == any6)
}

pub(crate) fn listening_sockets(table: &str) -> impl Iterator<Item = String> {
    let text = fs::read_to_string(table).unwrap_or_default();
    let rows: Vec<String> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() > 3 && cols[3] == "0A").then(|| cols[1].to_string())
        })
        .collect();
    rows.into_iter()
}

pub(crate) static NEXT_BLOCK: AtomicU32 = AtomicU32::new(0);

/// Claims a free 127.0.B.0/24 block and a port set for `nodes` nodes; see the crate docs.
pub(crate) fn claim_block(nodes: usize) -> Result<(u8, Ports, TcpListener)> {
    ensure!(
        (1..=50).contains(&nodes),
        "between 1 and 50 nodes, not {nodes}"
    );
    let seed = std::process::id()
        .wrapping_mul(7919)
        .wrapping_add(NEXT_BLOCK.fetch_add(1, Ordering::Relaxed));
    for k in 0..241u32 {
        let b = 10 + (seed.wrapping_add(k) % 241) as u8;
        let Ok(lock) = TcpListener::bind((Ipv4Addr::new(127, 0, b, 254), LOCK_PORT)) else {
            continue;
        };
        let free = PORT_SETS.into_iter().find(|ports| {
            (1..=nodes as u8).all(|i| {
                let ip = Ipv4Addr::new(127, 0, b, i);
                ports.all().iter().all(|p| !is_taken(ip, *p))
            })
        });
        if let Some(ports) = free {
            return Ok((b, ports, lock));
        }
    }
    bail!("no free 127.0.B.x block for a test net")
}
